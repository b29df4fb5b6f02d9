"""Notification writes: deadline reminders (exactly once per event and threshold), marking as read.

`deadline_reminders_send` is what `manage.py check_deadlines` runs. For each open obliged event whose deadline
is 7 days ahead, 1 day ahead, or passed (one to seven days ago), it inserts ReminderSent(event, threshold)
inside its own transaction; the unique constraint decides who sends: a second run, or a second worker racing
the first, gets IntegrityError on that insert and skips the reminder. The organiser's members get an in-page
notification in the same transaction, and an e-mail after it commits (Django's mail backend).
A missed day is caught up: "7 days" covers 2–7 days ahead, "1 day" 0–1 day ahead, "passed" 1–7 days after.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Membership, Role, User
from zhonghe.audit.services import audit_append
from zhonghe.events.models import Event, Status
from zhonghe.lib.errors import NotFound
from zhonghe.lib.ids import parse_code
from zhonghe.notifications.models import Notification, ReminderSent, Threshold

logger = logging.getLogger(__name__)
CLOSED = (Status.CERTIFIED, Status.WITHDRAWN, Status.DRAFT)
# threshold → (smallest, largest) days left (deadline − today) in which it is due.
WINDOWS = {
    Threshold.WEEK_BEFORE: (2, 7),
    Threshold.DAY_BEFORE: (0, 1),
    Threshold.DAY_AFTER: (-7, -1),
}


def threshold_for(days_left: int) -> str | None:
    for threshold, (low, high) in WINDOWS.items():
        if low <= days_left <= high:
            return threshold
    return None


def _texts(event: Event, threshold: str, days_left: int) -> tuple[str, str]:
    d = event.deadline.isoformat()
    if threshold == Threshold.DAY_AFTER:
        title = _("已逾期：%(name)s") % {"name": event.name}
        body = _("活动“%(name)s”的碳中和完成期限 %(d)s 已过，请尽快完成抵消和评价。") % {"name": event.name, "d": d}
    else:
        title = _("%(n)d 天后到期：%(name)s") % {"n": days_left, "name": event.name}
        body = _("活动“%(name)s”须在 %(d)s 前完成碳中和（活动结束后1个月内）。") % {"name": event.name, "d": d}
    return title, body


def _recipients(event: Event) -> list[User]:
    ids = Membership.objects.filter(organization_id=event.organization_id, role=Role.ORGANISER).values("user_id")
    return list(User.objects.filter(id__in=ids, is_active=True).order_by("id"))


def _send_one(event: Event, threshold: str, today: date) -> bool:
    """Insert the reminder row and its notifications; False when another run already has it."""
    days_left = (event.deadline - today).days
    try:
        with transaction.atomic():
            reminder = ReminderSent.objects.create(
                event=event, threshold=threshold, deadline=event.deadline, sent_on=today
            )
            users = _recipients(event)
            title, body = _texts(event, threshold, days_left)
            link = reverse("web:event_detail", args=[event.code])
            Notification.objects.bulk_create(
                Notification(recipient=u, event=event, reminder=reminder, title=title, body=body, link=link)
                for u in users
            )
            reminder.recipients = len(users)
            reminder.save(update_fields=["recipients"])
            audit_append(actor=None, action="reminder.send", target=reminder)  # check_deadlines names itself
            emails = [u.email for u in users if u.email]
            if emails:
                transaction.on_commit(lambda: _mail(title, body, emails))
    except IntegrityError:
        return False
    return True


def _mail(title: str, body: str, emails: list[str]) -> None:
    try:
        send_mail(title, body, settings.DEFAULT_FROM_EMAIL, emails)
    except Exception:  # the in-page notification stands; a mail outage must not fail the run
        logger.exception("deadline reminder e-mail failed")


def deadline_reminders_send(*, today: date | None = None) -> dict[str, int]:
    """Send the reminders due `today` (default: the local date). Returns {"sent": n, "skipped": m}."""
    today = today or timezone.localdate()
    candidates = (
        Event.objects.filter(obliged=True, deadline__gte=today - timedelta(days=7), deadline__lte=today + timedelta(7))
        .exclude(status__in=CLOSED)
        .order_by("deadline", "id")
    )
    sent = skipped = 0
    for event in candidates:
        threshold = threshold_for((event.deadline - today).days)
        if threshold is None:
            continue
        if ReminderSent.objects.filter(event=event, threshold=threshold).exists():
            skipped += 1
        elif _send_one(event, threshold, today):
            sent += 1
        else:
            skipped += 1
    return {"sent": sent, "skipped": skipped}


@transaction.atomic
def notification_mark_read(*, actor: Actor, code: object) -> Notification:
    """Mark one of the user's notifications read (idempotent). NotFound for anyone else's."""
    notification = Notification.objects.filter(recipient=actor.user, code=parse_code(code, "notification")).first()
    if notification is None:
        raise NotFound(_("通知不存在"))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: Actor) -> int:
    return Notification.objects.filter(Q(recipient=actor.user), read_at__isnull=True).update(read_at=timezone.now())
