"""The plan's offset order (pure): tiers, vintage then price within a tier, basket filling, deviations."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from zhonghe.registry.ranking import Offer, deviations, propose_basket, rank_offers, tier_of


def offer(code, credit_type="CQCER", tags=(), chongqing=True, vintage=2024, price="50", available_t=100):
    return Offer(code, credit_type, tuple(tags), chongqing, vintage, Decimal(price), available_t)


CQ_PRIORITY = offer("a-cq-priority", tags=("WULING",))
CQ_OTHER = offer("b-cq-other")
CCER_CQ = offer("c-ccer-cq", "CCER")
CCER_ELSEWHERE = offer("0-ccer-elsewhere", "CCER", chongqing=False)  # sorts first by code: must not lead
ALLOWANCE = offer("00-allowance", "ALLOWANCE", price="0")


def test_tiers_follow_the_plan():
    ranked = rank_offers([ALLOWANCE, CCER_ELSEWHERE, CCER_CQ, CQ_OTHER, CQ_PRIORITY])
    assert [o.code for o in ranked] == [
        CQ_PRIORITY.code,
        CQ_OTHER.code,
        CCER_CQ.code,
        CCER_ELSEWHERE.code,
        ALLOWANCE.code,
    ]
    assert [tier_of(o) for o in ranked] == [0, 1, 2, 3, 4]


def test_priority_origins_only_lift_cqcer():
    assert tier_of(offer("x", "CCER", tags=("THREE_GORGES",), chongqing=False)) == 3
    assert tier_of(offer("y", tags=("RURAL_REVITALIZATION",))) == 0
    assert tier_of(offer("z", tags=("SOMEWHERE",))) == 1


def test_within_a_tier_newer_vintage_then_lower_price():
    old_cheap = offer("1", vintage=2022, price="10")
    new_dear = offer("2", vintage=2025, price="90")
    new_cheap = offer("3", vintage=2025, price="40")
    assert [o.code for o in rank_offers([old_cheap, new_dear, new_cheap])] == ["3", "2", "1"]


def test_basket_fills_in_order_and_reports_shortfall():
    lines, shortfall = propose_basket([CCER_CQ, CQ_PRIORITY, offer("d", available_t=0)], 150)
    assert [(line.offer.code, line.quantity_t, line.tier) for line in lines] == [
        (CQ_PRIORITY.code, 100, 0),
        (CCER_CQ.code, 50, 2),
    ]
    assert shortfall == 0
    assert lines[0].reasons[0].code == "tier_0" and dict(lines[0].reasons[0].params) == {"origins": "WULING"}
    _lines, short = propose_basket([CQ_OTHER], 130)
    assert short == 30


def test_reasons_name_vintage_and_price_only_when_they_decided():
    a, b = offer("1", vintage=2025, price="40"), offer("2", vintage=2025, price="60")
    lines, _ = propose_basket([a, b, offer("3", vintage=2023)], 300)
    assert [[r.code for r in line.reasons] for line in lines] == [
        ["tier_1", "vintage", "price"],
        ["tier_1", "vintage", "price"],
        ["tier_1", "vintage"],
    ]
    alone, _ = propose_basket([CQ_PRIORITY], 1)
    assert [r.code for r in alone[0].reasons] == ["tier_0"]


def test_deviation_when_a_better_tier_is_left():
    found = deviations([CQ_PRIORITY, CCER_CQ], {CCER_CQ.code: 10, CQ_PRIORITY.code: 20})
    assert [(d.code, d.better_code, d.better_left_t) for d in found] == [(CCER_CQ.code, CQ_PRIORITY.code, 80)]
    assert deviations([CQ_PRIORITY, CCER_CQ], {CQ_PRIORITY.code: 100, CCER_CQ.code: 5}) == []
    # vintage/price inside a tier are preferences, not the plan's order
    assert deviations([offer("1", vintage=2025), offer("2", vintage=2020)], {"2": 5}) == []


offers_strategy = st.lists(
    st.builds(
        Offer,
        code=st.text("abcdef", min_size=1, max_size=4),
        credit_type=st.sampled_from(["CQCER", "CCER", "ALLOWANCE"]),
        origin_tags=st.sets(st.sampled_from(["WULING", "THREE_GORGES", "RURAL_REVITALIZATION"])).map(tuple),
        chongqing=st.booleans(),
        vintage=st.integers(2015, 2026),
        unit_price_cny=st.decimals("0", "500", places=2),
        available_t=st.integers(0, 500),
    ),
    max_size=12,
    unique_by=lambda o: o.code,
)


@given(offers_strategy, st.integers(0, 3000))
def test_the_proposal_follows_the_plan_and_never_overdraws(offers, need_t):
    lines, shortfall = propose_basket(offers, need_t)
    assert sum(line.quantity_t for line in lines) + shortfall == need_t
    assert all(0 < line.quantity_t <= line.offer.available_t for line in lines)
    assert [line.tier for line in lines] == sorted(line.tier for line in lines)
    chosen = {line.offer.code: line.quantity_t for line in lines}
    assert deviations(offers, chosen) == []  # the proposal itself never leaves the plan's order
    if shortfall:
        assert sum(o.available_t for o in offers) == need_t - shortfall
