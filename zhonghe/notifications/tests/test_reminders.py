"""Deadline reminders: 7 days and 1 day before, the day after; exactly once per event and threshold."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from zhonghe.events.models import Event
from zhonghe.notifications.models import Notification, ReminderSent
from zhonghe.notifications.services import deadline_reminders_send, threshold_for
from zhonghe.supervision.tests.dataset import certify
from zhonghe.web.tests.conftest import make_event

TODAY = date(2028, 3, 1)


def _submitted(actor, name, deadline, obliged=True):
    from zhonghe.events.services import event_submit

    event = event_submit(actor=actor, code=make_event(actor, name=name).code)
    Event.objects.filter(pk=event.pk).update(deadline=deadline, obliged=obliged)
    return Event.objects.get(pk=event.pk)


@pytest.fixture
def organiser_email(actors):
    type(actors.users.organiser).objects.filter(pk=actors.users.organiser.pk).update(email="org@example.cn")


def test_windows():
    assert [threshold_for(d) for d in (8, 7, 2, 1, 0, -1, -7, -8)] == [
        None, "7d_before", "7d_before", "1d_before", "1d_before", "1d_after", "1d_after", None,
    ]  # fmt: skip


def test_each_threshold_once_even_when_run_twice(actors, organiser_email, django_capture_on_commit_callbacks):
    week = _submitted(actors.organiser, "七天后到期", TODAY + timedelta(days=7))
    day = _submitted(actors.organiser, "明天到期", TODAY + timedelta(days=1))
    passed = _submitted(actors.organiser, "昨天已到期", TODAY - timedelta(days=1))
    _submitted(actors.organiser, "十天后到期", TODAY + timedelta(days=10))
    _submitted(actors.organiser, "无义务", TODAY + timedelta(days=1), obliged=False)
    done = _submitted(actors.organiser, "已完成", TODAY + timedelta(days=1))
    certify(done, late=False)

    with django_capture_on_commit_callbacks(execute=True):
        assert deadline_reminders_send(today=TODAY) == {"sent": 3, "skipped": 0}
        assert deadline_reminders_send(today=TODAY) == {"sent": 0, "skipped": 3}
        call_command("check_deadlines", "--today", TODAY.isoformat())
    sent = set(ReminderSent.objects.values_list("event_id", "threshold"))
    assert sent == {(week.pk, "7d_before"), (day.pk, "1d_before"), (passed.pk, "1d_after")}
    notes = Notification.objects.filter(recipient=actors.users.organiser)
    assert notes.count() == 3 and notes.filter(read_at__isnull=True).count() == 3
    assert len(mail.outbox) == 3 and all(m.to == ["org@example.cn"] for m in mail.outbox)
    assert not Notification.objects.exclude(recipient=actors.users.organiser).exists()  # organisers only


def test_one_event_over_its_days(actors):
    deadline = date(2028, 2, 29)
    event = _submitted(actors.organiser, "闰日到期", deadline)
    for day_offset in range(-10, 10):  # ten days before to nine days after, run twice a day
        for _ in range(2):
            deadline_reminders_send(today=deadline + timedelta(days=day_offset))
    rows = list(ReminderSent.objects.filter(event=event).order_by("sent_on").values_list("threshold", "sent_on"))
    assert rows == [
        ("7d_before", date(2028, 2, 22)),
        ("1d_before", date(2028, 2, 28)),
        ("1d_after", date(2028, 3, 1)),
    ]


def test_bad_date_is_refused(actors):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("check_deadlines", "--today", "2028-02-30")
    assert not ReminderSent.objects.exists()
