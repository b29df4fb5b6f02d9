"""registry services: project_register, credits_issue, order_create/confirm/reject, credits_retire (DB)."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
import time_machine
from django.db.models import Sum
from django.utils import timezone

from zhonghe.events.models import Status
from zhonghe.footprints.services import inventory_freeze
from zhonghe.footprints.tests.builders import (
    AFTER_EVENT,
    TZ,
    accounted_event,
    active_blocks,
    add_electricity,
    assert_nothing_written,
    buy,
    db_snapshot,
    force_status,
    make_event,
    project_with_credits,
    refused,
    register_project,
)
from zhonghe.lib.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhonghe.registry.audit import audit_registry
from zhonghe.registry.ledger import GENESIS_HASH, content_hash, entry_body, entry_hash
from zhonghe.registry.models import (
    BlockStatus,
    CreditBlock,
    CreditProject,
    LedgerEntry,
    LedgerHead,
    LedgerKind,
    Order,
    OrderStatus,
    Retirement,
)
from zhonghe.registry.selectors import holdings_for_org, project_catalogue, retired_t_for_event, retirements_for_event
from zhonghe.registry.services import (
    RETIREMENT_PURPOSE,
    credits_issue,
    credits_retire,
    ledger_seal_all,
    order_confirm,
    order_create,
    order_reject,
)

pytestmark = pytest.mark.django_db

BAD_QUANTITIES = [0, -1, True, False, 1.0, "5", None, 100_000_001, 10**18]


def _blocks(project):
    return list(
        CreditBlock.objects.filter(project=project)
        .order_by("serial_first", "id")
        .values_list("serial_first", "serial_last", "holder_id", "status")
    )


# ---------------------------------------------------------------- project_register


def test_project_register_happy_path(actors):
    project = register_project(actors, code=" CQCER-2025-0007 ")
    project.refresh_from_db()
    assert project.code == "CQCER-2025-0007"
    assert (project.credit_type, project.vintage, project.seller) == ("CQCER", 2025, actors.orgs.seller)
    assert project.origin_tags == ["RURAL_REVITALIZATION", "WULING"]
    assert not project.blocks.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"credit_type": "VCS"}, "credit_type"),
        ({"product_category": "magic"}, "product_category"),
        ({"origin_tags": ["MARS"]}, "origin_tags"),
        ({"vintage": 1999}, "vintage"),
        ({"vintage": 2101}, "vintage"),
        ({"name": " "}, "code"),
        ({"code": ""}, "code"),
        ({"methodology_code": ""}, "code"),
        ({"district_code": "110105"}, "district_code"),
    ],
)
def test_project_register_refuses_bad_fields(actors, overrides, field):
    before = db_snapshot()
    with pytest.raises(ValidationFailed) as info:
        register_project(actors, **overrides)
    assert field in info.value.fields
    assert_nothing_written(before)


@pytest.mark.parametrize(("field", "limit"), [("code", 40), ("name", 200), ("methodology_code", 40)])
def test_project_register_refuses_over_long_values(actors, field, limit):
    at_limit = register_project(actors, **({"code": "A-1"} | {field: f" {'长' * limit} "}))
    assert len(getattr(at_limit, field)) == limit
    before = db_snapshot()
    with pytest.raises(ValidationFailed) as info:
        register_project(actors, **({"code": "A-2"} | {field: "长" * (limit + 1)}))
    assert info.value.fields == {field: f"长度不能超过{limit}个字符"}
    assert_nothing_written(before)


def test_project_register_refuses_a_taken_code_and_non_admins(actors):
    register_project(actors)
    before = db_snapshot()
    with pytest.raises(Conflict) as info:
        register_project(actors)
    assert info.value.code == "project_code_taken"
    from zhonghe.registry.services import project_register

    with pytest.raises(PermissionDenied):
        project_register(
            actor=actors.seller,
            code="X-1",
            name="x",
            credit_type="CQCER",
            methodology_code="m",
            vintage=2025,
            seller=actors.orgs.seller,
        )
    assert_nothing_written(before)


# ---------------------------------------------------------------- credits_issue


def test_credits_issue_continues_the_serials_and_writes_issue_entries(actors):
    project = register_project(actors)
    first = credits_issue(actor=actors.platform, project=project, quantity_t=1000)
    second = credits_issue(actor=actors.platform, project=project, quantity_t=500)
    assert (first.serial_first, first.serial_last, first.quantity_t) == (1, 1000, 1000)
    assert (second.serial_first, second.serial_last, second.quantity_t) == (1001, 1500, 500)
    for block in (first, second):
        assert (block.holder, block.status, block.parent) == (actors.orgs.seller, BlockStatus.ACTIVE, None)
    pending = list(LedgerEntry.objects.order_by("id"))  # appended unchained: ledger_seal chains them
    assert [(e.seq, e.prev_hash, e.entry_hash) for e in pending] == [(None, None, None)] * 2
    assert [e.content_hash for e in pending] == [content_hash(e) for e in pending]
    assert audit_registry() == []
    assert ledger_seal_all() == 2
    entries = list(LedgerEntry.objects.order_by("seq"))
    assert [(e.seq, e.kind, e.serial_first, e.serial_last, e.quantity_t) for e in entries] == [
        (1, "issue", 1, 1000, 1000),
        (2, "issue", 1001, 1500, 500),
    ]
    assert LedgerHead.objects.values_list("seq", "entry_hash").get() == (2, entries[1].entry_hash)
    assert [(e.from_org, e.to_org, e.reference) for e in entries] == [
        (None, actors.orgs.seller, f"block:{first.code}"),
        (None, actors.orgs.seller, f"block:{second.code}"),
    ]
    assert entries[0].prev_hash == GENESIS_HASH
    assert entries[1].prev_hash == entries[0].entry_hash
    for entry in entries:
        assert entry.entry_hash == entry_hash(entry.prev_hash, entry_body(entry))
    assert audit_registry() == []


def test_serials_are_per_project(actors):
    a = project_with_credits(actors, 10)
    b = project_with_credits(actors, 10, code="CCER-500101-2024-0003", credit_type="CCER")
    assert _blocks(a)[0][:2] == _blocks(b)[0][:2] == (1, 10)
    catalogue = {p.code: p.available_t for p in project_catalogue()}
    assert catalogue == {a.code: 10, b.code: 10}
    assert [p.code for p in project_catalogue()] == [a.code, b.code]  # CQCER before CCER


@pytest.mark.parametrize("quantity", BAD_QUANTITIES, ids=repr)
def test_credits_issue_refuses_bad_quantities(actors, quantity):
    project = register_project(actors)
    refused(
        ValidationFailed,
        "validation_failed",
        credits_issue,
        actor=actors.platform,
        project=project,
        quantity_t=quantity,
    )


def test_credits_issue_needs_the_admin(actors):
    project = register_project(actors)
    refused(PermissionDenied, "permission_denied", credits_issue, actor=actors.seller, project=project, quantity_t=5)


def test_credits_issue_refuses_cleanly_when_the_serial_space_is_exhausted(actors):
    project = register_project(actors)
    for _ in range(9):
        credits_issue(actor=actors.platform, project=project, quantity_t=100_000_000)
    before = db_snapshot()
    with pytest.raises(Conflict):
        credits_issue(actor=actors.platform, project=project, quantity_t=100_000_000)
    assert_nothing_written(before)


# ---------------------------------------------------------------- order_create


@pytest.fixture
def project(actors):
    return project_with_credits(actors, 1000)


def test_order_create_happy_path(actors, project):
    event = make_event(actors.organiser)
    order = order_create(actor=actors.organiser, project_code=project.code, quantity_t=100, event_code=event.code)
    order.refresh_from_db()
    assert (order.buyer, order.seller, order.project, order.event) == (
        actors.orgs.organiser,
        actors.orgs.seller,
        project,
        event,
    )
    assert (order.quantity_t, order.status, order.idempotency_key) == (100, OrderStatus.PENDING, None)
    assert order.created_by == actors.users.organiser
    # Nothing moves until the seller confirms.
    assert _blocks(project) == [(1, 1000, actors.orgs.seller.id, "active")]


def test_order_create_idempotency_same_key_same_params(actors, project):
    first = order_create(actor=actors.organiser, project_code=project.code, quantity_t=100, idempotency_key="k-1")
    before = db_snapshot()
    again = order_create(actor=actors.organiser, project_code=project.code, quantity_t=100, idempotency_key=" k-1 ")
    assert again.pk == first.pk
    assert_nothing_written(before)
    # Keys are per buyer: another organisation may use the same key.
    other = order_create(actor=actors.outsider, project_code=project.code, quantity_t=100, idempotency_key="k-1")
    assert other.pk != first.pk
    # No key: every call is a new order.
    a = order_create(actor=actors.organiser, project_code=project.code, quantity_t=100)
    b = order_create(actor=actors.organiser, project_code=project.code, quantity_t=100)
    assert a.pk != b.pk and Order.objects.count() == 4


def test_order_create_same_key_different_params_conflicts(actors, project):
    other_project = project_with_credits(actors, 10, code="CCER-500101-2024-0003", credit_type="CCER")
    order_create(actor=actors.organiser, project_code=project.code, quantity_t=100, idempotency_key="k-2")
    for project_code, quantity in [(project.code, 101), (other_project.code, 100)]:
        refused(
            Conflict,
            "idempotency_key_reused",
            order_create,
            actor=actors.organiser,
            project_code=project_code,
            quantity_t=quantity,
            idempotency_key="k-2",
        )


def test_order_create_same_key_different_event_conflicts(actors, project):
    first_event = make_event(actors.organiser)
    second_event = make_event(actors.organiser, name="第二个活动")
    order_create(
        actor=actors.organiser,
        project_code=project.code,
        quantity_t=100,
        event_code=first_event.code,
        idempotency_key="k-3",
    )
    with pytest.raises(Conflict):
        order_create(
            actor=actors.organiser,
            project_code=project.code,
            quantity_t=100,
            event_code=second_event.code,
            idempotency_key="k-3",
        )


def test_order_create_refuses_an_overlong_idempotency_key(actors, project):
    with pytest.raises(ValidationFailed):
        order_create(actor=actors.organiser, project_code=project.code, quantity_t=1, idempotency_key="k" * 81)


def test_order_create_refuses_self_trade(actors):
    own = project_with_credits(actors, 100, code="CQCER-OWN", seller=actors.orgs.organiser)
    refused(Conflict, "self_trade", order_create, actor=actors.organiser, project_code=own.code, quantity_t=5)


@pytest.mark.parametrize("quantity", BAD_QUANTITIES, ids=repr)
def test_order_create_refuses_bad_quantities(actors, project, quantity):
    error = refused(
        ValidationFailed,
        "validation_failed",
        order_create,
        actor=actors.organiser,
        project_code=project.code,
        quantity_t=quantity,
    )
    assert "quantity_t" in error.fields


def test_order_create_refuses_unknown_project_foreign_event_and_wrong_role(actors, project):
    refused(NotFound, "not_found", order_create, actor=actors.organiser, project_code="NOPE", quantity_t=5)
    theirs = make_event(actors.outsider)
    for code in [theirs.code, "garbage", str(uuid.uuid4())]:
        refused(
            NotFound,
            "not_found",
            order_create,
            actor=actors.organiser,
            project_code=project.code,
            quantity_t=5,
            event_code=code,
        )
    refused(
        PermissionDenied,
        "permission_denied",
        order_create,
        actor=actors.seller,
        project_code=project.code,
        quantity_t=5,
    )


# ---------------------------------------------------------------- order_confirm / order_reject


def test_order_confirm_splits_the_block_and_gives_the_buyer_the_front(actors, project):
    order = order_create(actor=actors.organiser, project_code=project.code, quantity_t=300)
    confirmed = order_confirm(actor=actors.seller, order_code=str(order.code))
    assert confirmed.status == OrderStatus.CONFIRMED and confirmed.decided_at is not None
    parent = CreditBlock.objects.get(parent=None)
    assert parent.status == BlockStatus.SUPERSEDED
    children = list(parent.children.order_by("serial_first"))
    assert [(c.serial_first, c.serial_last, c.quantity_t, c.holder, c.status) for c in children] == [
        (1, 300, 300, actors.orgs.organiser, "active"),
        (301, 1000, 700, actors.orgs.seller, "active"),
    ]
    assert sum(c.quantity_t for c in children) == parent.quantity_t
    transfer = LedgerEntry.objects.get(kind=LedgerKind.TRANSFER)
    assert (transfer.serial_first, transfer.serial_last, transfer.quantity_t) == (1, 300, 300)
    assert (transfer.from_org, transfer.to_org, transfer.reference) == (
        actors.orgs.seller,
        actors.orgs.organiser,
        f"order:{order.code}",
    )
    assert holdings_for_org(actors.orgs.organiser)[0]["quantity_t"] == 300
    assert holdings_for_org(actors.orgs.seller)[0]["quantity_t"] == 700
    assert audit_registry() == []


def test_order_confirm_across_blocks_in_serial_order(actors, project):
    credits_issue(actor=actors.platform, project=project, quantity_t=500)  # 1001–1500
    buy(actors, project, 1200)
    assert active_blocks(actors.orgs.organiser, project) == [(1, 1000), (1001, 1200)]
    assert active_blocks(actors.orgs.seller, project) == [(1201, 1500)]
    transfers = list(LedgerEntry.objects.filter(kind="transfer").values_list("serial_first", "serial_last"))
    assert transfers == [(1, 1000), (1001, 1200)]
    assert audit_registry() == []


def test_order_confirm_whole_block_leaves_no_remainder(actors, project):
    buy(actors, project, 1000)
    assert active_blocks(actors.orgs.organiser, project) == [(1, 1000)]
    assert active_blocks(actors.orgs.seller, project) == []
    assert CreditBlock.objects.count() == 2  # the parent and one child


def test_order_confirm_insufficient_credits_writes_nothing(actors, project):
    order = order_create(actor=actors.organiser, project_code=project.code, quantity_t=1001)
    refused(Conflict, "insufficient_credits", order_confirm, actor=actors.seller, order_code=order.code)
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_order_confirm_by_another_seller_is_not_found(actors, project):
    from zhonghe.accounts.selectors import actor_for_user
    from zhonghe.accounts.services import user_create

    order = order_create(actor=actors.organiser, project_code=project.code, quantity_t=10)
    other_seller = actor_for_user(
        user_create(username="s2", password="pass-1234", organization=actors.orgs.verifier, roles=["seller"])
    )
    refused(NotFound, "not_found", order_confirm, actor=other_seller, order_code=order.code)
    refused(NotFound, "not_found", order_reject, actor=other_seller, order_code=order.code)
    refused(NotFound, "not_found", order_confirm, actor=actors.seller, order_code="forged")
    refused(PermissionDenied, "permission_denied", order_confirm, actor=actors.organiser, order_code=order.code)


def test_order_confirm_twice_conflicts(actors, project):
    order = order_create(actor=actors.organiser, project_code=project.code, quantity_t=10)
    order_confirm(actor=actors.seller, order_code=order.code)
    refused(Conflict, "order_not_pending", order_confirm, actor=actors.seller, order_code=order.code)
    refused(Conflict, "order_not_pending", order_reject, actor=actors.seller, order_code=order.code)


def test_order_reject(actors, project):
    order = order_create(actor=actors.organiser, project_code=project.code, quantity_t=10)
    rejected = order_reject(actor=actors.seller, order_code=order.code, note="价格已调整")
    rejected.refresh_from_db()
    assert (rejected.status, rejected.note) == (OrderStatus.REJECTED, "价格已调整")
    assert rejected.decided_at is not None
    assert _blocks(project) == [(1, 1000, actors.orgs.seller.id, "active")]
    assert not LedgerEntry.objects.filter(kind="transfer").exists()
    refused(Conflict, "order_not_pending", order_confirm, actor=actors.seller, order_code=order.code)


# ---------------------------------------------------------------- credits_retire


@pytest.fixture
def accounted(actors, project):
    """An ACCOUNTED event needing 13 t, and the organiser holding 100 t of the project."""
    event, inventory = accounted_event(actors.organiser)
    assert inventory.required_offset_t == 13
    buy(actors, project, 100)
    return event


def _retire(actors, event, project, quantity, reason="用于活动碳中和", actor=None):
    return credits_retire(
        actor=actor or actors.organiser,
        event_code=event.code,
        project_code=project.code,
        quantity_t=quantity,
        reason=reason,
    )


def test_credits_retire_records_beneficiary_purpose_and_reason(actors, project, accounted):
    with time_machine.travel(datetime(2027, 3, 25, 10, tzinfo=TZ), tick=False):
        [retirement] = _retire(actors, accounted, project, 5, reason="  用于活动碳中和  ")
    retirement.refresh_from_db()
    org = actors.orgs.organiser
    assert retirement.number == f"ZH-R-2027-{retirement.pk:06d}"  # from the row's id: unique, not gap-free
    assert (retirement.beneficiary_name, retirement.beneficiary_uscc) == (org.name, org.uscc)
    assert RETIREMENT_PURPOSE == "大型活动碳中和"
    assert RETIREMENT_PURPOSE in retirement.purpose and accounted.name in retirement.purpose
    assert retirement.reason == "用于活动碳中和"
    assert retirement.actor == actors.users.organiser
    assert retirement.inventory == accounted.inventories.get()
    assert (retirement.block.serial_first, retirement.block.serial_last) == (1, 5)
    assert (retirement.block.status, retirement.block.holder) == (BlockStatus.RETIRED, org)
    assert retirement.quantity_t == 5
    entry = LedgerEntry.objects.get(kind=LedgerKind.RETIRE)
    assert (entry.serial_first, entry.serial_last, entry.from_org, entry.to_org) == (1, 5, org, None)
    assert entry.reference == f"retirement:{retirement.number}"
    assert active_blocks(org, project) == [(6, 100)]
    assert audit_registry() == []


def test_retiring_to_the_requirement_moves_the_event_to_offset_exactly_at_the_boundary(actors, project, accounted):
    _retire(actors, accounted, project, 12)
    accounted.refresh_from_db()
    assert accounted.status == Status.ACCOUNTED
    assert retired_t_for_event(accounted) == 12
    _retire(actors, accounted, project, 1)
    accounted.refresh_from_db()
    assert accounted.status == Status.OFFSET
    assert retired_t_for_event(accounted) == 13
    log = accounted.transitions.order_by("id").last()
    assert (log.action, log.from_status, log.to_status) == ("complete_offset", "accounted", "offset")
    assert log.actor == actors.users.organiser
    # Once OFFSET, nothing more is retired against the event.
    refused(Conflict, "not_accounted", _retire, actors, accounted, project, 1)
    numbers = [(r.number, r.pk) for r in retirements_for_event(accounted)]
    assert len(numbers) == 2 and numbers[0][1] < numbers[1][1]
    assert [n for n, _pk in numbers] == [f"ZH-R-{timezone.localdate().year}-{pk:06d}" for _n, pk in numbers]


def test_retiring_more_than_required_at_once_also_completes(actors, project, accounted):
    _retire(actors, accounted, project, 20)
    accounted.refresh_from_db()
    assert accounted.status == Status.OFFSET


def test_retiring_across_two_blocks_creates_two_retirements_with_contiguous_serials(actors, project):
    # 200,000 kWh × 0.5581 = 111,620 kg → 112 t required, so the event stays ACCOUNTED after 95 t.
    accounted, inventory = accounted_event(actors.organiser, after_kwh="200000")
    assert inventory.required_offset_t == 112
    other = project_with_credits(actors, 50, code="CQCER-2025-0008")
    buy(actors, other, 10)  # a block of another project is never touched
    buy(actors, project, 100)
    buy(actors, project, 10)  # organiser now holds 1–100 and 101–110 of `project`
    assert active_blocks(actors.orgs.organiser, project) == [(1, 100), (101, 110)]
    _retire(actors, accounted, project, 95)
    retirements = _retire(actors, accounted, project, 10)  # 96–100 and 101–105
    assert [(r.block.serial_first, r.block.serial_last, r.quantity_t) for r in retirements] == [
        (96, 100, 5),
        (101, 105, 5),
    ]
    assert retirements[0].block.serial_last + 1 == retirements[1].block.serial_first
    assert len({r.number for r in retirements}) == 2
    assert active_blocks(actors.orgs.organiser, project) == [(106, 110)]
    assert active_blocks(actors.orgs.organiser, other) == [(1, 10)]
    retire_entries = list(LedgerEntry.objects.filter(kind="retire").values_list("serial_first", "serial_last"))
    assert retire_entries == [(1, 95), (96, 100), (101, 105)]
    assert audit_registry() == []


@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.SUBMITTED, Status.PLANNED, Status.OFFSET, Status.CERTIFIED, Status.WITHDRAWN]
)
def test_credits_retire_requires_accounted(actors, project, accounted, status):
    force_status(accounted, status)
    refused(Conflict, "not_accounted", _retire, actors, accounted, project, 5)


@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_credits_retire_requires_a_reason(actors, project, accounted, reason):
    error = refused(ValidationFailed, "validation_failed", _retire, actors, accounted, project, 5, reason)
    assert error.fields == {"reason": "required"}


@pytest.mark.parametrize("quantity", BAD_QUANTITIES, ids=repr)
def test_credits_retire_refuses_bad_quantities(actors, project, accounted, quantity):
    refused(ValidationFailed, "validation_failed", _retire, actors, accounted, project, quantity)


def test_credits_retire_requires_enough_holdings(actors, project, accounted):
    refused(Conflict, "insufficient_credits", _retire, actors, accounted, project, 101)
    # The seller's 900 active units are not the organiser's to retire.
    assert (
        CreditBlock.objects.filter(holder=actors.orgs.seller, status="active").aggregate(s=Sum("quantity_t"))["s"]
        == 900
    )


def test_credits_retire_other_org_forged_codes_and_unknown_project(actors, project, accounted):
    refused(NotFound, "not_found", _retire, actors, accounted, project, 5, actor=actors.outsider)
    for code in ["forged", None, str(uuid.uuid4())]:
        refused(
            NotFound,
            "not_found",
            credits_retire,
            actor=actors.organiser,
            event_code=code,
            project_code=project.code,
            quantity_t=5,
            reason="r",
        )
    refused(
        NotFound,
        "not_found",
        credits_retire,
        actor=actors.organiser,
        event_code=accounted.code,
        project_code="NOPE",
        quantity_t=5,
        reason="r",
    )
    refused(PermissionDenied, "permission_denied", _retire, actors, accounted, project, 5, actor=actors.seller)


def test_retirement_rows_are_append_only(actors, project, accounted):
    [retirement] = _retire(actors, accounted, project, 5)
    retirement.reason = "changed"
    with pytest.raises(ValueError, match="append-only"):
        retirement.save()
    entry = LedgerEntry.objects.last()
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


def test_retirement_purpose_fits_for_a_long_event_name(actors, project):
    event, _inventory = accounted_event(actors.organiser, name="重庆" * 60)
    buy(actors, project, 20)
    [retirement] = _retire(actors, event, project, 13)
    assert len(retirement.purpose) <= Retirement._meta.get_field("purpose").max_length
    assert event.name in retirement.purpose


def test_retirement_against_a_refrozen_inventory_uses_the_latest_version(actors, project, accounted):
    _retire(actors, accounted, project, 5)
    add_electricity(actors.organiser, accounted.code, "after", "10000")  # +5,581 kg → 18,417.3 kg → 19 t
    with time_machine.travel(AFTER_EVENT, tick=False):
        v2 = inventory_freeze(actor=actors.organiser, code=accounted.code)
    assert v2.required_offset_t == 19
    [second] = _retire(actors, accounted, project, 8)  # 13 retired < 19 required
    assert second.inventory == v2
    accounted.refresh_from_db()
    assert accounted.status == Status.ACCOUNTED
    _retire(actors, accounted, project, 6)
    accounted.refresh_from_db()
    assert accounted.status == Status.OFFSET


def test_audit_is_clean_after_a_busy_day(actors, project, accounted):
    credits_issue(actor=actors.platform, project=project, quantity_t=500)
    other = project_with_credits(actors, 300, code="CCER-500101-2024-0003", credit_type="CCER")
    buy(actors, other, 40, buyer=actors.outsider)
    buy(actors, project, 950)  # crosses from the first issuance into the second
    _retire(actors, accounted, project, 12)
    _retire(actors, accounted, project, 3)
    order = order_create(actor=actors.outsider, project_code=project.code, quantity_t=10)
    order_reject(actor=actors.seller, order_code=order.code, note="买方改期")
    assert audit_registry() == []
    issued = LedgerEntry.objects.filter(kind="issue").aggregate(s=Sum("quantity_t"))["s"]
    live = CreditBlock.objects.exclude(status="superseded").aggregate(s=Sum("quantity_t"))["s"]
    assert issued == live == 1800
    assert CreditProject.objects.count() == 2
