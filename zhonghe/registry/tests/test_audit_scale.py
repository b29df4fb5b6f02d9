"""registry_audit at scale (issue 8): a flat query count, chunked streams of plain values, one replay pass per
project whose state stays one segment per run of holder/status, and corruption still found across chunk
boundaries. (Timings: bench/bench_ledger_audit.py; none here.)
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models.query import QuerySet
from django.test.utils import CaptureQueriesContext

from zhonghe.footprints.tests.builders import accounted_event, buy, project_with_credits
from zhonghe.lib.append_only import drop_guard_sql
from zhonghe.registry import audit_chain
from zhonghe.registry.audit import ENTRY_ROW, audit_registry, replay_ledger
from zhonghe.registry.models import BlockStatus, CreditBlock, LedgerEntry, Retirement
from zhonghe.registry.services import credits_retire, ledger_seal_all

pytestmark = pytest.mark.django_db


def _audit_queries() -> int:
    """Statements run by `manage.py registry_audit` on a clean, sealed registry."""
    ledger_seal_all()  # the command's own seal pass then finds nothing pending: a fixed two statements
    with CaptureQueriesContext(connection) as queries:
        call_command("registry_audit", stdout=StringIO())
    return len(queries.captured_queries)


def _moves(actors, project, event, count: int) -> None:
    for _ in range(count):
        buy(actors, project, 2)
        credits_retire(
            actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=1, reason="抵消"
        )


def test_the_query_count_does_not_grow_with_blocks_or_entries(actors):
    project = project_with_credits(actors, 1000, code="CQCER-A")
    event, _inventory = accounted_event(actors.organiser, after_kwh="900000000")
    _moves(actors, project, event, 2)
    small = (LedgerEntry.objects.count(), CreditBlock.objects.count(), _audit_queries())
    _moves(actors, project, event, 12)
    large = (LedgerEntry.objects.count(), CreditBlock.objects.count(), _audit_queries())
    assert large[0] >= small[0] + 24 and large[1] >= small[1] + 36  # the history grew …
    assert large[2] == small[2]  # … and the audit ran the same statements
    assert audit_registry() == []


class _Spy:
    """Records (model, chunk_size) of every QuerySet.iterator call and forbids building ledger, block and
    retirement instances: the audit must stream plain values."""

    def __init__(self, monkeypatch):
        self.calls: list[tuple[type, int | None]] = []
        original = QuerySet.iterator

        def iterator(qs, chunk_size=None):
            self.calls.append((qs.model, chunk_size))
            return original(qs, chunk_size=chunk_size)

        monkeypatch.setattr(QuerySet, "iterator", iterator)
        for model in (LedgerEntry, CreditBlock, Retirement):
            monkeypatch.setattr(model, "from_db", classmethod(_no_instance))


def _no_instance(cls, *args, **kwargs):
    raise AssertionError(f"registry_audit built a {cls.__name__} instance")


def test_the_audit_streams_plain_values_in_chunks(actors, monkeypatch):
    project = project_with_credits(actors, 100, code="CQCER-A")
    event, _inventory = accounted_event(actors.organiser, after_kwh="900000000")
    _moves(actors, project, event, 3)
    ledger_seal_all()
    spy = _Spy(monkeypatch)
    assert audit_registry() == []
    streamed = {model for model, chunk in spy.calls if chunk == audit_chain.CHUNK_ROWS}
    assert {LedgerEntry, CreditBlock, Retirement} <= streamed
    assert all(chunk == audit_chain.CHUNK_ROWS for model, chunk in spy.calls if model in streamed)


def test_the_replay_keeps_one_segment_per_run_of_holder_and_status(actors):
    project = project_with_credits(actors, 100, code="CQCER-A")
    event, _inventory = accounted_event(actors.organiser, after_kwh="900000000")
    _moves(actors, project, event, 10)  # 10 buys of 2 t, 10 retirements of 1 t: 21 entries, 41 blocks
    rows = audit_chain.stream(LedgerEntry.objects.filter(project=project).order_by("id"), *ENTRY_ROW)
    segments, issued, problems = replay_ledger(project.code, rows)
    organiser, seller = actors.organiser.organization.pk, actors.seller.organization.pk
    assert (issued, problems) == (100, [])
    assert segments == [
        (1, 10, organiser, BlockStatus.RETIRED),
        (11, 20, organiser, BlockStatus.ACTIVE),
        (21, 100, seller, BlockStatus.ACTIVE),
    ]


def test_corruption_is_found_when_every_stream_spans_many_chunks(actors, monkeypatch):
    project = project_with_credits(actors, 100, code="CQCER-A")
    event, _inventory = accounted_event(actors.organiser, after_kwh="900000000")
    _moves(actors, project, event, 5)
    ledger_seal_all()
    monkeypatch.setattr(audit_chain, "CHUNK_ROWS", 2)
    assert audit_registry() == []
    with connection.cursor() as cursor:
        for sql in drop_guard_sql(connection.vendor, "registry_ledgerentry"):
            cursor.execute(sql)
    last = LedgerEntry.objects.order_by("-seq").first()
    LedgerEntry.objects.filter(pk=last.pk).update(serial_last=last.serial_last + 1)
    stolen = CreditBlock.objects.filter(project=project, status=BlockStatus.ACTIVE).order_by("serial_first").first()
    CreditBlock.objects.filter(pk=stolen.pk).update(holder=actors.orgs.outsider)
    problems = audit_registry()
    assert f"ledger: seq {last.seq} entry_hash does not match its content" in problems
    assert f"ledger: seq {last.seq} content does not match its content_hash" in problems
    assert any(f"quantity {last.quantity_t} t does not match its serial range" in p for p in problems)
    assert any(f"block {stolen.code} " in p and "holder/status differs" in p for p in problems)
