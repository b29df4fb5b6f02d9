"""registry_audit and audit_verify on a large ledger and audit log (PostgreSQL; issue 8's "the audit's time on
1,000,000 ledger entries").

    BENCH_LEDGER_ENTRIES=1000000 DATABASE_URL=postgres://…/zh_…bench… .venv/bin/python bench/bench_ledger_audit.py

DROPS and recreates the database of DATABASE_URL (default ``$BENCH_PG/zh_bench_ledger_audit``; its name must
contain "bench"), migrates it and makes, through the services, a platform, a seller, 8 organisers with one
frozen event each and 4 projects. Then, for 100,000 entries (the baseline) and for BENCH_LEDGER_ENTRIES
(default 100,000), it writes by COPY a valid registry of that many ledger entries: per project one issue, then
1-tonne transfers from the seller to the organisers (runs of 10 t each) and the retirement of each of those tonnes
against the buyer's event, with the blocks, retirements and event totals they imply and the hash chain computed
by registry/ledger.py's own functions (content_of, hash_of_content, sealed_body, entry_hash); and an audit log of
as many sealed entries (audit.models.content_of, digest.seal_hash). Each command then runs in a fresh process,
which reports its wall seconds and peak RSS (resource.getrusage); beside them, the naive passes both made before
they streamed (model instances: the chain with select_related, each project's entries and blocks in lists, every
retirement with its block; the audit log's entries). Last, one ledger entry and one audit entry in the middle of
the big data set are edited in place and both commands must fail (exit ≠ 0) naming them. Prints figures only.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import resource
import subprocess
import sys
import time
import uuid
from contextlib import redirect_stdout
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DATABASE_URL = os.environ.get("DATABASE_URL") or f"{SERVER}/zh_bench_ledger_audit"
ENTRIES = int(os.environ.get("BENCH_LEDGER_ENTRIES", "100000"))
BASELINE = int(os.environ.get("BENCH_LEDGER_BASELINE", "100000"))
PROJECTS, BUYERS, RUN_T = 4, 8, 10
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _db_name() -> str:
    return urlsplit(DATABASE_URL).path.lstrip("/")


def _psql(sql: str) -> None:
    server = DATABASE_URL.rsplit("/", 1)[0]
    subprocess.run(["psql", f"{server}/postgres", "-qAtc", sql], check=True, capture_output=True)


def django_setup() -> None:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhonghe.settings")
    import django

    django.setup()


def fresh_database() -> None:
    if "bench" not in _db_name():
        raise SystemExit(f"{_db_name()}: the benchmark drops its database; use a name containing 'bench'")
    _psql(f"DROP DATABASE IF EXISTS {_db_name()}")
    _psql(f"CREATE DATABASE {_db_name()}")


def migrate_and_setup(plan_path: str) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    Path(plan_path).write_text(json.dumps(setup()))


def setup() -> dict:
    """Through the services: the actors, one frozen event per organiser, the projects (nothing issued)."""
    from zhonghe.accounts.selectors import actor_for_user
    from zhonghe.accounts.services import organization_create, user_create
    from zhonghe.accounts.uscc import make_uscc
    from zhonghe.footprints.tests.builders import accounted_event
    from zhonghe.registry.services import project_register

    def actor(name: str, prefix: str, role: str):
        org = organization_create(name=f"单位{name}", kind="other", level="municipal", uscc=make_uscc(prefix))
        return actor_for_user(user_create(username=name, password="pass-1234", organization=org, roles=[role]))

    platform = actor("platform", "91500000MA000000", "admin")
    seller = actor("seller", "93500156MA000000", "seller")
    buyers = [actor(f"org{i}", f"91500000MB00000{i}", "organiser") for i in range(BUYERS)]
    outsider = actor("outsider", "91500000MC000000", "organiser")
    projects = [
        project_register(
            actor=platform,
            code=f"CQCER-2025-L{i:03d}",
            name=f"基准项目{i}",
            credit_type="CQCER",
            methodology_code="CQCM-009-V001",
            vintage=2025,
            seller=seller.organization,
        )  # fmt: skip
        for i in range(PROJECTS)
    ]
    events = [accounted_event(b, after_kwh="900000000") for b in buyers]
    return {
        "seller": (seller.organization.pk, str(seller.organization.code)),
        "buyers": [(b.organization.pk, str(b.organization.code)) for b in buyers],
        "outsider": outsider.organization.pk,
        "projects": [(p.pk, p.code) for p in projects],
        "events": [(e.pk, inv.pk, e.name) for e, inv in events],
    }


def _copy(table: str, columns: tuple[str, ...], rows) -> None:
    from django.db import connection

    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)


def _ledger_rows(plan: dict, moves: int, out: dict):
    """The ledger in seq order (4 projects, each: issue, then transfer i / retire i of serial i), chained as
    ledger_seal chains it; fills out["blocks"] and out["retirements"] as it goes."""
    from zhonghe.registry.ledger import GENESIS_HASH, content_of, entry_hash, hash_of_content, sealed_body

    seller_id, seller_code = plan["seller"]
    seq, prev, block_id, retirement_id = 0, GENESIS_HASH, 0, 0
    blocks, retirements = out["blocks"], out["retirements"]
    now = dt.datetime.now(dt.UTC)

    def entry(kind, project_code, project_id, first, last, from_org, to_org, reference):
        nonlocal seq, prev
        seq += 1
        at = T0 + dt.timedelta(seconds=seq)
        content = content_of(
            kind=kind, project_code=project_code, serial_first=first, serial_last=last, quantity_t=last - first + 1,
            from_code=from_org[1] if from_org else None, to_code=to_org[1] if to_org else None, reference=reference,
            at=at,
        )  # fmt: skip
        sealed = entry_hash(prev, sealed_body(seq, content))
        row = (seq, seq, kind, project_id, first, last, last - first + 1, from_org[0] if from_org else None,
               to_org[0] if to_org else None, reference, at, hash_of_content(content), prev, sealed)  # fmt: skip
        prev = sealed
        return row

    for project_id, project_code in plan["projects"]:
        last_serial = moves + 1000  # the seller keeps 1,000 t
        block_id += 1
        parent = block_id
        blocks.append(
            (block_id, uuid.uuid4(), project_id, 1, last_serial, last_serial, seller_id, "superseded", None, now)
        )
        yield entry("issue", project_code, project_id, 1, last_serial, None, plan["seller"], f"block:{blocks[-1][1]}")
        for i in range(1, moves + 1):
            b = ((i - 1) // RUN_T) % BUYERS
            buyer_id, _code = buyer = plan["buyers"][b]
            taken, rest, retired = block_id + 1, block_id + 2, block_id + 3
            block_id += 3
            remainder = "active" if i == moves else "superseded"
            blocks.append((taken, uuid.uuid4(), project_id, i, i, 1, buyer_id, "superseded", parent, now))
            blocks.append((rest, uuid.uuid4(), project_id, i + 1, last_serial, last_serial - i, seller_id, remainder,
                           parent, now))  # fmt: skip
            blocks.append((retired, uuid.uuid4(), project_id, i, i, 1, buyer_id, "retired", taken, now))
            parent = rest
            yield entry("transfer", project_code, project_id, i, i, plan["seller"], buyer, f"order:{uuid.uuid4()}")
            retirement_id += 1
            number = f"ZH-R-2026-{retirement_id:07d}"
            event_id, inventory_id, event_name = plan["events"][b]
            retirements.append((retirement_id, uuid.uuid4(), number, event_id, inventory_id, retired, 1, "基准受益方",
                                "", f"大型活动碳中和：{event_name}", "基准", None, now))  # fmt: skip
            yield entry("retire", project_code, project_id, i, i, buyer, None, f"retirement:{number}")
    out["head"] = (seq, prev)


def _audit_rows(count: int, out: dict):
    from zhonghe.audit.digest import GENESIS, content_hash_of, seal_hash
    from zhonghe.audit.models import content_of

    prev = GENESIS
    for sequence in range(1, count + 1):
        values = {
            "at": T0 + dt.timedelta(seconds=sequence), "actor_label": "user", "actor_user_id": 1,
            "actor_org_code": "", "actor_roles": "organiser", "action": "credits.retire",
            "object_type": "registry.retirement", "object_code": f"ZH-R-2026-{sequence:07d}", "before_digest": "",
            "after_digest": "a" * 64, "changes": {"quantity_t": 1},
        }  # fmt: skip
        content = content_hash_of(content_of(values))
        sealed = seal_hash(prev, sequence, content)
        yield (sequence, sequence, *values.values(), content, prev, sealed)
        prev = sealed
    out["audit_head"] = (count, prev)


LEDGER_COLUMNS = ("id", "seq", "kind", "project_id", "serial_first", "serial_last", "quantity_t", "from_org_id",
                  "to_org_id", "reference", "at", "content_hash", "prev_hash", "entry_hash")  # fmt: skip
BLOCK_COLUMNS = ("id", "code", "project_id", "serial_first", "serial_last", "quantity_t", "holder_id", "status",
                 "parent_id", "created_at")  # fmt: skip
RETIREMENT_COLUMNS = ("id", "code", "number", "event_id", "inventory_id", "block_id", "quantity_t",
                      "beneficiary_name", "beneficiary_uscc", "purpose", "reason", "actor_id", "at")  # fmt: skip
AUDIT_COLUMNS = ("id", "sequence", "at", "actor_label", "actor_user_id", "actor_org_code", "actor_roles", "action",
                 "object_type", "object_code", "before_digest", "after_digest", "changes", "content_hash",
                 "prev_hash", "entry_hash")  # fmt: skip


class _JsonRows:
    """Audit rows with `changes` as JSON text for COPY."""

    def __init__(self, rows):
        self.rows = rows

    def __iter__(self):
        for row in self.rows:
            yield (*row[:12], json.dumps(row[12]), *row[13:])


def build(plan: dict, entries: int) -> int:
    """Replace the registry's and the audit log's rows by a valid history of about `entries` ledger entries
    (and as many audit entries); returns the exact ledger count."""
    from django.db import connection

    moves = max(1, (entries // PROJECTS - 1) // 2)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE registry_retirement, registry_creditblock, registry_ledgerentry, registry_ledgerhead, "
            "audit_auditentry, audit_audithead CASCADE"
        )
    out: dict = {"blocks": [], "retirements": []}
    _copy("registry_ledgerentry", LEDGER_COLUMNS, _ledger_rows(plan, moves, out))
    _copy("registry_creditblock", BLOCK_COLUMNS, out.pop("blocks"))
    _copy("registry_retirement", RETIREMENT_COLUMNS, out.pop("retirements"))
    count = out["head"][0]
    _copy("audit_auditentry", AUDIT_COLUMNS, _JsonRows(_audit_rows(count, out)))
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO registry_ledgerhead (id, seq, entry_hash) VALUES (1, %s, %s)", out["head"])
        cursor.execute(
            "INSERT INTO audit_audithead (id, sequence, entry_hash, legacy_sequence) VALUES (1, %s, %s, 0)",
            out["audit_head"],
        )
        cursor.execute(
            "UPDATE events_event e SET retired_t = COALESCE((SELECT SUM(r.quantity_t) FROM registry_retirement r "
            "WHERE r.event_id = e.id), 0)"
        )
        for table in ("registry_ledgerentry", "registry_creditblock", "registry_retirement", "audit_auditentry"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
            cursor.execute(f"VACUUM ANALYZE {table}")
    return count


def naive_pass() -> None:
    """What registry_audit did before it streamed: model instances everywhere."""
    from zhonghe.registry.ledger import content_hash, entry_body, entry_hash
    from zhonghe.registry.models import CreditBlock, CreditProject, LedgerEntry, Retirement

    related = LedgerEntry.objects.select_related("project", "from_org", "to_org")
    for entry in related.filter(seq__isnull=False).order_by("seq").iterator():
        assert entry.entry_hash == entry_hash(entry.prev_hash or "", entry_body(entry))
        assert entry.content_hash == content_hash(entry)
    for project in CreditProject.objects.order_by("code"):
        entries = list(LedgerEntry.objects.filter(project=project).select_related("project").order_by("id"))
        blocks = list(CreditBlock.objects.filter(project=project))
        assert sum(e.quantity_t for e in entries if e.kind == "issue") == sum(
            b.quantity_t for b in blocks if b.status != "superseded"
        )
    for r in Retirement.objects.select_related("block"):
        assert r.block.quantity_t == r.quantity_t


def naive_verify() -> None:
    """audit_verify's pass before it streamed: AuditEntry instances."""
    from zhonghe.audit.digest import seal_hash
    from zhonghe.audit.models import AuditEntry

    for entry in AuditEntry.objects.filter(sequence__isnull=False).order_by("sequence", "id").iterator(chunk_size=2000):
        assert entry.compute_content_hash() == entry.content_hash
        assert seal_hash(entry.prev_hash, entry.sequence, entry.content_hash) == entry.entry_hash


