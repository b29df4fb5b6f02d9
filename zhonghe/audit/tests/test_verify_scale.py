"""audit_verify at scale (issue 8): a flat query count, chunked streams of plain values, and corruption still
found across chunk boundaries. (Timings: bench/bench_ledger_audit.py; none here.)
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.models.query import QuerySet
from django.test.utils import CaptureQueriesContext

from zhonghe.accounts.models import Organization
from zhonghe.audit import verify
from zhonghe.audit.models import AuditEntry
from zhonghe.audit.services import audit_append, audit_seal_all
from zhonghe.audit.verify import audit_verify_chain
from zhonghe.lib.append_only import drop_guard_sql

pytestmark = pytest.mark.django_db


def _append(count: int, *, seal: bool = True) -> None:
    with transaction.atomic():
        for i in range(count):
            org = Organization.objects.create(name=f"单位{AuditEntry.objects.count()}-{i}", kind="individual")
            audit_append(actor="system", action="organization.create", target=org)
    if seal:
        audit_seal_all()


def _verify_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        assert audit_verify_chain() == []
    return len(queries.captured_queries)


def test_the_query_count_does_not_grow_with_the_log():
    _append(3)
    _append(2, seal=False)
    small = (AuditEntry.objects.count(), _verify_queries())
    _append(40)
    _append(10, seal=False)
    large = (AuditEntry.objects.count(), _verify_queries())
    assert large[0] >= small[0] + 50
    assert large[1] == small[1]


def test_verify_streams_plain_values_in_chunks(monkeypatch):
    _append(5)
    _append(2, seal=False)
    calls = []
    original = QuerySet.iterator

    def iterator(qs, chunk_size=None):
        calls.append((qs.model, chunk_size))
        return original(qs, chunk_size=chunk_size)

    def no_instance(cls, *args, **kwargs):
        raise AssertionError("audit_verify built an AuditEntry instance")

    monkeypatch.setattr(QuerySet, "iterator", iterator)
    monkeypatch.setattr(AuditEntry, "from_db", classmethod(no_instance))
    assert audit_verify_chain() == []
    assert calls == [(AuditEntry, verify.CHUNK_ROWS), (AuditEntry, verify.CHUNK_ROWS)]  # sealed, then pending


def test_corruption_is_found_across_chunk_boundaries():
    _append(9)
    _append(3, seal=False)
    assert audit_verify_chain(chunk_size=2) == []
    with connection.cursor() as cursor:
        for sql in drop_guard_sql(connection.vendor, "audit_auditentry"):
            cursor.execute(sql)
    AuditEntry.objects.filter(sequence=5).update(object_code="forged")
    AuditEntry.objects.filter(sequence=8).delete()
    pending = AuditEntry.objects.filter(sequence__isnull=True).order_by("id").last()
    AuditEntry.objects.filter(pk=pending.pk).update(action="forged.action")
    found = [(p.sequence, p.kind) for p in audit_verify_chain(chunk_size=2)]
    assert (5, "hash_mismatch") in found
    assert (9, "gap") in found and (9, "broken_link") in found
    assert (None, "hash_mismatch") in found
    assert found == [(p.sequence, p.kind) for p in audit_verify_chain()]  # the chunk size changes nothing
