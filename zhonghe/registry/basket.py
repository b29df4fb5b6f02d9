"""Offset basket (推荐组合): what to buy for a frozen inventory, in the plan's order (registry/ranking.py).

`basket_for_event` (read) proposes; `basket_deviations` says where an edited basket leaves the plan's order;
`basket_order` (write) places one order per listing, all or none, through order_create.
"""

from __future__ import annotations

import math
import uuid
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Role
from zhonghe.events.models import Event, Status
from zhonghe.events.selectors import event_get
from zhonghe.interop.idempotency import run_idempotent
from zhonghe.lib.errors import Conflict, ValidationFailed
from zhonghe.lib.numbers import format_number
from zhonghe.registry import ranking
from zhonghe.registry.models import Listing, Order, Origin, order_total_cny
from zhonghe.registry.selectors import listings_on_offer
from zhonghe.registry.services import order_create

MAX_BUFFER_PCT = Decimal("100")


def offer_of(listing: Listing) -> ranking.Offer:
    project = listing.project
    return ranking.Offer(
        code=str(listing.code),
        credit_type=project.credit_type,
        origin_tags=tuple(project.origin_tags or ()),
        chongqing=bool(project.district_code),  # project_register accepts Chongqing district codes only
        vintage=project.vintage,
        unit_price_cny=listing.unit_price_cny,
        available_t=listing.remaining_t,
    )


def reason_text(reason: ranking.Reason) -> str:
    params = dict(reason.params)
    if reason.code == "tier_0":
        origins = "、".join(str(Origin(o).label) for o in params["origins"].split(",") if o)
        return _("第1档：CQCER，来自优先产地（%(o)s）") % {"o": origins}
    texts = {
        "tier_1": _("第2档：CQCER（非优先产地）"),
        "tier_2": _("第3档：重庆项目的CCER"),
        "tier_3": _("第4档：其他地区项目的CCER"),
        "tier_4": _("第5档：重点排放单位的节余配额"),
        "vintage": _("同档内年份较新者优先（%(v)s年）") % {"v": params.get("vintage", "")},
        "price": _("同档同年份内单价较低者优先（%(p)s元/吨）") % {"p": params.get("price", "")},
    }
    return texts[reason.code]


def _parse_buffer(buffer_pct: object) -> Decimal:
    try:
        value = Decimal(str(buffer_pct if buffer_pct not in (None, "") else "0"))
    except InvalidOperation:
        value = Decimal("NaN")
    if isinstance(buffer_pct, float | bool) or not value.is_finite() or not 0 <= value <= MAX_BUFFER_PCT:
        raise ValidationFailed(_("缓冲比例应为0至100之间的数"), fields={"buffer_pct": str(buffer_pct)})
    return value


def _frozen_event(actor: Actor, event_code: object) -> tuple[Event, object]:
    event = event_get(actor, event_code)
    if event.organization_id != actor.organization.id:
        raise Conflict(_("只有实施方可以为活动购买减排量"), code="not_organiser")
    inventory = event.inventories.order_by("-version").first()
    if event.status != Status.ACCOUNTED or inventory is None:
        raise Conflict(_("请先冻结核算结果；已完成抵消的活动无需再购买"), code="not_accounted")
    return event, inventory


def basket_for_event(actor: Actor, event_code: object, *, buffer_pct: object = "0") -> dict:
    """The proposal: required tonnes (+ buffer, rounded up) less what is already retired, taken from the
    listings on offer in the plan's order. Raises NotFound (other organisations' events), Conflict, ValidationFailed.
    """
    buffer = _parse_buffer(buffer_pct)
    event, inventory = _frozen_event(actor, event_code)
    target_t = math.ceil(Decimal(inventory.required_offset_t) * (100 + buffer) / 100)
    need_t = max(target_t - event.retired_t, 0)
    listings = {str(x.code): x for x in listings_on_offer() if x.seller_id != actor.organization.id}
    lines, shortfall_t = ranking.propose_basket([offer_of(x) for x in listings.values()], need_t)
    rows = []
    for line in lines:
        listing = listings[line.offer.code]
        rows.append(
            {
                "listing": listing,
                "tier": line.tier,
                "quantity_t": line.quantity_t,
                "total_cny": order_total_cny(line.quantity_t, listing.unit_price_cny),
                "reasons": [reason_text(r) for r in line.reasons],
            }
        )
    return {
        "event": event,
        "required_t": inventory.required_offset_t,
        "buffer_pct": buffer,
        "target_t": target_t,
        "retired_t": event.retired_t,
        "need_t": need_t,
        "lines": rows,
        "total_cny": sum((r["total_cny"] for r in rows), Decimal("0.00")),
        "shortfall_t": shortfall_t,
        "offers": list(listings.values()),
    }


