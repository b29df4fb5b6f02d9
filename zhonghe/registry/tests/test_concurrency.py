"""Racing writers on PostgreSQL: row locks keep the ledger whole (threads, real transactions).

Each thread has its own connection (Django connections are per thread) and closes it when done, so the
transactional test database can be flushed afterwards. SQLite serialises writers on one file lock, so
these tests mean nothing there and are skipped.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.db.models import Sum

from zhonghe.accounts.services import next_number
from zhonghe.footprints.tests.builders import accounted_event, buy, project_with_credits
from zhonghe.lib.errors import ApplicationError, Conflict
from zhonghe.registry.audit import audit_registry
from zhonghe.registry.models import BlockStatus, CreditBlock, LedgerEntry, Order, Retirement
from zhonghe.registry.services import credits_retire, order_confirm, order_create

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SELECT … FOR UPDATE)"),
    pytest.mark.django_db(transaction=True),
]

THREADS = 8


def run_racing(n: int, work: Callable[[int], object]) -> list[object]:
    """Run work(0..n-1) in n threads released together by a barrier; return results or raised errors."""
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def target(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a racing thread hung (deadlock?)"
    return results


def wait_for_lock_waiter(timeout: float = 15.0) -> None:
    """Block until some other backend of this database is waiting on a row/tuple/transaction lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.02)
    raise AssertionError("the second writer never blocked on the first one's lock")


def assert_ledger_whole(project) -> None:
    """No serial is live twice, live units equal issued units, and the full audit is clean."""
    live = list(
        CreditBlock.objects.filter(project=project)
        .exclude(status=BlockStatus.SUPERSEDED)
        .values_list("serial_first", "serial_last")
    )
    serials = [s for first, last in live for s in range(first, last + 1)]
    assert len(serials) == len(set(serials)), "a unit was moved twice"
    issued = LedgerEntry.objects.filter(project=project, kind="issue").aggregate(s=Sum("quantity_t"))["s"]
    assert len(serials) == issued
    assert audit_registry() == []


def _is_conflict(result, code: str) -> bool:
    return isinstance(result, Conflict) and result.code == code


# ---------------------------------------------------------------- retirements racing for the same blocks


def test_racing_retirements_for_different_events_never_retire_a_unit_twice(actors):
    project = project_with_credits(actors, 1000)
    buy(actors, project, 40)  # the organiser holds one block, 1–40
    events = [accounted_event(actors.organiser, name=f"活动{i}")[0] for i in range(THREADS)]

    def retire(i: int):
        return credits_retire(
            actor=actors.organiser, event_code=events[i].code, project_code=project.code, quantity_t=10, reason="抵消"
        )

    results = run_racing(THREADS, retire)
    winners = [r for r in results if isinstance(r, list)]
    losers = [r for r in results if not isinstance(r, list)]
    assert all(_is_conflict(r, "insufficient_credits") for r in losers), losers
    assert 1 <= len(winners) <= 4
    retired = sum(r.quantity_t for batch in winners for r in batch)
    assert retired == 10 * len(winners) == Retirement.objects.aggregate(s=Sum("quantity_t"))["s"]
    held = CreditBlock.objects.filter(holder=actors.orgs.organiser, status="active").aggregate(s=Sum("quantity_t"))
    assert (held["s"] or 0) == 40 - retired
    assert_ledger_whole(project)


def test_racing_retirements_for_one_event_stop_exactly_at_offset(actors):
    project = project_with_credits(actors, 1000)
    buy(actors, project, 100)
    event, inventory = accounted_event(actors.organiser)  # needs 13 t

    def retire(_i: int):
        return credits_retire(
            actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=5, reason="抵消"
        )

    results = run_racing(THREADS, retire)
    winners = [r for r in results if isinstance(r, list)]
    assert len(winners) == 3  # 5, 10, 15 ≥ 13: the event lock serialises them
    assert sum(_is_conflict(r, "not_accounted") for r in results) == THREADS - 3
    event.refresh_from_db()
    assert event.status == "offset"
    assert event.transitions.filter(action="complete_offset").count() == 1
    assert Retirement.objects.aggregate(s=Sum("quantity_t"))["s"] == 15 >= inventory.required_offset_t
    assert_ledger_whole(project)


# ---------------------------------------------------------------- confirmations racing for the seller's blocks


def test_racing_confirmations_never_sell_a_unit_twice(actors):
    project = project_with_credits(actors, 1000)
    orders = [
        order_create(actor=actors.organiser if i % 2 else actors.outsider, project_code=project.code, quantity_t=150)
        for i in range(THREADS)
    ]  # 1,200 t ordered, 1,000 t available

    results = run_racing(THREADS, lambda i: order_confirm(actor=actors.seller, order_code=orders[i].code))
    winners = [r for r in results if isinstance(r, Order)]
    losers = [r for r in results if not isinstance(r, Order)]
    assert all(_is_conflict(r, "insufficient_credits") for r in losers), losers
    assert len(winners) == 6  # confirmations of one project queue on the project row (see below)
    assert Order.objects.filter(status="confirmed").count() == len(winners)
    assert Order.objects.filter(status="pending").count() == len(losers)
    sold = CreditBlock.objects.filter(status="active").exclude(holder=actors.orgs.seller).aggregate(s=Sum("quantity_t"))
    assert sold["s"] == 150 * len(winners)
    assert_ledger_whole(project)


