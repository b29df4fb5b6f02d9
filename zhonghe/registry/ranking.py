"""The plan's offset order, as a pure function over plain offers (no Django, no database).

Source: 重庆市大型会议和活动碳中和实施方案 四（二）1 — offset first with Chongqing "碳惠通" verified reductions
(CQCER), preferring projects from 乡村振兴帮扶村, 渝东北三峡库区城镇群 and 渝东南武陵山区城镇群; then national CCER,
Chongqing projects first; surplus allowances of key emitting units are an encouraged further source. Tiers:

0. CQCER from a priority origin    1. other CQCER    2. CCER from a Chongqing project    3. other CCER
4. surplus allowances (节余配额)

Within a tier: newer vintage first, then lower unit price, then the offer's code (a stable, total order).
Newer first is our choice, not the plan's: a recent vintage's reductions are closest in time to the event's
emissions, and older vintages stay on offer for whoever needs them; price only breaks ties so the basket never
trades the plan's preference for cost.

Reasons are codes with parameters; the interface translates them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

CQCER, CCER, ALLOWANCE = "CQCER", "CCER", "ALLOWANCE"
PRIORITY_ORIGINS = frozenset({"RURAL_REVITALIZATION", "THREE_GORGES", "WULING"})

TIER_CQCER_PRIORITY, TIER_CQCER, TIER_CCER_CHONGQING, TIER_CCER, TIER_ALLOWANCE = range(5)


@dataclass(frozen=True)
class Offer:
    code: str
    credit_type: str
    origin_tags: tuple[str, ...]
    chongqing: bool  # the project lies in a Chongqing district
    vintage: int
    unit_price_cny: Decimal
    available_t: int


@dataclass(frozen=True)
class Reason:
    code: str  # tier_0 … tier_4, vintage, price
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class BasketLine:
    offer: Offer
    tier: int
    quantity_t: int
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Deviation:
    """An edited basket takes `code` (tier `tier`) while `better_code` (tier `better_tier`) is not used up."""

    code: str
    tier: int
    better_code: str
    better_tier: int
    better_left_t: int


def tier_of(offer: Offer) -> int:
    if offer.credit_type == CQCER:
        return TIER_CQCER_PRIORITY if PRIORITY_ORIGINS.intersection(offer.origin_tags) else TIER_CQCER
    if offer.credit_type == CCER:
        return TIER_CCER_CHONGQING if offer.chongqing else TIER_CCER
    return TIER_ALLOWANCE


def rank_key(offer: Offer) -> tuple[int, int, Decimal, str]:
    return (tier_of(offer), -offer.vintage, offer.unit_price_cny, offer.code)


def rank_offers(offers: list[Offer]) -> list[Offer]:
    """Offers in the plan's order (see the module docstring)."""
    return sorted(offers, key=rank_key)


def _reasons(offer: Offer, tier: int, peers: list[Offer]) -> tuple[Reason, ...]:
    reasons = [Reason(f"tier_{tier}", (("origins", ",".join(sorted(PRIORITY_ORIGINS & set(offer.origin_tags)))),))]
    same_tier = [p for p in peers if tier_of(p) == tier and p.code != offer.code]
    if any(p.vintage != offer.vintage for p in same_tier):
        reasons.append(Reason("vintage", (("vintage", str(offer.vintage)),)))
    if any(p.vintage == offer.vintage and p.unit_price_cny != offer.unit_price_cny for p in same_tier):
        reasons.append(Reason("price", (("price", str(offer.unit_price_cny)),)))
    return tuple(reasons)


def propose_basket(offers: list[Offer], need_t: int) -> tuple[list[BasketLine], int]:
    """Take `need_t` tonnes from the offers in the plan's order; returns (lines, shortfall_t)."""
    ranked = rank_offers([o for o in offers if o.available_t > 0])
    lines: list[BasketLine] = []
    left = max(need_t, 0)
    for offer in ranked:
        if left == 0:
            break
        take = min(left, offer.available_t)
        tier = tier_of(offer)
        lines.append(BasketLine(offer, tier, take, _reasons(offer, tier, ranked)))
        left -= take
    return lines, left


def deviations(offers: list[Offer], chosen: dict[str, int]) -> list[Deviation]:
    """Where an edited basket (offer code → tonnes) leaves the plan's order: it takes an offer while an offer of
    a better tier still has tonnes left. Vintage and price inside a tier are preferences, not the plan's order."""
    ranked = rank_offers(offers)
    found = []
    for offer in ranked:
        if chosen.get(offer.code, 0) <= 0:
            continue
        tier = tier_of(offer)
        for better in ranked:
            left = better.available_t - chosen.get(better.code, 0)
            if tier_of(better) < tier and left > 0:
                found.append(Deviation(offer.code, tier, better.code, tier_of(better), left))
                break
    return found
