"""Seal after commit on PostgreSQL: appends take no shared lock, the sealer alone keeps the chain linear."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, transaction

from zhonghe.accounts.models import Organization
from zhonghe.audit.models import AuditEntry, AuditHead
from zhonghe.audit.services import audit_append, audit_seal, audit_seal_all
from zhonghe.audit.verify import audit_verify_chain

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"),
    pytest.mark.django_db(transaction=True),
]

THREADS = 8
APPENDS = 15
WAIT_S = 20


def _orgs(n: int, prefix: str) -> list[Organization]:
    return [Organization.objects.create(name=f"{prefix}{i}", kind="individual") for i in range(n)]


def _run(threads: list[threading.Thread], errors: list[BaseException]) -> None:
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert errors == []


def _one_chain_with_every_entry_once(expected: int) -> None:
    assert not AuditEntry.objects.filter(sequence__isnull=True).exists()
    assert list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)) == list(
        range(1, expected + 1)
    )
    assert AuditEntry.objects.values("id").distinct().count() == expected
    assert AuditHead.objects.get(pk=1).sequence == expected
    assert audit_verify_chain() == []


def test_an_uncommitted_append_does_not_block_another_append_and_commits_late_are_sealed_next():
    slow_org, fast_org = _orgs(2, "并发单位")
    slow_appended, release_slow, fast_done = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []
    ids: dict[str, int] = {}

    def slow() -> None:  # appends first (lower id), commits last
        try:
            with transaction.atomic():
                ids["slow"] = audit_append(actor="system", action="organization.touch", target=slow_org).pk
                slow_appended.set()
                assert release_slow.wait(WAIT_S), "never released"
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connection.close()

    def fast() -> None:
        try:
            assert slow_appended.wait(WAIT_S)
            with transaction.atomic():
                ids["fast"] = audit_append(actor="system", action="organization.touch", target=fast_org).pk
            fast_done.set()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=slow), threading.Thread(target=fast)]
    for t in threads:
        t.start()
    try:
        # the second transaction appends and commits while the first still holds its pending entry
        assert fast_done.wait(WAIT_S), "an append waited for another transaction's uncommitted append"
        assert ids["slow"] < ids["fast"]
        assert list(AuditEntry.objects.values_list("id", flat=True)) == [ids["fast"]]  # the slow one is uncommitted
        assert audit_seal() == 1  # the sealer seals what committed and does not wait for the open transaction
        assert AuditEntry.objects.get(pk=ids["fast"]).sequence == 1
    finally:
        release_slow.set()
        for t in threads:
            t.join(timeout=60)
    assert errors == []
    assert audit_seal() == 1  # the late commit (lower id) is sealed by the next pass, after the higher id
    assert AuditEntry.objects.get(pk=ids["slow"]).sequence == 2
    _one_chain_with_every_entry_once(2)


def test_eight_threads_appending_then_one_seal_make_one_valid_chain():
    orgs = _orgs(THREADS, "并发单位")
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def work(org: Organization) -> None:
        try:
            start.wait(timeout=WAIT_S)
            for _ in range(APPENDS):
                with transaction.atomic():
                    audit_append(actor="system", action="organization.touch", target=org)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    _run([threading.Thread(target=work, args=(org,)) for org in orgs], errors)
    assert AuditEntry.objects.filter(sequence__isnull=True).count() == THREADS * APPENDS
    assert audit_seal_all() == THREADS * APPENDS
    _one_chain_with_every_entry_once(THREADS * APPENDS)
    per_org = Counter(AuditEntry.objects.values_list("object_code", flat=True))
    assert per_org == {str(org.code): APPENDS for org in orgs}


def test_two_sealers_racing_while_threads_append_keep_one_valid_chain():
    orgs = _orgs(4, "并发单位")
    start = threading.Barrier(len(orgs) + 2)
    appending = threading.Event()
    appending.set()
    errors: list[BaseException] = []
    sealed_by: list[int] = [0, 0]

    def append(org: Organization) -> None:
        try:
            start.wait(timeout=WAIT_S)
            for _ in range(APPENDS):
                with transaction.atomic():
                    audit_append(actor="system", action="organization.touch", target=org)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    def seal(no: int) -> None:
        try:
            start.wait(timeout=WAIT_S)
            while appending.is_set():
                sealed_by[no] += audit_seal(limit=7)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    appenders = [threading.Thread(target=append, args=(org,)) for org in orgs]
    sealers = [threading.Thread(target=seal, args=(no,)) for no in range(2)]
    for t in appenders + sealers:
        t.start()
    for t in appenders:
        t.join(timeout=120)
    appending.clear()
    for t in sealers:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in appenders + sealers) and errors == []
    total = len(orgs) * APPENDS
    assert sum(sealed_by) + audit_seal_all() == total  # nobody sealed an entry twice
    _one_chain_with_every_entry_once(total)


def test_the_first_seals_race_to_create_the_head():
    """No head row yet (fresh database): eight sealers at once still make one chain 1…n."""
    org = _orgs(1, "首条单位")[0]
    with transaction.atomic():
        for _ in range(THREADS * 3):
            audit_append(actor="system", action="organization.touch", target=org)
    assert not AuditHead.objects.exists()
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    counts: list[int] = []

    def work() -> None:
        try:
            start.wait(timeout=WAIT_S)
            counts.append(audit_seal(limit=3))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    _run([threading.Thread(target=work) for _ in range(THREADS)], errors)
    assert sum(counts) == THREADS * 3
    _one_chain_with_every_entry_once(THREADS * 3)
