"""The writer of ledger tables: projects, issuance, orders, transfers and retirements (listings and their
reservations: registry/listings.py).

Every write runs in one transaction, re-reads the blocks it moves under select_for_update() and appends
hash-chained ledger entries.

Lock order (every registry and certificate writer takes row locks in this order, never the reverse, so two
writers can only queue, never deadlock):

1. the event row (credits_retire, certificate_issue, certificate_revoke);
2. the order row (order_confirm, order_reject, order_cancel, orders_expire);
3. the listing row (order_create, order decisions, listing_update/withdraw); a basket (basket_order) locks
   several listings, in id order;
4. the credit project row;
5. the project's active blocks, in serial order;
6. number sequences: "certificate" (next_number);
7. the ledger head row (ledger_seal: alone in its own transaction, or last in certificate_issue).
8. (Ledger appends and audit_append take no lock: entries are chained after commit by ledger_seal and
   audit_seal, registry/ledger.py and docs/audit.md. Retirement numbers come from the row's id: unique, not
   gap-free, no lock.)

Every select_for_update() that joins related rows names its own table with `of=("self",)`: without it
PostgreSQL also locks every joined row (FOR UPDATE over a join), e.g. the buyer organisation of an order,
whose row a concurrent retirement needs (inserting a block or ledger entry that references an organisation
takes a KEY SHARE lock on it). Organisations, users and inventories are never locked for update; rows are
only referenced by inserts (foreign-key KEY SHARE locks).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Organization, Role
from zhonghe.accounts.uscc import InvalidUSCC, validate_uscc
from zhonghe.audit.services import audit_append, audit_entry
from zhonghe.data.districts import UnknownDistrict, district_by_code
from zhonghe.events import workflow
from zhonghe.events.models import Event, Status
from zhonghe.footprints.models import InventoryVersion
from zhonghe.interop.idempotency import clean_key, run_idempotent
from zhonghe.lib.errors import Conflict, NotFound, ValidationFailed
from zhonghe.lib.ids import parse_code
from zhonghe.lib.numbers import format_number
from zhonghe.lib.rows import locked_rows, prepare_rows, save_fields
from zhonghe.registry import ledger, listings
from zhonghe.registry.ledger import ledger_seal, ledger_seal_all  # noqa: F401  (the sealer; callers import it here)
from zhonghe.registry.models import (
    BlockStatus,
    CreditBlock,
    CreditProject,
    CreditType,
    LedgerKind,
    Listing,
    Order,
    OrderStatus,
    Origin,
    ProductCategory,
    Retirement,
)
from zhonghe.registry.offsets import offset_covered_t
from zhonghe.registry.serials import MAX_SERIAL, SerialError, SerialRange, format_serial

RETIREMENT_PURPOSE = "大型活动碳中和"
MAX_QUANTITY_T = 100_000_000


def _check_quantity(quantity_t: object) -> int:
    if not isinstance(quantity_t, int) or isinstance(quantity_t, bool) or not 1 <= quantity_t <= MAX_QUANTITY_T:
        raise ValidationFailed(_("数量应为1至100,000,000之间的整数（吨）"), fields={"quantity_t": str(quantity_t)})
    return quantity_t


@transaction.atomic
def project_register(
    *,
    actor: Actor,
    code: str,
    name: str,
    credit_type: str,
    methodology_code: str,
    vintage: int,
    seller: Organization,
    product_category: str = ProductCategory.OTHER,
    origin_tags: list[str] | None = None,
    district_code: str = "",
    unit_price_cny: Decimal | None = None,
    description: str = "",
) -> CreditProject:
    """Register a credit project (platform admin). Raises ValidationFailed or Conflict (code taken)."""
    actor.require(Role.ADMIN)
    tags = list(origin_tags or [])
    errors = {}
    if credit_type not in CreditType.values:
        errors["credit_type"] = _("未知的产品类型")
    if product_category not in ProductCategory.values:
        errors["product_category"] = _("未知的产品类别")
    if any(t not in Origin.values for t in tags):
        errors["origin_tags"] = _("未知的产地标签")
    if not (2000 <= vintage <= 2100):
        errors["vintage"] = _("年份无效")
    if not code.strip() or not name.strip() or not methodology_code.strip():
        errors["code"] = _("请填写项目编号、名称和方法学")
    for field, value in (("code", code), ("name", name), ("methodology_code", methodology_code)):
        limit = CreditProject._meta.get_field(field).max_length
        if len(value.strip()) > limit:
            errors.setdefault(field, _("长度不能超过%(n)d个字符") % {"n": limit})
    if district_code:
        try:
            district_by_code(district_code)
        except UnknownDistrict:
            errors["district_code"] = _("未知的区县")
    if errors:
        raise ValidationFailed(_("项目信息有误"), fields=errors)
    if CreditProject.objects.filter(code=code.strip()).exists():
        raise Conflict(_("项目编号已存在"), code="project_code_taken", fields={"code": code.strip()})
    project = CreditProject.objects.create(
        code=code.strip(),
        name=name.strip(),
        credit_type=credit_type,
        product_category=product_category,
        methodology_code=methodology_code.strip(),
        origin_tags=tags,
        district_code=district_code,
        vintage=vintage,
        seller=seller,
        unit_price_cny=unit_price_cny,
        description=description,
    )
    audit_append(actor=actor, action="project.register", target=project)
    return project


@transaction.atomic
def credits_issue(*, actor: Actor, project: CreditProject, quantity_t: int) -> CreditBlock:
    """Issue a new block to the project's seller, continuing the project's serial numbering."""
    actor.require(Role.ADMIN)
    _check_quantity(quantity_t)
    project = CreditProject.objects.select_for_update().get(pk=project.pk)
    last = CreditBlock.objects.filter(project=project).aggregate(m=Max("serial_last"))["m"] or 0
    if last + quantity_t > MAX_SERIAL:
        raise Conflict(_("该项目剩余可用序列号仅%(n)d个") % {"n": MAX_SERIAL - last}, code="serials_exhausted")
    serials = SerialRange(last + 1, last + quantity_t)
    block = CreditBlock.objects.create(
        project=project,
        serial_first=serials.first,
        serial_last=serials.last,
        quantity_t=quantity_t,
        holder=project.seller,
        status=BlockStatus.ACTIVE,
    )
    ledger.append_entry(
        kind=LedgerKind.ISSUE,
        project=project,
        serials=serials,
        from_org=None,
        to_org=project.seller,
        reference=f"block:{block.code}",
    )
    audit_append(actor=actor, action="credits.issue", target=block)
    return block


SPARE_BLOCK_IDS = 2  # a retirement from one block: the retired child and the remainder


_LOCKED_BLOCKS_SQL = "SELECT * FROM registry_locked_blocks(%s, %s, %s, %s, %s)"  # registry migration 0010


def _locked_active_blocks(
    project: CreditProject, holder: Organization, *, spare_ids: int = 0, need_t: int | None = None
) -> tuple[list[CreditBlock], int, list[int]]:
    """The holder's active blocks of the project in serial order, locked; the tonnes of them the holder
    promised to its listings (listings.earmarked_t); and, on PostgreSQL, `spare_ids` fresh ids of the block
    sequence for the children a move will create (ledger.PendingMove) — all in one round trip that first
    takes the project's row lock (the lock every move of the project's units holds to commit).

    With `need_t` (a move from the front) only the first blocks that hold need_t + the promised tonnes, or all
    of them if they hold less: the sum of what comes back then decides whether the holder has enough exactly
    as the whole holding would, and a holder of many lots does not read and lock them all."""
    today = timezone.localdate()
    if connection.vendor == "postgresql":
        # The project lock first, then the blocks read in statements of their own (registry_locked_blocks,
        # static SQL planned once per session): a writer that waited for the lock sees the children a
        # concurrent split created (row locks on the old, now superseded, blocks would not show them).
        params = [project.pk, holder.pk, today, spare_ids, need_t]
        blocks = list(CreditBlock.objects.raw(_LOCKED_BLOCKS_SQL, params))
        if not blocks:  # nothing is free whatever was promised (callers compare held - promised with ≥ 1 t)
            return [], 0, []
        return blocks, int(blocks[0].promised_t), list(blocks[0].spare_ids or [])
    # SQLite serialises writers (no row locks): the blocks and the promised tonnes are only read.
    promised_sql, promised_params = listings.earmarked_sql(project, holder, today=today)
    blocks = locked_rows(
        CreditBlock,
        "project_id = %s AND holder_id = %s AND status = %s",
        [project.pk, holder.pk, BlockStatus.ACTIVE],
        order_by="serial_first",
        extra=[("promised_t", promised_sql, promised_params)],
    )
    promised_t = int(blocks[0].promised_t) if blocks else 0
    if need_t is not None:  # the same front as on PostgreSQL
        held_t = 0
        for count, block in enumerate(blocks, start=1):
            held_t += block.quantity_t
            if held_t >= need_t + promised_t:
                blocks = blocks[:count]
                break
    return blocks, promised_t, []


_PROJECT_BY_CODE_SQL = f"SELECT * FROM {CreditProject._meta.db_table} WHERE code = %s"


def _project_by_code(code: object) -> CreditProject:
    """The project by code (fixed SQL: a retirement reads it on its hot path), not locked; NotFound if none."""
    found = list(CreditProject.objects.raw(_PROJECT_BY_CODE_SQL, [str(code).strip()]))
    if not found:
        raise NotFound(_("项目不存在"))
    return found[0]


def _idempotent_replay(
    actor: Actor, key: str, project: CreditProject, quantity_t: int, event: Event | None, listing: Listing | None
) -> Order | None:
    """The order an earlier request made with this key, or None; Conflict if it asked for something else."""
    existing = Order.objects.filter(buyer=actor.organization, idempotency_key=key).first()
    if existing is None:
        return None
    if (existing.project_id, existing.quantity_t, existing.event_id, existing.listing_id) != (
        project.id,
        quantity_t,
        event.id if event else None,
        listing.id if listing else None,
    ):
        raise Conflict(_("幂等键已用于另一笔订单"), code="idempotency_key_reused")
    return existing


@transaction.atomic
def order_create(
    *,
    actor: Actor,
    project_code: str = "",
    quantity_t: int,
    event_code: object = None,
    idempotency_key: str = "",
    listing_code: object = None,
) -> Order:
    """Place an order, on a listing (`listing_code`: its tonnes are reserved now, at its price, until
    ORDER_HOLD passes) or directly on a project (checked against the seller's unlisted stock at confirmation).

    Refuses more than the listing still offers (Conflict exceeds_listing), a closed or lapsed listing, buying
    from oneself. A repeated idempotency key returns the first order (or Conflict if it differs).
    """
    actor.require(Role.ORGANISER)
    _check_quantity(quantity_t)
    key = clean_key(idempotency_key) or None
    listing = listings.locked_listing(listing_code) if listing_code else None
    project = listing.project if listing else _project_by_code(project_code)
    if listing and project_code and project_code != project.code:
        raise ValidationFailed(_("挂牌不属于该项目"), fields={"project_code": project_code})
    event = None
    if event_code:
        event = Event.objects.filter(code=parse_code(event_code, "event"), organization=actor.organization).first()
        if event is None:
            raise NotFound(_("活动不存在"))
    if key and (existing := _idempotent_replay(actor, key, project, quantity_t, event, listing)):
        return existing
    seller = listing.seller if listing else project.seller
    if seller.id == actor.organization.id:
        raise Conflict(_("不能向自己购买"), code="self_trade")
    if listing:
        listings.check_reservable(listing, quantity_t)
    try:
        with transaction.atomic():
            order = Order.objects.create(
                buyer=actor.organization,
                seller=seller,
                project=project,
                listing=listing,
                event=event,
                quantity_t=quantity_t,
                unit_price_cny=listing.unit_price_cny if listing else project.unit_price_cny,
                expires_at=timezone.now() + listings.ORDER_HOLD if listing else None,
                idempotency_key=key,
                created_by=actor.user,
            )
    except IntegrityError as exc:
        # A concurrent request with the same key committed first: answer as a replay of it.
        if key and (existing := _idempotent_replay(actor, key, project, quantity_t, event, listing)):
            return existing
        raise Conflict(_("重复提交"), code="duplicate_submission") from exc
    if listing:
        listings.reserve(listing, quantity_t)
    audit_append(actor=actor, action="order.create", target=order)
    return order


def _locked_order_for_seller(actor: Actor, order_code: object) -> Order:
    order = (
        Order.objects.select_for_update(of=("self",))  # the order only: see the lock order above
        .select_related("project", "buyer")
        .filter(code=parse_code(order_code, "order"), seller=actor.organization)
        .first()
    )
    if order is None:
        raise NotFound(_("订单不存在"))
    if order.status != OrderStatus.PENDING:
        raise Conflict(_("订单已处理"), code="order_not_pending")
    return order


@transaction.atomic
def order_confirm(*, actor: Actor, order_code: object) -> Order:
    """Seller confirms: the units move from the seller's blocks (front first) to the buyer.

    A listing order turns its reservation into a sale; a direct order may only take the seller's unlisted
    stock. Refuses an order past its hold deadline (order_expired) and too little stock (insufficient_credits).
    """
    actor.require(Role.SELLER)
    order = _locked_order_for_seller(actor, order_code)
    if order.expires_at and order.expires_at < timezone.now():
        raise Conflict(_("订单已超过保留期限"), code="order_expired")
    listing = listings.locked_listing(order.listing.code) if order.listing_id else None
    # The order's and the listing's rows (locked above) are written before the project lock, so that the lock
    # is held only for the block moves and their records; should the stock be short, the Conflict rolls all of
    # it back. (The listing's new sold_t does not enter the check: a listing order counts all held units.)
    if listing is not None:
        listing.reserved_t -= order.quantity_t
        listing.sold_t += order.quantity_t
        save_fields(listing, ["reserved_t", "sold_t", "updated_at"])
    order.status = OrderStatus.CONFIRMED
    order.decided_at = timezone.now()
    save_fields(order, ["status", "decided_at"])
    logged = audit_entry(actor=actor, action="order.confirm", target=order)
    blocks, promised_t, spare_ids = _locked_active_blocks(
        order.project, actor.organization, spare_ids=SPARE_BLOCK_IDS, need_t=order.quantity_t
    )
    held_t = sum(b.quantity_t for b in blocks)
    if listing is None:
        held_t -= promised_t
    if held_t < order.quantity_t:
        raise Conflict(_("可用减排量不足"), code="insufficient_credits")
    pending = ledger.PendingMove(spare_ids=spare_ids)
    moved = ledger.take_from_blocks(
        blocks, order.quantity_t, new_holder=order.buyer, new_status=BlockStatus.ACTIVE, pending=pending
    )
    entries = [
        ledger.new_entry(
            kind=LedgerKind.TRANSFER,
            project=order.project,
            serials=SerialRange(child.serial_first, child.serial_last),
            from_org=actor.organization,
            to_org=order.buyer,
            reference=f"order:{order.code}",
        )
        for child in moved
    ]
    # Blocks superseded and split, ledger entries and the audit entry: one round trip (PostgreSQL).
    ledger.write_pending(pending, then=[entries, [logged]])
    return order


@transaction.atomic
def order_reject(*, actor: Actor, order_code: object, note: str = "") -> Order:
    """Seller declines a pending order, with a reason; a listing order's reservation is released."""
    actor.require(Role.SELLER)
    order = _locked_order_for_seller(actor, order_code)
    if not str(note or "").strip():
        raise ValidationFailed(_("请填写拒绝理由"), fields={"note": "required"})
    listings.release(order, OrderStatus.REJECTED, str(note).strip())
    audit_append(actor=actor, action="order.reject", target=order)
    return order


@transaction.atomic
def credits_retire(
    *,
    actor: Actor,
    event_code: object,
    project_code: str,
    quantity_t: int,
    reason: str,
    idempotency_key: object = "",
    beneficiary_name: str = "",
    beneficiary_uscc: str = "",
    serial_first: int | None = None,
    serial_last: int | None = None,
) -> list[Retirement]:
    """注销 `quantity_t` of the organiser's units against the event's latest frozen inventory.

    The units are the front of the organiser's holding, or exactly `serial_first`..`serial_last` (its size
    must equal `quantity_t`; blocks are split as needed). The beneficiary is the organiser (name + USCC) unless
    another organisation or person is named (`beneficiary_name`, optional `beneficiary_uscc`, validated).
    Records purpose and reason; moves the event to OFFSET once Σ offset ≥ the inventory's required whole
    tonnes. Raises ValidationFailed, NotFound, Conflict (not_accounted, insufficient_credits, serials_not_held).
    A repeated `idempotency_key` returns the first call's retirements: credits are never retired twice.
    """
    actor.require(Role.ORGANISER)
    _check_quantity(quantity_t)
    if not reason.strip():
        raise ValidationFailed(_("请填写注销原因"), fields={"reason": "required"})
    beneficiary = retirement_beneficiary(actor.organization, beneficiary_name, beneficiary_uscc)
    serials = _requested_range(serial_first, serial_last, quantity_t)
    code = Event._meta.get_field("code").get_db_prep_value(parse_code(event_code, "event"), connection)
    found = locked_rows(Event, "code = %s AND organization_id = %s", [code, actor.organization.pk])
    if not found:
        raise NotFound(_("活动不存在"))
    event = found[0]
    params = {"event": str(event.code), "project": project_code, "quantity_t": quantity_t, "reason": reason}
    if beneficiary_name or beneficiary_uscc or serials:
        params.update(beneficiary=list(beneficiary), serials=[serial_first, serial_last])
    return run_idempotent(
        organization=actor.organization,
        key=idempotency_key,
        operation="credits_retire",
        params=params,
        perform=lambda: _retire(actor, event, project_code, quantity_t, reason, beneficiary, serials),
        ref=lambda retirements: ",".join(r.number for r in retirements),
        load=lambda numbers: list(Retirement.objects.filter(number__in=numbers.split(",")).order_by("id")),
    )


def retirement_beneficiary(organiser: Organization, name: object, uscc: object) -> tuple[str, str]:
    """(name, USCC) of whom a retirement is for: the organiser by default, else the named organisation or
    person (≤ 200 characters) with an optional USCC, which must pass GB 32100-2015's checks."""
    name_text, uscc_text = str(name or "").strip(), str(uscc or "").strip()
    if not name_text:
        if uscc_text:
            raise ValidationFailed(
                _("填写统一社会信用代码时请同时填写受益方名称"), fields={"beneficiary_name": "required"}
            )
        return organiser.name, organiser.uscc or ""
    if len(name_text) > 200:
        raise ValidationFailed(_("受益方名称不能超过200个字符"), fields={"beneficiary_name": name_text[:20]})
    if uscc_text:
        try:
            uscc_text = validate_uscc(uscc_text)
        except InvalidUSCC as exc:
            raise ValidationFailed(_("受益方的统一社会信用代码无效"), fields={"beneficiary_uscc": str(exc)}) from exc
    return name_text, uscc_text


def _requested_range(first: object, last: object, quantity_t: int) -> SerialRange | None:
    if first is None and last is None:
        return None
    try:
        serials = SerialRange(first, last)  # type: ignore[arg-type]
    except SerialError as exc:
        raise ValidationFailed(_("序列号范围无效"), fields={"serial_first": exc.message}) from exc
    if serials.quantity != quantity_t:
        raise ValidationFailed(
            _("序列号范围含%(n)s吨，与注销数量不符") % {"n": format_number(serials.quantity, "credits")},
            fields={"quantity_t": quantity_t},
        )
    return serials


def _take_for_retirement(
    actor: Actor, project: CreditProject, quantity_t: int, serials: SerialRange | None
) -> tuple[list[CreditBlock], ledger.PendingMove]:
    """The retired children (numbered, not yet written) and the pending move that writes them."""
    # Tonnes the organisation promised to its own listings are not its to retire.
    need_t = quantity_t if serials is None else None  # exact serials: the whole holding is checked
    blocks, promised_t, spare_ids = _locked_active_blocks(
        project, actor.organization, spare_ids=SPARE_BLOCK_IDS, need_t=need_t
    )
    if sum(b.quantity_t for b in blocks) - promised_t < quantity_t:
        raise Conflict(_("持有的该项目减排量不足"), code="insufficient_credits")
    pending = ledger.PendingMove(spare_ids=spare_ids)
    if serials is None:
        front = ledger.take_from_blocks(
            blocks, quantity_t, new_holder=actor.organization, new_status=BlockStatus.RETIRED, pending=pending
        )
        return front, pending
    taken = ledger.take_range(
        blocks, serials, new_holder=actor.organization, new_status=BlockStatus.RETIRED, pending=pending
    )
    if taken is None:
        raise Conflict(
            _("本单位未持有序列号%(a)s至%(b)s的全部减排量")
            % {"a": format_serial(project.code, serials.first), "b": format_serial(project.code, serials.last)},
            code="serials_not_held",
            fields={"serial_first": serials.first, "serial_last": serials.last},
        )
    return taken, pending


_LATEST_INVENTORY_SQL = (
    f"SELECT id, required_offset_t FROM {InventoryVersion._meta.db_table} WHERE event_id = %s"
    " ORDER BY version DESC LIMIT 1"
)


def _retire(
    actor: Actor,
    event: Event,
    project_code: str,
    quantity_t: int,
    reason: str,
    beneficiary: tuple[str, str],
    serials: SerialRange | None,
) -> list[Retirement]:
    if event.status != Status.ACCOUNTED:
        raise Conflict(_("请先冻结核算结果；已完成抵消的活动无需再注销"), code="not_accounted")
    # Only what a retirement needs of the latest inventory (its lines and activities can be megabytes).
    with connection.cursor() as cursor:
        cursor.execute(_LATEST_INVENTORY_SQL, [event.pk])
        inventory_id, required_offset_t = cursor.fetchone()
    # Everything that depends only on the event (locked above) runs before the project lock, so the time
    # the project is locked (which bounds one project's throughput) holds only the block moves and their
    # records. Should the credits turn out insufficient, the Conflict rolls all of it back.
    event.retired_t += quantity_t
    save_fields(event, ["retired_t"])
    if offset_covered_t(event) >= required_offset_t:  # external cancellations count too
        workflow.transition(event=event, action="complete_offset", actor=actor.user, note=_("注销量已不少于排放量"))
    first_id = ledger.allocate_id(Retirement)  # no shared counter: numbers are unique, not gap-free
    project = _project_by_code(project_code)  # locked with its blocks (_locked_active_blocks)
    retired_blocks, pending = _take_for_retirement(actor, project, quantity_t, serials)
    retirements: list[Retirement] = []
    for index, block in enumerate(retired_blocks):
        retirement_id = first_id if index == 0 else ledger.allocate_id(Retirement, above=retirements[-1].id)
        retirements.append(
            Retirement(
                id=retirement_id,
                number=f"ZH-R-{timezone.localdate().year}-{retirement_id:06d}",
                event=event,
                inventory_id=inventory_id,
                block=block,
                quantity_t=block.quantity_t,
                beneficiary_name=beneficiary[0],
                beneficiary_uscc=beneficiary[1],
                purpose=f"{RETIREMENT_PURPOSE}：{event.name}",
                reason=reason.strip(),
                actor=actor.user,
            )
        )
    prepare_rows(retirements)  # as save() would: the text guard, the time; the audit digest sees the stored row
    entries = [
        ledger.new_entry(
            kind=LedgerKind.RETIRE,
            project=project,
            serials=SerialRange(r.block.serial_first, r.block.serial_last),
            from_org=actor.organization,
            to_org=None,
            reference=f"retirement:{r.number}",
        )
        for r in retirements
    ]
    logged = [audit_entry(actor=actor, action="credits.retire", target=r, new=True) for r in retirements]
    # Blocks superseded and split, retirements, ledger and audit entries: one round trip (PostgreSQL).
    ledger.write_pending(pending, then=[retirements, entries, logged])
    return retirements
