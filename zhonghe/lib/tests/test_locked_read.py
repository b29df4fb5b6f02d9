"""locked_rows(after=...): another table's rows are locked first and the read, in the same round trip on
PostgreSQL, sees what the transaction it waited for committed — the property a registry move relies on when
it takes its project's lock and reads the blocks a concurrent split just created."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from zhonghe.accounts.models import Organization
from zhonghe.lib.rows import locked_rows
from zhonghe.registry.tests.test_concurrency import wait_for_lock_waiter


@pytest.mark.django_db
def test_the_lock_and_the_read_are_one_round_trip_with_converted_instances():
    lock = Organization.objects.create(name="锁", kind="individual", department="锁")
    org = Organization.objects.create(name="单位甲", kind="individual")
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        found = locked_rows(
            Organization,
            "kind = %s AND name = %s",
            ["individual", "单位甲"],
            extra=[("others", f"SELECT COUNT(*) FROM {Organization._meta.db_table} WHERE department = %s", ["锁"])],
            after=(Organization, "id = %s", [lock.pk]),
        )
    assert [(o.pk, o.name, o.code, o.others) for o in found] == [(org.pk, "单位甲", org.code, 1)]
    assert len(queries.captured_queries) == 1  # on SQLite (no row locks, one writer at a time) the read only
    if connection.vendor == "postgresql":
        assert "zhonghe_locked_read" in queries.captured_queries[0]["sql"]


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_a_read_that_waited_for_the_lock_sees_the_rows_its_holder_committed():
    lock = Organization.objects.create(name="锁", kind="individual", department="锁")
    holder_has_lock, go_on, seen, errors = threading.Event(), threading.Event(), [], []

    def holder() -> None:
        try:
            with transaction.atomic():
                locked_rows(Organization, "id = %s", [lock.pk])
                holder_has_lock.set()
                go_on.wait(timeout=30)
                Organization.objects.create(name="拆分所得", kind="individual")  # e.g. a split's child
        finally:
            connection.close()

    def reader() -> None:
        try:
            holder_has_lock.wait(timeout=15)
            with transaction.atomic():
                rows = locked_rows(Organization, "name = %s", ["拆分所得"], after=(Organization, "id = %s", [lock.pk]))
                seen.extend(o.name for o in rows)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=holder), threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    holder_has_lock.wait(timeout=15)
    wait_for_lock_waiter()  # the reader is queued behind the holder's lock
    go_on.set()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    # One statement holding the lock inside it would read from its start's snapshot and see nothing here.
    assert seen == ["拆分所得"]
