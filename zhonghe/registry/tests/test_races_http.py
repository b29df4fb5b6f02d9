"""Issue 10's races through the API on PostgreSQL: a seller confirming (a transfer from a project order or from
a listing) while the buyer retires from the same project, in parallel requests. Every request answers 2xx —
no deadlock, no 500 — and afterwards the ledger is whole and every tonne is where it should be."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from zhonghe.api.tests.support import make_key
from zhonghe.footprints.tests.builders import accounted_event, buy, project_with_credits
from zhonghe.registry.listings import listing_create
from zhonghe.registry.models import BlockStatus, CreditBlock, Order, Retirement
from zhonghe.registry.tests.test_concurrency import assert_ledger_whole, run_racing

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SELECT … FOR UPDATE)"),
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 6
RETIRE_T, ORDER_T = 5, 7


def _post(key: str, path: str, body: dict | None = None):
    client = Client(raise_request_exception=False)  # a 500 comes back as a response, as a real client sees it
    return client.post(
        "/api/v1" + path,
        data=json.dumps(body) if body is not None else "",
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


@pytest.fixture
def market(actors):
    project = project_with_credits(actors, 10_000)
    buy(actors, project, RETIRE_T * ROUNDS)  # the organiser holds units of the project it keeps buying from
    listing = listing_create(
        actor=actors.seller,
        project_code=project.code,
        listing_type="credits",
        quantity_t=1_000,
        unit_price_cny=Decimal("50"),
        valid_until=timezone.localdate() + dt.timedelta(days=3),
    )
    return {
        "project": project,
        "listing": listing,
        "buyer": make_key(actors, "organiser"),
        "seller": make_key(actors, "seller"),
    }


def _race(actors, market, order_body: dict) -> list[object]:
    """ROUNDS times: the buyer orders; then the seller's confirmation and the buyer's retirement race."""
    answers: list[object] = []
    for round_no in range(ROUNDS):
        event = accounted_event(actors.organiser, name=f"并发活动{round_no}")[0]
        ordered = _post(market["buyer"], "/orders", order_body)
        assert ordered.status_code == 201, ordered.content
        order_code = ordered.json()["code"]
        requests = [
            (market["seller"], f"/orders/{order_code}/confirm", None),
            (
                market["buyer"],
                f"/events/{event.code}/retirements",
                {"project_code": market["project"].code, "quantity_t": RETIRE_T, "reason": "抵消活动排放"},
            ),
        ]
        answers.extend(run_racing(2, lambda i, requests=requests: _post(*requests[i])))
    return answers


def _assert_all_answered_2xx(answers: list[object]) -> None:
    problems = [a if isinstance(a, Exception) else (a.status_code, a.content[:300]) for a in answers]
    problems = [p for p in problems if isinstance(p, Exception) or not 200 <= p[0] < 300]
    assert problems == [], problems  # a deadlock would be a 500 (or a 409 for a retry) here


def _assert_tonnes(actors, market, bought_t: int) -> None:
    project = market["project"]
    assert Retirement.objects.aggregate(s=Sum("quantity_t"))["s"] == RETIRE_T * ROUNDS
    held = CreditBlock.objects.filter(project=project, holder=actors.orgs.organiser).exclude(
        status=BlockStatus.SUPERSEDED
    )
    assert held.aggregate(s=Sum("quantity_t"))["s"] == RETIRE_T * ROUNDS + bought_t  # retired blocks stay held
    assert_ledger_whole(project)


def test_confirm_while_the_buyer_retires_over_http(actors, market):
    answers = _race(actors, market, {"project_code": market["project"].code, "quantity_t": ORDER_T})
    _assert_all_answered_2xx(answers)
    assert Order.objects.filter(status="confirmed", listing=None).count() == ROUNDS + 1  # + the set-up purchase
    _assert_tonnes(actors, market, ORDER_T * ROUNDS)


def test_a_listing_transfer_while_the_buyer_retires_over_http(actors, market):
    answers = _race(actors, market, {"listing_code": str(market["listing"].code), "quantity_t": ORDER_T})
    _assert_all_answered_2xx(answers)
    market["listing"].refresh_from_db()
    assert (market["listing"].reserved_t, market["listing"].sold_t) == (0, ORDER_T * ROUNDS)
    assert Order.objects.filter(status="confirmed", listing=market["listing"]).count() == ROUNDS
    _assert_tonnes(actors, market, ORDER_T * ROUNDS)