def _parse_lines(lines: object) -> dict[str, int]:
    chosen: dict[str, int] = {}
    if not isinstance(lines, list | tuple) or not lines:
        raise ValidationFailed(_("请至少选择一项"), fields={"lines": "required"})
    for item in lines:
        code, quantity = (item.get("listing_code"), item.get("quantity_t")) if isinstance(item, dict) else (None, None)
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0 or not code:
            raise ValidationFailed(_("每一项需要挂牌编号和不小于0的整数数量"), fields={"lines": str(item)})
        if str(code) in chosen:
            raise ValidationFailed(_("同一挂牌只能出现一次"), fields={"lines": str(code)})
        chosen[str(code)] = quantity
    if not any(chosen.values()):
        raise ValidationFailed(_("请至少选择一项"), fields={"lines": "required"})
    return chosen


def basket_deviations(actor: Actor, lines: object) -> list[str]:
    """Warnings, in words, where the edited basket leaves the plan's order (a better tier not used up)."""
    chosen = _parse_lines(lines)
    listings = {str(x.code): x for x in listings_on_offer() if x.seller_id != actor.organization.id}
    found = ranking.deviations([offer_of(x) for x in listings.values()], chosen)
    return [
        _("%(p)s（第%(t)d档）排在%(b)s（第%(bt)d档，尚有%(n)s吨）之后，偏离了实施方案的顺序")
        % {
            "p": listings[d.code].project.code,
            "t": d.tier + 1,
            "b": listings[d.better_code].project.code,
            "bt": d.better_tier + 1,
            "n": format_number(d.better_left_t, "credits"),
        }
        for d in found
    ]


@transaction.atomic
def basket_order(*, actor: Actor, event_code: object, lines: object, idempotency_key: object = "") -> list[Order]:
    """Order a basket in one step: one order per listing (lines with 0 t are skipped), all or none — any
    refusal (a listing gone, more than on offer) rolls back every order of the basket. Listings are locked in
    id order, so two baskets sharing listings queue instead of deadlocking. A repeated key replays the first."""
    actor.require(Role.ORGANISER)
    chosen = {code: q for code, q in _parse_lines(lines).items() if q > 0}
    event, _inventory = _frozen_event(actor, event_code)

    def perform() -> list[Order]:
        ids = dict(Listing.objects.filter(code__in=_valid_codes(chosen)).values_list("code", "id"))
        ordered = sorted(chosen.items(), key=lambda kv: ids.get(_as_uuid(kv[0]), 0))
        list(
            Listing.objects.select_for_update(of=("self",)).filter(id__in=ids.values()).order_by("id")
        )  # every listing locked up front, in id order (docs/architecture.md lock order)
        return [
            order_create(actor=actor, listing_code=code, quantity_t=quantity, event_code=event.code)
            for code, quantity in ordered
        ]

    return run_idempotent(
        organization=actor.organization,
        key=idempotency_key,
        operation="basket_order",
        params={"event": str(event.code), "lines": sorted(chosen.items())},
        perform=perform,
        ref=lambda orders: ",".join(str(o.code) for o in orders),
        load=lambda codes: list(Order.objects.filter(code__in=codes.split(",")).order_by("id")),
    )


def _as_uuid(code: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(code)
    except ValueError:
        return None


def _valid_codes(chosen: dict[str, int]) -> list[uuid.UUID]:
    return [u for u in (_as_uuid(c) for c in chosen) if u is not None]
