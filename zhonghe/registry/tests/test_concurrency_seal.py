"""Seal after commit on PostgreSQL: retirements on different projects take no shared lock, and the sealer
chains whatever committed, in any commit order (threads, real transactions; see test_concurrency.py)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from zhonghe.footprints.tests.builders import accounted_event, buy, project_with_credits
from zhonghe.registry.audit import audit_registry
from zhonghe.registry.ledger import ledger_seal
from zhonghe.registry.models import LedgerEntry, LedgerHead, Retirement
from zhonghe.registry.services import credits_retire, ledger_seal_all
from zhonghe.registry.tests.test_concurrency import THREADS, run_racing

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SELECT … FOR UPDATE)"),
    pytest.mark.django_db(transaction=True),
]


def _retire(actors, event, project, quantity_t=5):
    return credits_retire(
        actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=quantity_t, reason="抵消"
    )


def test_retirements_on_different_projects_do_not_wait_for_each_other(actors):
    a = project_with_credits(actors, 100, code="CQCER-A")
    b = project_with_credits(actors, 100, code="CQCER-B")
    buy(actors, a, 20)
    buy(actors, b, 20)
    e1 = accounted_event(actors.organiser, name="活动甲")[0]
    e2 = accounted_event(actors.organiser, name="活动乙")[0]
    setup_entries = LedgerEntry.objects.count()
    first_done, second_done, release = threading.Event(), threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def hold_first() -> None:  # retires on A and keeps its transaction open until released
        try:
            with transaction.atomic():
                outcome["first"] = _retire(actors, e1, a)
                first_done.set()
                release.wait(timeout=30)
        except Exception as exc:  # noqa: BLE001 - inspected below
            outcome["first"] = exc
            first_done.set()
        finally:
            connection.close()

    def run_second() -> None:  # retires on B (committed by the service) and seals while A is uncommitted
        try:
            first_done.wait(timeout=30)
            outcome["second"] = _retire(actors, e2, b)
            outcome["sealed"] = ledger_seal()
        except Exception as exc:  # noqa: BLE001
            outcome["second"] = exc
        finally:
            second_done.set()
            connection.close()

    threads = [threading.Thread(target=hold_first), threading.Thread(target=run_second)]
    for t in threads:
        t.start()
    try:
        assert first_done.wait(timeout=30)
        finished_while_first_open = second_done.wait(timeout=15)
        with connection.cursor() as cursor:  # the first transaction is still open: nothing of it is visible
            cursor.execute("SELECT count(*) FROM registry_retirement")
            visible_while_open = cursor.fetchone()[0]
    finally:
        release.set()
        for t in threads:
            t.join(timeout=60)
    assert finished_while_first_open, "the retirement on project B waited for the open one on project A"
    assert visible_while_open == 1
    assert not isinstance(outcome["first"], Exception), outcome["first"]
    assert not isinstance(outcome["second"], Exception), outcome["second"]
    assert outcome["sealed"] == setup_entries + 1  # everything committed, B's retirement included; A's not
    # The first transaction's entries (lower ids) committed after the seal: a later pass chains them after it.
    pending = LedgerEntry.objects.filter(seq__isnull=True)
    assert pending.exists() and all(e.reference.startswith("retirement:") for e in pending)
    assert ledger_seal_all() == pending.count()
    seqs = sorted(LedgerEntry.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, LedgerEntry.objects.count() + 1))
    assert LedgerHead.objects.get().seq == len(seqs)
    numbers = list(Retirement.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 2
    assert audit_registry() == []


def test_racing_retirements_and_sealers_keep_one_linear_chain(actors):
    projects = [project_with_credits(actors, 50, code=f"CQCER-{i}") for i in range(THREADS)]
    for project in projects:
        buy(actors, project, 10)
    events = [accounted_event(actors.organiser, name=f"活动{i}")[0] for i in range(THREADS)]

    def retire_and_seal(i: int):
        retired = _retire(actors, events[i], projects[i], quantity_t=3)
        ledger_seal()
        return retired

    results = run_racing(THREADS, retire_and_seal)
    assert all(isinstance(r, list) for r in results), results
    ledger_seal_all()
    assert not LedgerEntry.objects.filter(seq__isnull=True).exists()
    seqs = sorted(LedgerEntry.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    numbers = list(Retirement.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == THREADS
    assert audit_registry() == []
