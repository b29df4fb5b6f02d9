"""Each dashboard page sends the same number of SQL statements with 10 and with 100 events (no per-row query)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhonghe.events.models import Event
from zhonghe.supervision.synth import synthetic_create
from zhonghe.web.tests.conftest import login

PAGES = [
    ("web:supervision:events", {}),
    ("web:supervision:events", {"status": "open", "sort": "-end"}),
    ("web:supervision:emissions", {}),
    ("web:supervision:offsets", {}),
    ("web:supervision:deadlines", {}),
    ("web:public_figures", {}),
]


def _queries(client, name, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name), params).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("name", "params"), PAGES)
def test_queries_do_not_grow_with_the_events(actors, name, params, django_assert_max_num_queries):
    client = login("bureau")
    synthetic_create(events=10, seed=1, today=timezone.localdate())
    small = _queries(client, name, params)
    synthetic_create(events=90, seed=2, today=timezone.localdate())
    assert Event.objects.count() == 100
    with django_assert_max_num_queries(small):
        assert client.get(reverse(name), params).status_code == 200


def test_page_count_comes_from_the_cube(actors):
    synthetic_create(events=120, seed=3, today=timezone.localdate())
    page = login("bureau").get(reverse("web:supervision:events"), {"status": "open"}).content.decode()
    open_events = Event.objects.filter(obliged=True).exclude(status__in=["certified", "withdrawn", "draft"]).count()
    if open_events > 50:
        assert f"共 {open_events} 项" in page
    assert page.count('data-testid="supervision-row"') == min(open_events, 50)
