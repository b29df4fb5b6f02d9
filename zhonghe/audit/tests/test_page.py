"""/supervision/audit/: the bureau's page, filtered by object and actor, paginated; other roles get 403."""

from __future__ import annotations

import pytest
from django.test import Client

from zhonghe.audit.models import AuditEntry
from zhonghe.audit.services import audit_seal_all
from zhonghe.footprints.tests.builders import make_event
from zhonghe.supervision import views_audit

pytestmark = pytest.mark.django_db
URL = "/supervision/audit/"


def _client(actors, who: str) -> Client:
    client = Client()
    client.force_login(getattr(actors.users, who))
    return client


def test_bureau_sees_entries_newest_first_with_chinese_labels(actors):
    event = make_event(actors.organiser)
    audit_seal_all()
    page = _client(actors, "bureau").get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "活动 · 创建" in html and "重庆市测试局" in html
    assert 'data-testid="audit-pending"' not in html
    rows = page.context["rows"]
    assert rows[0].sequence == AuditEntry.objects.count()
    assert rows[0].object_code == str(event.code)


def test_pending_entries_are_shown_first_as_pending(actors):
    audit_seal_all()
    event = make_event(actors.organiser)
    page = _client(actors, "bureau").get(URL)
    rows = page.context["rows"]
    assert (rows[0].object_code, rows[0].sequence) == (str(event.code), None)
    assert rows[1].sequence == AuditEntry.objects.filter(sequence__isnull=False).count()
    html = page.content.decode()
    assert html.count('data-testid="audit-pending"') == 1 and "待封存" in html
    audit_seal_all()
    assert 'data-testid="audit-pending"' not in _client(actors, "bureau").get(URL).content.decode()


def test_filter_by_object_and_by_actor(actors):
    event = make_event(actors.organiser)
    client = _client(actors, "bureau")
    by_object = client.get(URL, {"object": str(event.code)}).context["rows"]
    assert [r.action for r in by_object] == ["event.create"]
    by_actor = client.get(URL, {"actor": str(actors.orgs.seller.code)}).context["rows"]
    assert by_actor == []  # the seller has written nothing yet
    by_system = client.get(URL, {"actor": "system"}).context["rows"]
    assert by_system and {r.actor_label for r in by_system} == {"system"}
    assert "系统" in client.get(URL, {"actor": "system"}).content.decode()


def test_paginated_and_sortable(actors, monkeypatch):
    monkeypatch.setattr(views_audit, "PER_PAGE", 5)
    client = _client(actors, "bureau")
    audit_seal_all()
    total = AuditEntry.objects.count()
    first = client.get(URL, {"sort": "at"})
    assert [r.sequence for r in first.context["rows"]] == [1, 2, 3, 4, 5]
    assert 'data-testid="page-next"' in first.content.decode()
    second = client.get(URL, {"sort": "at", "page": "2"})
    assert [r.sequence for r in second.context["rows"]] == [6, 7, 8, 9, 10]
    newest = client.get(URL)
    assert newest.context["rows"][0].sequence == total


def test_bad_actor_filter_is_a_400_with_a_message(actors):
    page = _client(actors, "bureau").get(URL, {"actor": "人!"})
    assert page.status_code == 400
    assert 'data-testid="audit-error"' in page.content.decode()


@pytest.mark.parametrize("who", ["organiser", "seller", "verifier", "outsider"])
def test_other_roles_are_refused(actors, who):
    assert _client(actors, who).get(URL).status_code == 403


def test_anonymous_is_sent_to_login():
    response = Client().get(URL)
    assert response.status_code == 302 and "login" in response["Location"]
