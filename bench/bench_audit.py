"""Audit log benchmark on PostgreSQL: appends/s from 1 and 8 threads, and audit_verify's time per entry.

    DATABASE_URL=postgres://…/zh_x .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://…/zh_x .venv/bin/python bench/bench_audit.py [appends_per_thread] [verify_entries]

TRUNCATEs the audit tables of that database first (use a scratch database). Every append runs in its own
transaction, like a service's. Prints figures only.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhonghe.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from zhonghe.accounts.models import Organization  # noqa: E402
from zhonghe.audit.digest import GENESIS, chain_hash  # noqa: E402
from zhonghe.audit.models import AuditEntry, AuditHead  # noqa: E402
from zhonghe.audit.services import audit_append  # noqa: E402
from zhonghe.audit.verify import audit_verify_chain  # noqa: E402


def truncate() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditentry, audit_audithead")


def appends(threads: int, per_thread: int) -> float:
    orgs = [Organization.objects.get_or_create(name=f"基准单位{i}", kind="individual")[0] for i in range(threads)]
    start = threading.Barrier(threads + 1)

    def work(org: Organization) -> None:
        start.wait()
        for _ in range(per_thread):
            with transaction.atomic():
                audit_append(actor="command:bench_audit", action="organization.touch", target=org)
        connection.close()

    workers = [threading.Thread(target=work, args=(org,)) for org in orgs]
    for w in workers:
        w.start()
    start.wait()
    began = time.perf_counter()
    for w in workers:
        w.join()
    return threads * per_thread / (time.perf_counter() - began)


def build_chain(total: int, batch: int = 5000) -> None:
    """A valid chain of `total` entries written directly (bulk), to time the verifier on a long log."""
    truncate()
    prev, now = GENESIS, timezone.now()
    for first in range(1, total + 1, batch):
        rows = []
        for seq in range(first, min(first + batch, total + 1)):
            entry = AuditEntry(
                sequence=seq, at=now, actor_label="system", action="organization.touch",
                object_type="accounts.organization", object_code=str(seq), after_digest="0" * 64,
                changes={"n": seq}, prev_hash=prev,
            )  # fmt: skip
            entry.entry_hash = prev = chain_hash(prev, entry.body())
            rows.append(entry)
        AuditEntry.objects.bulk_create(rows)
    AuditHead.objects.create(pk=1, sequence=total, entry_hash=prev)


def main() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("set DATABASE_URL to a scratch PostgreSQL database")
    per_thread = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    verify_entries = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    truncate()
    one = appends(1, per_thread * 4)
    eight = appends(8, per_thread)
    assert audit_verify_chain() == []
    print(f"appends/s, 1 thread : {one:8.0f}")
    print(f"appends/s, 8 threads: {eight:8.0f}  (one chain: the head row serialises them)")
    build_chain(verify_entries)
    began = time.perf_counter()
    problems = audit_verify_chain()
    elapsed = time.perf_counter() - began
    print(
        f"audit_verify on {verify_entries:,} entries: {elapsed:.2f} s ({elapsed / verify_entries * 1e6:.0f} µs/entry)"
    )
    assert problems == [], problems[:3]
    truncate()


if __name__ == "__main__":
    main()