def _peak_rss_mb() -> tuple[float, float]:
    """(getrusage's peak, the kernel's VmHWM) in MB. Linux keeps ru_maxrss across exec, so a child of a big
    parent would report the parent's size: the parent stays small (the build runs in a child of its own), and
    VmHWM (this process image only) is the cross-check."""
    getrusage_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    status = Path("/proc/self/status")
    hwm = [line for line in status.read_text().splitlines() if line.startswith("VmHWM:")] if status.exists() else []
    return getrusage_mb, (int(hwm[0].split()[1]) / 1024 if hwm else getrusage_mb)


def child(what: str, *args: str) -> None:
    """One run in this (fresh) process; prints a JSON line."""
    django_setup()
    from django.core.management import CommandError, call_command

    out, rc, result = io.StringIO(), 0, {}
    began = time.perf_counter()
    try:
        with redirect_stdout(out):
            if what == "setup":
                migrate_and_setup(*args)
            elif what == "plant":
                plant_corruption(*args)
            elif what == "build":
                result["count"] = build(json.loads(Path(args[1]).read_text()), int(args[0]))
            elif what == "naive":
                naive_pass()
            elif what == "naive_verify":
                naive_verify()
            elif what != "idle":
                call_command(what, stdout=out)
    except CommandError as exc:
        rc, out = 1, io.StringIO(out.getvalue() + f"{exc}\n")
    seconds = time.perf_counter() - began
    rss_mb, hwm_mb = _peak_rss_mb()
    result.update(seconds=seconds, rss_mb=rss_mb, hwm_mb=hwm_mb, rc=rc, out=out.getvalue().splitlines()[:3])
    print(json.dumps(result))


