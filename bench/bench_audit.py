"""Audit log benchmark on PostgreSQL: appends/s from 1 and 8 threads beside a plain one-row-lock transaction,
the sealer's rate, and audit_verify's time per entry.

    DATABASE_URL=postgres://…/zh_x .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://…/zh_x .venv/bin/python bench/bench_audit.py [appends_per_thread] [verify_entries]

TRUNCATEs the audit tables of that database first (use a scratch database) and creates/drops a scratch table
`bench_audit_lock`. Every append runs in its own transaction, like a service's. The baseline transaction
updates one row and commits: "own row" (one row per thread, nothing shared — the commit rate the machine
allows) and "one shared row" (every transaction queues on the same row, as the old audit head made them).
Prints figures only. Also runs against a checkout without audit_seal (the append-time chain), for comparison.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhonghe.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from zhonghe.accounts.models import Organization  # noqa: E402
from zhonghe.audit import services as audit_services  # noqa: E402
from zhonghe.audit.models import AuditEntry, AuditHead  # noqa: E402
from zhonghe.audit.services import audit_append  # noqa: E402
from zhonghe.audit.verify import audit_verify_chain  # noqa: E402

audit_seal_all = getattr(audit_services, "audit_seal_all", None)  # None: the append-time chain (before)


def truncate() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditentry, audit_audithead")


def threaded(threads: int, per_thread: int, work: Callable[[int], None]) -> float:
    """Operations per second of `threads` threads each calling work(thread_no) per_thread times."""
    start = threading.Barrier(threads + 1)

    def run(no: int) -> None:
        start.wait()
        for _ in range(per_thread):
            work(no)
        connection.close()

    workers = [threading.Thread(target=run, args=(no,)) for no in range(threads)]
    for w in workers:
        w.start()
    start.wait()
    began = time.perf_counter()
    for w in workers:
        w.join()
    return threads * per_thread / (time.perf_counter() - began)


def row_lock_tx(threads: int, per_thread: int, *, shared: bool) -> float:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_audit_lock")
        cursor.execute("CREATE TABLE bench_audit_lock (id int PRIMARY KEY, n bigint NOT NULL)")
        cursor.execute("INSERT INTO bench_audit_lock SELECT g, 0 FROM generate_series(0, 7) g")

    def work(no: int) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE bench_audit_lock SET n = n + 1 WHERE id = %s", [0 if shared else no])

    try:
        return threaded(threads, per_thread, work)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_audit_lock")


def appends(threads: int, per_thread: int) -> float:
    orgs = [Organization.objects.get_or_create(name=f"基准单位{i}", kind="individual")[0] for i in range(threads)]

    def work(no: int) -> None:
        with transaction.atomic():
            audit_append(actor="command:bench_audit", action="organization.touch", target=orgs[no])

    return threaded(threads, per_thread, work)


def _append_process(org_pk: int, per_thread: int, start) -> None:  # a forked child: its own connection
    from django.db import connections

    connections.close_all()
    org = Organization.objects.get(pk=org_pk)
    start.wait()
    for _ in range(per_thread):
        with transaction.atomic():
            audit_append(actor="command:bench_audit", action="organization.touch", target=org)
    connections.close_all()


def append_processes(processes: int, per_process: int) -> float:
    """Appends/s from `processes` forked processes (no shared interpreter lock, like several web workers)."""
    import multiprocessing

    orgs = [Organization.objects.get_or_create(name=f"基准单位{i}", kind="individual")[0] for i in range(processes)]
    connection.close()
    ctx = multiprocessing.get_context("fork")
    start = ctx.Barrier(processes + 1)
    children = [ctx.Process(target=_append_process, args=(o.pk, per_process, start)) for o in orgs]
    for child in children:
        child.start()
    start.wait()
    began = time.perf_counter()
    for child in children:
        child.join()
    assert all(child.exitcode == 0 for child in children)
    return processes * per_process / (time.perf_counter() - began)


def appends_while_sealing(threads: int, per_thread: int, every_s: float = 0.5) -> tuple[float, int]:
    """Appends/s with a sealer running every `every_s` alongside (as the worker's periodic audit_seal)."""
    stop = threading.Event()
    passes = [0]

    def sealer() -> None:
        while not stop.wait(every_s):
            audit_seal_all()
            passes[0] += 1
        connection.close()

    thread = threading.Thread(target=sealer)
    thread.start()
    try:
        rate = appends(threads, per_thread)
    finally:
        stop.set()
        thread.join()
    return rate, passes[0]


def build_chain(total: int, batch: int = 5000) -> None:
    """A valid log of `total` entries written directly (bulk), then sealed, to time the verifier."""
    truncate()
    now = timezone.now()
    for first in range(1, total + 1, batch):
        rows = []
        for n in range(first, min(first + batch, total + 1)):
            entry = AuditEntry(
                at=now, actor_label="system", action="organization.touch", object_type="accounts.organization",
                object_code=str(n), after_digest="0" * 64, changes={"n": n},
            )  # fmt: skip
            entry.content_hash = entry.compute_content_hash()
            rows.append(entry)
        AuditEntry.objects.bulk_create(rows)
    audit_seal_all()


def main() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("set DATABASE_URL to a scratch PostgreSQL database")
    per_thread = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    verify_entries = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        print(f"PostgreSQL synchronous_commit={cursor.fetchone()[0]}, {os.cpu_count()} cores")
    print(f"plain tx (one row), 1 thread      : {row_lock_tx(1, per_thread * 4, shared=True):8.0f} /s")
    print(f"plain tx, 8 threads, own row each : {row_lock_tx(8, per_thread, shared=False):8.0f} /s")
    print(f"plain tx, 8 threads, one shared row: {row_lock_tx(8, per_thread, shared=True):8.0f} /s")
    truncate()
    one = appends(1, per_thread * 4)
    eight = appends(8, per_thread)
    print(f"appends/s, 1 thread               : {one:8.0f}")
    print(f"appends/s, 8 threads              : {eight:8.0f}  (one interpreter: the GIL shares its Python work)")
    print(f"appends/s, 8 processes            : {append_processes(8, per_thread):8.0f}")
    if audit_seal_all is None:
        assert audit_verify_chain() == []
        return  # the append-time chain: nothing to seal, no verify timing (the old bench did it)
    pending = AuditEntry.objects.filter(sequence__isnull=True).count()
    began = time.perf_counter()
    sealed = audit_seal_all()
    elapsed = time.perf_counter() - began
    assert sealed == pending and audit_verify_chain() == []
    print(f"audit_seal of {sealed:,} pending     : {elapsed:.2f} s ({sealed / elapsed:,.0f} entries/s)")
    rate, passes = appends_while_sealing(8, per_thread)
    audit_seal_all()
    assert audit_verify_chain() == [] and not AuditEntry.objects.filter(sequence__isnull=True).exists()
    print(f"appends/s, 8 threads + sealer/0.5s: {rate:8.0f}  ({passes} seal passes)")
    build_chain(verify_entries)
    began = time.perf_counter()
    problems = audit_verify_chain()
    elapsed = time.perf_counter() - began
    print(
        f"audit_verify on {verify_entries:,} entries: {elapsed:.2f} s ({elapsed / verify_entries * 1e6:.0f} µs/entry)"
    )
    assert problems == [], problems[:3]
    assert AuditHead.objects.get(pk=1).sequence == verify_entries
    truncate()


if __name__ == "__main__":
    main()