# ---------------------------------------------------------------- a writer that waited must see the new blocks


def _second_writer_after_first_commits(first: Callable[[], object], second: Callable[[], object]) -> object:
    """Run `first` in a transaction held open until `second` (another thread) blocks on its locks."""
    first_done, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def hold_first() -> None:
        try:
            with transaction.atomic():
                outcome["first"] = first()
                first_done.set()
                release.wait(timeout=30)
        except Exception as exc:  # noqa: BLE001
            outcome["first"] = exc
            first_done.set()
        finally:
            connection.close()

    def run_second() -> None:
        try:
            first_done.wait(timeout=30)
            outcome["second"] = second()
        except Exception as exc:  # noqa: BLE001
            outcome["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=hold_first), threading.Thread(target=run_second)]
    for t in threads:
        t.start()
    try:
        first_done.wait(timeout=30)
        wait_for_lock_waiter()
    finally:
        release.set()
        for t in threads:
            t.join(timeout=60)
    assert not isinstance(outcome["first"], Exception), outcome["first"]
    return outcome["second"]


def test_a_retirement_that_waited_sees_the_remaining_units(actors):
    project = project_with_credits(actors, 1000)
    buy(actors, project, 40)
    e1 = accounted_event(actors.organiser, name="活动甲")[0]
    e2 = accounted_event(actors.organiser, name="活动乙")[0]

    def retire(event):
        return lambda: credits_retire(
            actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=10, reason="抵消"
        )

    result = _second_writer_after_first_commits(retire(e1), retire(e2))
    assert not isinstance(result, ApplicationError), f"{result.code}: {result.message}"
    assert [r.block.serial_first for r in result] == [11]
    assert_ledger_whole(project)


def test_a_confirmation_that_waited_sees_the_remaining_units(actors):
    # order_confirm locks the order, then the project row (the lock order of registry/services.py), so
    # confirmations of one project queue on the project row and the second reads the blocks afresh.
    project = project_with_credits(actors, 1000)
    o1 = order_create(actor=actors.organiser, project_code=project.code, quantity_t=100)
    o2 = order_create(actor=actors.outsider, project_code=project.code, quantity_t=100)
    result = _second_writer_after_first_commits(
        lambda: order_confirm(actor=actors.seller, order_code=o1.code),
        lambda: order_confirm(actor=actors.seller, order_code=o2.code),
    )
    assert isinstance(result, Order) and result.status == "confirmed", result
    assert list(CreditBlock.objects.filter(holder=actors.orgs.outsider).values_list("serial_first", "serial_last")) == [
        (101, 200)
    ]
    assert_ledger_whole(project)


# ---------------------------------------------------------------- idempotent order creation


def test_racing_order_creates_with_one_key_make_one_order(actors):
    project = project_with_credits(actors, 1000)

    def create(_i: int):
        return order_create(actor=actors.organiser, project_code=project.code, quantity_t=10, idempotency_key="dbl")

    results = run_racing(THREADS, create)
    assert Order.objects.count() == 1
    order = Order.objects.get()
    for r in results:
        assert (isinstance(r, Order) and r.pk == order.pk) or _is_conflict(r, "duplicate_submission"), r


def test_a_retry_that_lost_the_race_gets_the_same_order(actors):
    project = project_with_credits(actors, 1000)

    def create():
        return order_create(actor=actors.organiser, project_code=project.code, quantity_t=10, idempotency_key="dbl")

    result = _second_writer_after_first_commits(create, create)
    assert isinstance(result, Order), result
    assert Order.objects.count() == 1 and result.pk == Order.objects.get().pk


def test_a_double_submitted_event_form_that_lost_the_race_gets_the_first_event(actors):
    from zhonghe.events.models import Event
    from zhonghe.events.services import event_create
    from zhonghe.footprints.tests.builders import event_fields

    def create():
        return event_create(actor=actors.organiser, idempotency_key="form-token", **event_fields())

    result = _second_writer_after_first_commits(create, create)
    assert isinstance(result, Event), result
    assert Event.objects.count() == 1 and result.pk == Event.objects.get().pk


# ---------------------------------------------------------------- gap-free numbers


@pytest.mark.parametrize("existing", [False, True], ids=["new sequence", "existing sequence"])
def test_racing_next_number_is_distinct_and_gap_free(db, existing):
    if existing:
        with transaction.atomic():
            assert next_number("race") == 1

    def take(_i: int) -> list[int]:
        numbers = []
        for _ in range(5):
            with transaction.atomic():
                numbers.append(next_number("race"))
        return numbers

    results = run_racing(THREADS, take)
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = sorted(n for r in results for n in r)
    start = 2 if existing else 1
    assert numbers == list(range(start, start + THREADS * 5))
