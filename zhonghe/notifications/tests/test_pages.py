"""The notification list, the navbar badge and marking read; nobody reads another user's notifications."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from zhonghe.events.models import Event
from zhonghe.events.services import event_submit
from zhonghe.notifications.models import Notification
from zhonghe.notifications.services import deadline_reminders_send
from zhonghe.web.tests.conftest import login, make_event


def _reminded(actors):
    event = event_submit(actor=actors.organiser, code=make_event(actors.organiser).code)
    today = timezone.localdate()
    Event.objects.filter(pk=event.pk).update(deadline=today + timedelta(days=1), obliged=True)
    deadline_reminders_send(today=today)
    return Notification.objects.get()


def test_badge_list_and_read(actors):
    note = _reminded(actors)
    client = login("organiser")
    page = client.get(reverse("web:dashboard")).content.decode()
    assert 'data-testid="nav-unread">1<' in page
    listing = client.get(reverse("web:notifications:list")).content.decode()
    assert note.title in listing and 'data-unread="1"' in listing
    response = client.post(reverse("web:notifications:read", args=[note.code]))
    assert response.status_code == 302 and response["Location"] == note.link
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'data-testid="nav-unread"' not in client.get(reverse("web:dashboard")).content.decode()


def test_another_users_notification_is_not_found(actors):
    note = _reminded(actors)
    assert login("outsider").post(reverse("web:notifications:read", args=[note.code])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_read_all(actors):
    _reminded(actors)
    client = login("organiser")
    assert client.post(reverse("web:notifications:read_all")).status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()
