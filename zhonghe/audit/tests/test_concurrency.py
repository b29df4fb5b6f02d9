"""Appends from concurrent transactions keep one linear chain (PostgreSQL: the head row lock)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from zhonghe.accounts.models import Organization
from zhonghe.audit.models import AuditEntry
from zhonghe.audit.services import audit_append
from zhonghe.audit.verify import audit_verify_chain

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SELECT … FOR UPDATE)"),
    pytest.mark.django_db(transaction=True),
]

THREADS = 8
APPENDS = 15


def test_eight_threads_appending_keep_one_valid_chain():
    orgs = [Organization.objects.create(name=f"并发单位{i}", kind="individual") for i in range(THREADS)]
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def work(org: Organization) -> None:
        try:
            start.wait()
            for _ in range(APPENDS):
                with transaction.atomic():
                    audit_append(actor="system", action="organization.touch", target=org)
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(org,)) for org in orgs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    sequences = list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, THREADS * APPENDS + 1))
    assert audit_verify_chain() == []
    per_org = {org.code: AuditEntry.objects.filter(object_code=str(org.code)).count() for org in orgs}
    assert set(per_org.values()) == {APPENDS}


def test_the_first_append_races_to_create_the_head():
    """No head row yet (fresh database): eight first appends at once still make entries 1…8."""
    orgs = [Organization.objects.create(name=f"首条单位{i}", kind="individual") for i in range(THREADS)]
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def work(org: Organization) -> None:
        try:
            start.wait()
            with transaction.atomic():
                audit_append(actor="system", action="organization.touch", target=org)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(org,)) for org in orgs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(AuditEntry.objects.values_list("sequence", flat=True)) == list(range(1, THREADS + 1))
    assert audit_verify_chain() == []
