"""Offset basket: proposal for a frozen inventory (+ buffer), reasons, one-step ordering (atomic), edits with
warnings, the catalogue's plan order (a non-Chongqing CCER project never before a Chongqing one)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from zhonghe.footprints.tests.builders import accounted_event, make_event, refused, register_project
from zhonghe.lib.errors import Conflict, NotFound, ValidationFailed
from zhonghe.registry.basket import basket_deviations, basket_for_event, basket_order
from zhonghe.registry.listings import listing_create
from zhonghe.registry.models import Listing, Order
from zhonghe.registry.selectors import project_catalogue
from zhonghe.registry.services import credits_issue

pytestmark = pytest.mark.django_db

UNTIL = timezone.localdate() + dt.timedelta(days=5)


def _offer(actors, code, quantity_t, price="50", listing_type="credits", **project):
    proj = register_project(actors, code=code, **project)
    credits_issue(actor=actors.platform, project=proj, quantity_t=quantity_t)
    return listing_create(
        actor=actors.seller,
        project_code=code,
        listing_type=listing_type,
        quantity_t=quantity_t,
        unit_price_cny=Decimal(price),
        valid_until=UNTIL,
    )


@pytest.fixture
def market(actors):
    return {
        "ccer_elsewhere": _offer(
            actors, "CCER-A-ELSEWHERE", 50, "30", credit_type="CCER", origin_tags=[], district_code=""
        ),
        "ccer_cq": _offer(actors, "CCER-B-CQ", 50, "60", credit_type="CCER", origin_tags=[]),
        "cq_other": _offer(actors, "CQCER-C-OTHER", 5, "40", origin_tags=[]),
        "cq_priority": _offer(actors, "CQCER-D-WULING", 4, "45"),
        "allowance": _offer(actors, "CQEA-E", 100, "0", "allowance_donation", credit_type="ALLOWANCE", origin_tags=[]),
    }


def _codes(proposal):
    return [(row["listing"].project.code, row["quantity_t"]) for row in proposal["lines"]]


def test_catalogue_lists_chongqing_ccer_before_other_ccer(actors, market):
    codes = [p.code for p in project_catalogue()]
    assert codes == ["CQCER-D-WULING", "CQCER-C-OTHER", "CCER-B-CQ", "CCER-A-ELSEWHERE", "CQEA-E"]


def test_proposal_in_the_plans_order_with_reasons_and_totals(actors, market):
    event, inventory = accounted_event(actors.organiser)  # 13 t
    proposal = basket_for_event(actors.organiser, event.code)
    assert proposal["need_t"] == inventory.required_offset_t == 13
    assert _codes(proposal) == [("CQCER-D-WULING", 4), ("CQCER-C-OTHER", 5), ("CCER-B-CQ", 4)]
    assert proposal["total_cny"] == Decimal("4") * 45 + 5 * 40 + 4 * 60
    assert "渝东南武陵山区城镇群" in proposal["lines"][0]["reasons"][0]
    assert "重庆项目" in proposal["lines"][2]["reasons"][0]


def test_buffer_rounds_up(actors, market):
    event, _inventory = accounted_event(actors.organiser)
    proposal = basket_for_event(actors.organiser, event.code, buffer_pct="10")
    assert (proposal["target_t"], proposal["need_t"]) == (15, 15)  # ceil(13 × 1.1) = ceil(14.3)
    big = basket_for_event(actors.organiser, event.code, buffer_pct="100")
    assert big["need_t"] == 26 and big["shortfall_t"] == 0
    assert _codes(big) == [("CQCER-D-WULING", 4), ("CQCER-C-OTHER", 5), ("CCER-B-CQ", 17)]


@pytest.mark.parametrize("bad", ["-1", "101", "abc", 1.5, "NaN"])
def test_bad_buffer_is_refused(actors, market, bad):
    event, _ = accounted_event(actors.organiser)
    error = refused(
        ValidationFailed, "validation_failed", basket_for_event, actors.organiser, event.code, buffer_pct=bad
    )
    assert "buffer_pct" in error.fields


def test_no_basket_before_freezing_or_for_others(actors, market):
    draft = make_event(actors.organiser)
    refused(Conflict, "not_accounted", basket_for_event, actors.organiser, draft.code)
    event, _ = accounted_event(actors.organiser)
    refused(NotFound, "not_found", basket_for_event, actors.outsider, event.code)
    refused(
        NotFound,
        "not_found",
        basket_order,
        actor=actors.outsider,
        event_code=event.code,
        lines=[{"listing_code": str(market["cq_other"].code), "quantity_t": 1}],
    )


def test_order_the_proposal_in_one_step(actors, market):
    event, _ = accounted_event(actors.organiser)
    proposal = basket_for_event(actors.organiser, event.code)
    lines = [{"listing_code": str(r["listing"].code), "quantity_t": r["quantity_t"]} for r in proposal["lines"]]
    assert basket_deviations(actors.organiser, lines) == []
    orders = basket_order(actor=actors.organiser, event_code=event.code, lines=lines, idempotency_key="b-1")
    assert sorted((o.project.code, o.quantity_t, o.event_id) for o in orders) == sorted(
        (code, q, event.id) for code, q in _codes(proposal)
    )
    again = basket_order(actor=actors.organiser, event_code=event.code, lines=lines, idempotency_key="b-1")
    assert {o.pk for o in again} == {o.pk for o in orders} and Order.objects.count() == 3
    assert Listing.objects.get(pk=market["cq_priority"].pk).reserved_t == 4


def test_basket_is_all_or_nothing(actors, market):
    event, _ = accounted_event(actors.organiser)
    lines = [
        {"listing_code": str(market["cq_priority"].code), "quantity_t": 4},
        {"listing_code": str(market["cq_other"].code), "quantity_t": 6},  # only 5 on offer
    ]
    refused(Conflict, "exceeds_listing", basket_order, actor=actors.organiser, event_code=event.code, lines=lines)


@pytest.mark.parametrize(
    "lines",
    [
        [],
        "x",
        [{"listing_code": "", "quantity_t": 1}],
        [{"listing_code": "a", "quantity_t": -1}],
        [{"listing_code": "a", "quantity_t": 0}],
        [{"listing_code": "a", "quantity_t": 1}, {"listing_code": "a", "quantity_t": 2}],
    ],
)
def test_bad_lines_are_refused(actors, market, lines):
    event, _ = accounted_event(actors.organiser)
    refused(
        ValidationFailed, "validation_failed", basket_order, actor=actors.organiser, event_code=event.code, lines=lines
    )


def test_edit_that_leaves_the_plans_order_is_warned(actors, market):
    lines = [{"listing_code": str(market["ccer_elsewhere"].code), "quantity_t": 13}]
    [warning] = basket_deviations(actors.organiser, lines)
    assert "CCER-A-ELSEWHERE" in warning and "CQCER-D-WULING" in warning and "4" in warning


def test_retired_tonnes_are_deducted(actors, market):
    from zhonghe.footprints.tests.builders import buy, project_with_credits
    from zhonghe.registry.services import credits_retire

    event, _ = accounted_event(actors.organiser)  # 13 t
    held = project_with_credits(actors, 10, code="CQCER-F-HELD")
    buy(actors, held, 3)
    credits_retire(actor=actors.organiser, event_code=event.code, project_code=held.code, quantity_t=3, reason="抵消")
    proposal = basket_for_event(actors.organiser, event.code, buffer_pct="10")
    assert (proposal["retired_t"], proposal["target_t"], proposal["need_t"]) == (3, 15, 12)
