"""A registry move's first round trip inside the project lock (services._locked_active_blocks; on PostgreSQL
registry_locked_blocks() of migration 0010): the lock, then the holder's active blocks read afresh — a read
that waited sees the blocks its lock's holder committed — with the tonnes promised to listings (the same rule
as listings.earmarked_t) and spare ids of the block sequence drawn inside the lock; a move from the front reads
and locks only the lots it needs."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhonghe.footprints.tests.builders import accounted_event, buy, project_with_credits
from zhonghe.registry import listings
from zhonghe.registry.models import BlockStatus, CreditBlock, Listing, ListingStatus, ListingType
from zhonghe.registry.services import _locked_active_blocks, credits_retire
from zhonghe.registry.tests.test_concurrency import wait_for_lock_waiter

postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")


@pytest.fixture
def holding(actors):
    project = project_with_credits(actors, 1000)
    buy(actors, project, 20)  # the organiser holds 1–20
    buy(actors, project, 10)  # and 21–30
    return project, actors.orgs.organiser


def _listing(project, seller, *, quantity_t, reserved_t=0, sold_t=0, status=ListingStatus.OPEN, days=30):
    return Listing.objects.create(
        project=project, seller=seller, listing_type=ListingType.CREDITS, quantity_t=quantity_t,
        reserved_t=reserved_t, sold_t=sold_t, unit_price_cny=Decimal("50.00"), status=status,
        valid_until=timezone.localdate() + dt.timedelta(days=days),
    )  # fmt: skip


@pytest.mark.django_db
def test_one_round_trip_reads_every_column_of_the_holders_active_blocks_in_serial_order(holding):
    project, organiser = holding
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        blocks, promised_t, spares = _locked_active_blocks(project, organiser, spare_ids=2)
    assert len(queries.captured_queries) == 1
    expected = CreditBlock.objects.filter(project=project, holder=organiser, status=BlockStatus.ACTIVE)
    assert [b.pk for b in blocks] == list(expected.order_by("serial_first").values_list("pk", flat=True))
    assert [(b.serial_first, b.serial_last) for b in blocks] == [(1, 20), (21, 30)]
    fields = [f.attname for f in CreditBlock._meta.concrete_fields]
    stored = expected.order_by("serial_first")
    assert all(getattr(b, name) == getattr(e, name) for b, e in zip(blocks, stored, strict=True) for name in fields)
    assert not any(name in blocks[0].get_deferred_fields() for name in fields)  # the function returns them all
    assert promised_t == 0
    if connection.vendor == "postgresql":
        assert "registry_locked_blocks" in queries.captured_queries[0]["sql"]
        top = CreditBlock.objects.order_by("-pk").values_list("pk", flat=True).first()
        assert len(spares) == 2 and top < spares[0] < spares[1]  # fresh, in order, above every block so far
    else:
        assert spares == []  # SQLite: the children get ids one by one (ledger.allocate_id)


@pytest.mark.django_db
def test_nothing_held_gives_no_blocks_and_nothing_promised(actors):
    project = project_with_credits(actors, 1000)
    with transaction.atomic():
        assert _locked_active_blocks(project, actors.orgs.organiser, spare_ids=2) == ([], 0, [])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "states",
    [
        [dict(quantity_t=12)],  # open, valid: its unsold part
        [dict(quantity_t=12, sold_t=5, reserved_t=3)],
        [dict(quantity_t=12, reserved_t=4, days=-1)],  # lapsed: only what pending orders reserve
        [dict(quantity_t=12, reserved_t=6, status=ListingStatus.WITHDRAWN)],
        [
            dict(quantity_t=7, sold_t=1),
            dict(quantity_t=9, reserved_t=2, days=-3),
            dict(quantity_t=4, reserved_t=1, status=ListingStatus.WITHDRAWN),
        ],  # fmt: skip
    ],
)
def test_the_promised_tonnes_follow_the_listing_rule(holding, states):
    project, organiser = holding
    for state in states:
        _listing(project, organiser, **state)
    _listing(project, project.seller, quantity_t=50)  # another seller's listing promises nothing of ours
    expected = listings.earmarked_t(project, organiser, today=timezone.localdate())
    assert expected > 0
    with transaction.atomic():
        _blocks, promised_t, _spares = _locked_active_blocks(project, organiser)
    assert promised_t == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("need_t", "listed_t", "front"),
    [
        (3, 0, [(1, 20)]),  # the first lot holds what the move takes
        (20, 0, [(1, 20)]),
        (21, 0, [(1, 20), (21, 30)]),
        (15, 10, [(1, 20), (21, 30)]),  # 15 t + 10 t promised to a listing reach into the second lot
        (100, 0, [(1, 20), (21, 30)]),  # too little: the whole holding comes back, and its sum says so
        (None, 0, [(1, 20), (21, 30)]),  # exact serials: every block
    ],
)
def test_a_move_from_the_front_reads_the_lots_it_needs_and_the_promised_tonnes(holding, need_t, listed_t, front):
    project, organiser = holding
    if listed_t:
        _listing(project, organiser, quantity_t=listed_t)
    with transaction.atomic():
        blocks, promised_t, _spares = _locked_active_blocks(project, organiser, need_t=need_t)
    assert [(b.serial_first, b.serial_last) for b in blocks] == front
    assert promised_t == listed_t


@postgres
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_retirement_from_the_front_leaves_the_holders_other_lots_unlocked(actors, holding):
    project, organiser = holding
    event, _inventory = accounted_event(actors.organiser)
    last = CreditBlock.objects.get(project=project, holder=organiser, status=BlockStatus.ACTIVE, serial_first=21)
    free, errors = [], []

    def other_writer() -> None:  # another connection, while the retirement still holds its locks
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT id FROM registry_creditblock WHERE id = %s FOR UPDATE NOWAIT", [last.pk])
                free.append(cursor.fetchone()[0])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    with transaction.atomic():
        credits_retire(actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=2,
                       reason="抵消")  # fmt: skip
        thread = threading.Thread(target=other_writer)
        thread.start()
        thread.join(timeout=30)
    assert errors == [] and free == [last.pk]  # only the first lot (1–20) was read and locked


@postgres
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_read_that_waited_for_the_project_lock_sees_the_blocks_its_holder_committed(holding):
    project, organiser = holding
    holder_has_lock, go_on, seen, errors = threading.Event(), threading.Event(), [], []

    def holder() -> None:
        try:
            with transaction.atomic():
                _locked_active_blocks(project, organiser)
                holder_has_lock.set()
                go_on.wait(timeout=30)
                CreditBlock.objects.create(  # e.g. the remainder of a split, committed while the reader waits
                    project=project, serial_first=900, serial_last=900, quantity_t=1, holder=organiser,
                    status=BlockStatus.ACTIVE,
                )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    def reader() -> None:
        try:
            holder_has_lock.wait(timeout=15)
            with transaction.atomic():
                blocks, _promised, _spares = _locked_active_blocks(project, organiser)
                seen.extend((b.serial_first, b.serial_last) for b in blocks)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=holder), threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    holder_has_lock.wait(timeout=15)
    wait_for_lock_waiter()  # the reader is queued behind the holder's project lock
    go_on.set()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    # A read in the statement that waited for the lock would see its start's snapshot, without (900, 900).
    assert seen == [(1, 20), (21, 30), (900, 900)]