def measure(what: str, *args: str) -> dict:
    env = {**os.environ, "DATABASE_URL": DATABASE_URL}
    done = subprocess.run(
        [sys.executable, __file__, "--child", what, *args], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def plant_corruption(plan_path: str, count: str) -> None:
    """In the middle of the big data set: a ledger entry handed to an outsider, an audit entry's object edited."""
    from django.db import connection

    from zhonghe.lib.append_only import drop_guard_sql

    with connection.cursor() as cursor:
        for table in ("registry_ledgerentry", "audit_auditentry"):
            for sql in drop_guard_sql("postgresql", table):
                cursor.execute(sql)
        cursor.execute(
            "UPDATE registry_ledgerentry SET to_org_id = %s WHERE id = (SELECT id FROM registry_ledgerentry "
            "WHERE kind = 'transfer' AND seq >= %s ORDER BY seq LIMIT 1)",
            [json.loads(Path(plan_path).read_text())["outsider"], int(count) // 2],
        )
        cursor.execute("UPDATE audit_auditentry SET object_code = 'forged' WHERE sequence = %s", [int(count) // 2])


def main() -> None:
    """Django runs only in the children: this process stays a bare interpreter, so the children's getrusage
    peaks are their own (Linux keeps ru_maxrss across exec: a child of a big parent reports at least the
    parent's size)."""
    import tempfile

    fresh_database()
    sizes = [BASELINE] + ([ENTRIES] if ENTRIES != BASELINE else [])
    with tempfile.NamedTemporaryFile("w", suffix=".json") as plan_file:
        measure("setup", plan_file.name)
        idle = measure("idle")
        print(f"Ledger audit benchmark on PostgreSQL ({_db_name()}), {PROJECTS} projects, {BUYERS} buyers; "
              f"an idle Django process: {idle['rss_mb']:.0f} MB peak RSS")  # fmt: skip
        header = (
            f"{'entries':>10} {'build s':>8} {'registry_audit s':>17} {'entries/s':>10} {'RSS MB':>7}"
            f" {'audit_verify s':>15} {'entries/s':>10} {'RSS MB':>7} {'naive audit s':>14} {'RSS MB':>7}"
            f" {'naive verify s':>15} {'RSS MB':>7}"
        )
        print(header)
        print("-" * len(header), flush=True)
        count = 0
        for size in sizes:
            built = measure("build", str(size), plan_file.name)
            count = built["count"]
            runs = {what: measure(what) for what in ("registry_audit", "audit_verify", "naive", "naive_verify")}
            assert runs["registry_audit"]["rc"] == 0 and runs["audit_verify"]["rc"] == 0, runs
            reg, ver, naive, naive_v = (runs[w] for w in ("registry_audit", "audit_verify", "naive", "naive_verify"))
            print(
                f"{count:>10,} {built['seconds']:>8.1f} {reg['seconds']:>17.1f} {count / reg['seconds']:>10,.0f}"
                f" {reg['rss_mb']:>7.0f} {ver['seconds']:>15.1f} {count / ver['seconds']:>10,.0f}"
                f" {ver['rss_mb']:>7.0f} {naive['seconds']:>14.1f} {naive['rss_mb']:>7.0f}"
                f" {naive_v['seconds']:>15.1f} {naive_v['rss_mb']:>7.0f}",
                flush=True,
            )
            for what, run in runs.items():
                if abs(run["rss_mb"] - run["hwm_mb"]) > 5:
                    print(f"  ({what}: getrusage {run['rss_mb']:.0f} MB, VmHWM {run['hwm_mb']:.0f} MB)")
        measure("plant", plan_file.name, str(count))
    for what in ("registry_audit", "audit_verify"):
        run = measure(what)
        assert run["rc"] != 0, f"{what} missed the planted corruption: {run}"
        print(f"planted corruption at {count:,} entries: {what} exit {run['rc']} after {run['seconds']:.1f} s: "
              f"{run['out'][0]}")  # fmt: skip


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(*sys.argv[2:])
    else:
        main()
