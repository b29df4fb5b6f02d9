"""Two workers running check_deadlines at the same moment on PostgreSQL: every reminder goes out once."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection

from zhonghe.events.models import Event
from zhonghe.notifications.models import Notification, ReminderSent
from zhonghe.notifications.services import deadline_reminders_send
from zhonghe.web.tests.conftest import make_event

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions"),
    pytest.mark.django_db(transaction=True),
]

TODAY = date(2028, 3, 1)
EVENTS = 12


def test_two_workers_send_each_reminder_once(actors):
    from zhonghe.events.services import event_submit

    type(actors.users.organiser).objects.filter(pk=actors.users.organiser.pk).update(email="org@example.cn")
    for i in range(EVENTS):
        event = event_submit(actor=actors.organiser, code=make_event(actors.organiser, name=f"活动{i}").code)
        Event.objects.filter(pk=event.pk).update(deadline=TODAY + timedelta(days=(1, 7, -1)[i % 3]), obliged=True)
    barrier = threading.Barrier(2)
    results: list[dict] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(deadline_reminders_send(today=TODAY))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == [] and len(results) == 2
    assert sum(r["sent"] for r in results) == EVENTS
    assert ReminderSent.objects.count() == EVENTS
    assert Notification.objects.count() == EVENTS
    assert len(mail.outbox) == EVENTS
