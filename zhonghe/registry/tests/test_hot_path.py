"""The retirement's hot path: what runs while the project row is locked is three round trips on PostgreSQL (the
lock taken and the blocks read with the promised tonnes and spare block ids, one batch of every write, the
commit), the
children are numbered inside the lock (a child's id is above its parent's), and a move that needs more ids
than the spares gets fresh ones — on both databases, with the registry consistent afterwards."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhonghe.footprints.tests.builders import accounted_event, active_blocks, buy, project_with_credits
from zhonghe.registry.audit import audit_registry
from zhonghe.registry.models import BlockStatus, CreditBlock, Retirement
from zhonghe.registry.services import SPARE_BLOCK_IDS, credits_retire

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def holding(actors):
    project = project_with_credits(actors, 1000)
    buy(actors, project, 20)  # the organiser holds 1–20
    buy(actors, project, 10)  # and 21–30 (a second block)
    event, _inventory = accounted_event(actors.organiser)  # needs 13 t
    return event, project


def _retire(actors, event, project, quantity_t, **extra):
    return credits_retire(
        actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=quantity_t,
        reason="抵消", **extra,
    )  # fmt: skip


def _after_project_lock(queries) -> list[str]:
    sqls = [q["sql"] for q in queries.captured_queries]
    lock = next(i for i, sql in enumerate(sqls) if "registry_locked_blocks" in sql)
    return sqls[lock:]


def _children_above_parents(project) -> bool:
    rows = CreditBlock.objects.filter(project=project, parent__isnull=False).values_list("id", "parent_id")
    return all(child > parent for child, parent in rows)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="round trips: SQLite runs each statement alone")
def test_a_one_block_retirement_holds_the_project_lock_for_three_round_trips(actors, holding):
    event, project = holding
    with CaptureQueriesContext(connection) as queries:
        [retirement] = _retire(actors, event, project, 3)
    inside = _after_project_lock(queries)
    assert len(inside) == 3, inside  # lock + blocks (+ promised tonnes, spare ids), one write batch, COMMIT
    assert inside[-1] == "COMMIT"
    assert inside[0].startswith("SELECT * FROM registry_locked_blocks(")  # lock, blocks, promised, spare ids
    batch = inside[1]
    for table in ("registry_creditblock", "registry_retirement", "registry_ledgerentry", "audit_auditentry"):
        assert table in batch
    assert not any("nextval" in sql and "registry_creditblock" in sql for sql in inside[1:])  # the spares sufficed
    block = retirement.block
    assert (block.serial_first, block.serial_last, block.status) == (1, 3, BlockStatus.RETIRED)
    assert _children_above_parents(project)


def test_a_move_needing_more_ids_than_the_spares_gets_fresh_ones(actors, holding):
    event, project = holding
    before = CreditBlock.objects.count()
    retirements = _retire(actors, event, project, 6, serial_first=18, serial_last=23)  # 2 blocks → 4 children
    assert CreditBlock.objects.count() - before == 4 > SPARE_BLOCK_IDS
    assert [(r.block.serial_first, r.block.serial_last) for r in retirements] == [(18, 20), (21, 23)]
    assert Retirement.objects.filter(block__status=BlockStatus.RETIRED).count() == 2
    assert active_blocks(actors.orgs.organiser, project) == [(1, 17), (24, 30)]
    assert _children_above_parents(project)
    assert audit_registry() == []


def test_front_retirements_one_after_another_keep_the_registry_consistent(actors, holding):
    event, project = holding
    for quantity in (1, 5, 16):  # the last one spans both blocks
        _retire(actors, event, project, quantity)
    assert active_blocks(actors.orgs.organiser, project) == [(23, 30)]
    assert _children_above_parents(project)
    assert audit_registry() == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="round trips: SQLite runs each statement alone")
def test_a_confirmed_order_holds_the_project_lock_for_three_round_trips(actors, holding):
    from zhonghe.registry.models import LedgerEntry, Order, OrderStatus
    from zhonghe.registry.services import order_confirm, order_create

    _event, project = holding
    order = order_create(actor=actors.organiser, project_code=project.code, quantity_t=4)
    with CaptureQueriesContext(connection) as queries:
        order_confirm(actor=actors.seller, order_code=order.code)
    inside = _after_project_lock(queries)
    assert len(inside) == 3, inside  # lock + blocks, one write batch (blocks, ledger, audit), COMMIT
    assert inside[-1] == "COMMIT"
    assert all(table in inside[1] for table in ("registry_creditblock", "registry_ledgerentry", "audit_auditentry"))
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CONFIRMED
    assert active_blocks(actors.orgs.organiser, project) == [(1, 20), (21, 30), (31, 34)]  # the last one now
    assert LedgerEntry.objects.filter(reference=f"order:{order.code}").count() == 1
    assert _children_above_parents(project)
    assert audit_registry() == []
