"""Registry benchmark on PostgreSQL: retirements and transfers through the services, beside pgbench.

Run alone (``.venv/bin/python bench/bench_registry.py``) or from ``bench/run.py``. Needs PostgreSQL and the
``pgbench`` binary; uses two throw-away databases on the server of ``BENCH_PG`` (default
``postgres://postgres@127.0.0.1:5432``): ``zh_bench_registry`` (migrated afresh, then filled through the services)
and ``zh_bench_pgbench`` (``pgbench -i -s 10``). In the same run it measures:

* pgbench tpcb-like ``-c 8 -j 2`` TPS (the server's anchor);
* 8 processes retiring 1 t each, every process its own organiser, project and event ("8 projects");
* 8 processes retiring 1 t each from one organiser's holding of one project, each its own event ("1 project");
* 8 processes of transfers (a direct order confirmed by the seller), 8 buyers of 8 projects;
* one process retiring before and after 100,000 retired blocks are added to the project's history;

and prints rates, their ratio to pgbench, round trips and statements per retirement and the time from taking
the project lock to commit (the "time inside the lock", which bounds one project's throughput). With seal after
commit (a checkout whose registry services have ledger_seal_all), one more process seals the ledger every second during
each run, as the worker's periodic `ledger_seal` would. Prints figures only.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB, PGBENCH_DB = "zh_bench_registry", "zh_bench_pgbench"
CLIENTS = 8
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
HISTORY_BLOCKS = 100_000
KWH = "900000000"  # ≈ 502,000 t to offset: no event is ever fully offset during the run


def _psql(db: str, sql: str) -> None:
    subprocess.run(["psql", f"{SERVER}/{db}", "-qAtc", sql], check=True, capture_output=True)


def busy_seconds() -> float:
    """CPU seconds the machine spent working so far (user, nice, system, irq, softirq of all cores; idle,
    I/O wait and time stolen by the host excluded), from /proc/stat; 0 where there is none."""
    try:
        with open("/proc/stat") as stat:
            ticks = [int(n) for n in stat.readline().split()[1:8]]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq = ticks
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def process_seconds(pid: int) -> float:
    """CPU seconds (user + system) of a local process, e.g. this client's PostgreSQL backend; 0 if unknown."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pgbench_tps() -> tuple[float, float]:
    """pgbench's TPS and the machine's CPU milliseconds per pgbench transaction."""
    _psql("postgres", f"DROP DATABASE IF EXISTS {PGBENCH_DB}")
    _psql("postgres", f"CREATE DATABASE {PGBENCH_DB}")
    subprocess.run(["pgbench", "-i", "-s", "10", "-q", f"{SERVER}/{PGBENCH_DB}"], check=True, capture_output=True)
    busy = busy_seconds()
    out = subprocess.run(
        ["pgbench", "-c", str(CLIENTS), "-j", "2", "-T", str(int(SECONDS)), f"{SERVER}/{PGBENCH_DB}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    busy = busy_seconds() - busy
    done = int(re.search(r"number of transactions actually processed: ([0-9]+)", out).group(1))
    return float(re.search(r"tps = ([0-9.]+)", out).group(1)), 1000 * busy / max(done, 1)


def django_setup() -> None:
    os.environ["DATABASE_URL"] = f"{SERVER}/{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhonghe.settings")
    import django

    django.setup()


def fresh_database() -> None:
    _psql("postgres", f"DROP DATABASE IF EXISTS {DB}")
    _psql("postgres", f"CREATE DATABASE {DB}")
    django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)


def build() -> dict:
    """8 organisers, each holding 100,000 t of its own project; organiser 0 also holds 100,000 t of a shared
    project; one frozen event per organiser and 8 more of organiser 0, each far from fully offset."""
    from zhonghe.accounts.selectors import actor_for_user
    from zhonghe.accounts.services import organization_create, user_create
    from zhonghe.accounts.uscc import make_uscc
    from zhonghe.footprints.tests.builders import accounted_event
    from zhonghe.registry.services import credits_issue, order_confirm, order_create, project_register

    def actor(name: str, prefix: str, role: str):
        org = organization_create(name=f"单位{name}", kind="other", level="municipal", uscc=make_uscc(prefix))
        return actor_for_user(user_create(username=name, password="pass-1234", organization=org, roles=[role]))

    platform = actor("platform", "91500000MA000000", "admin")
    seller = actor("seller", "93500156MA000000", "seller")
    organisers = [actor(f"org{i}", f"91500000MB00000{i}", "organiser") for i in range(CLIENTS)]
    projects = []
    for i in range(CLIENTS + 1):
        project = project_register(
            actor=platform,
            code=f"CQCER-2025-B{i:03d}",
            name=f"基准项目{i}",
            credit_type="CQCER",
            methodology_code="CQCM-009-V001",
            vintage=2025,
            seller=seller.organization,
        )
        credits_issue(actor=platform, project=project, quantity_t=1_000_000)
        projects.append(project)
    for i, org in enumerate(organisers):  # organiser i holds project i; organiser 0 also the shared project
        for project in [projects[i]] + ([projects[CLIENTS]] if i == 0 else []):
            order = order_create(actor=org, project_code=project.code, quantity_t=100_000)
            order_confirm(actor=seller, order_code=order.code)
    events = {
        "own": [str(accounted_event(org, after_kwh=KWH)[0].code) for org in organisers],
        "shared": [str(accounted_event(organisers[0], after_kwh=KWH, name=f"活动{i}")[0].code) for i in range(CLIENTS)],
    }
    return {
        "organisers": [o.user.id for o in organisers],
        "seller": seller.user.id,
        "projects": [p.code for p in projects],
        "events": events,
    }


def _instrument(lock_times: list[float]) -> None:
    """Record, per transaction, the time from taking the project lock to the end of its commit: the server's
    clock when the lock was held (registry_locked_blocks returns it with the blocks) to the client's after
    COMMIT (one machine, one clock)."""
    from django.db import transaction

    from zhonghe.registry import services

    original = services._locked_active_blocks

    def timed(project, holder, **options):
        found = original(project, holder, **options)
        blocks = found[0]
        if blocks:
            locked_at = blocks[0].locked_at.timestamp()
            transaction.on_commit(lambda: lock_times.append(time.time() - locked_at))
        return found

    services._locked_active_blocks = timed


def _worker(args) -> tuple[int, list[float]]:
    kind, index, plan, deadline = args
    from django.db import connections

    connections.close_all()
    import resource

    from django.db import connection

    from zhonghe.accounts.models import User
    from zhonghe.accounts.selectors import actor_for_user
    from zhonghe.registry.services import credits_retire, order_confirm, order_create

    lock_times: list[float] = []
    _instrument(lock_times)
    done = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    client_started, server_started = usage.ru_utime + usage.ru_stime, process_seconds(backend)

    def cpu() -> tuple[float, float]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime - client_started, process_seconds(backend) - server_started

    if kind == "seal":  # the worker's periodic ledger_seal, every second instead of every 5 s
        from zhonghe.registry.services import ledger_seal_all

        while time.time() < deadline:
            ledger_seal_all()
            time.sleep(1)
        return ledger_seal_all(), [], *cpu()
    if kind == "transfer":
        buyer = actor_for_user(User.objects.get(pk=plan["organisers"][index]))
        seller = actor_for_user(User.objects.get(pk=plan["seller"]))
        while time.time() < deadline:
            order = order_create(actor=buyer, project_code=plan["projects"][index], quantity_t=1)
            order_confirm(actor=seller, order_code=order.code)
            done += 1
        return done, lock_times, *cpu()
    shared = kind == "shared"
    organiser = actor_for_user(User.objects.get(pk=plan["organisers"][0 if shared else index]))
    project = plan["projects"][CLIENTS if shared else index]
    event = plan["events"]["shared" if shared else "own"][index]
    while time.time() < deadline:
        credits_retire(actor=organiser, event_code=event, project_code=project, quantity_t=1, reason="基准")
        done += 1
    return done, lock_times, *cpu()


class Run:
    """One run's rate, times inside the lock, and CPU milliseconds per operation: the machine's, and this
    run's client processes' and their PostgreSQL backends' (the ledger sealer's are in the machine's only)."""

    def __init__(self, rate: float, locks: list[float], machine_ms: float, client_ms: float, server_ms: float):
        self.rate, self.locks = rate, locks
        self.machine_ms, self.client_ms, self.server_ms = machine_ms, client_ms, server_ms

    def cpu(self) -> str:
        return f"CPU {self.machine_ms:.1f} ms (clients {self.client_ms:.1f} + their server {self.server_ms:.1f})"


def run_clients(kind: str, plan: dict, clients: int = CLIENTS) -> Run:
    from django.db import connections

    connections.close_all()
    ctx = mp.get_context("fork")
    start = time.time()
    deadline = start + SECONDS
    from zhonghe.registry import services

    sealer = [("seal", 0, plan, deadline)] if hasattr(services, "ledger_seal_all") else []  # seal after commit
    with ctx.Pool(clients + len(sealer)) as pool:
        busy = busy_seconds()
        results = pool.map(_worker, [(kind, i, plan, deadline) for i in range(clients)] + sealer)
        busy = busy_seconds() - busy
    elapsed = time.time() - start
    ours = results[:clients]
    total = max(sum(r[0] for r in ours), 1)
    return Run(
        sum(r[0] for r in ours) / elapsed,
        [t for r in results for t in r[1]],
        1000 * busy / total,
        1000 * sum(r[2] for r in ours) / total,
        1000 * sum(r[3] for r in ours) / total,
    )


def statements_per_retirement(plan: dict) -> str:
    """Round trips of one retirement, the SQL statements they carry, and the round trips from the project lock
    to the commit (included)."""
    import sqlparse
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhonghe.accounts.models import User
    from zhonghe.accounts.selectors import actor_for_user
    from zhonghe.registry.services import credits_retire

    organiser = actor_for_user(User.objects.get(pk=plan["organisers"][1]))
    with CaptureQueriesContext(connection) as queries:
        credits_retire(
            actor=organiser, event_code=plan["events"]["own"][1], project_code=plan["projects"][1], quantity_t=1,
            reason="基准",
        )  # fmt: skip
    sqls = [q["sql"] for q in queries.captured_queries]
    statements = sum(len(sqlparse.split(sql)) for sql in sqls)
    locks = ("registry_locked_blocks", "zhonghe_locked_read")  # the lock's round trip (migrations 0010, 0009)
    lock = next(i for i, sql in enumerate(sqls) if any(name in sql for name in locks))
    return f"{len(sqls)} round trips ({statements} SQL statements), {len(sqls) - lock} of them inside the project lock"


def add_history(plan: dict) -> None:
    """100,000 retired one-tonne blocks in the shared project's history (outside every held range)."""
    from zhonghe.registry.models import BlockStatus, CreditBlock, CreditProject

    project = CreditProject.objects.get(code=plan["projects"][CLIENTS])
    holder_id = CreditBlock.objects.filter(project=project).first().holder_id
    base = 2_000_000
    CreditBlock.objects.bulk_create(
        [
            CreditBlock(
                project=project,
                serial_first=base + n,
                serial_last=base + n,
                quantity_t=1,
                holder_id=holder_id,
                status=BlockStatus.RETIRED,
            )  # fmt: skip
            for n in range(HISTORY_BLOCKS)
        ],
        batch_size=5000,
    )


def vacuum_blocks() -> None:
    """VACUUM ANALYZE the blocks table: both single-client runs start from settled statistics, not with
    autovacuum working through 100,000 new rows beside them on the same two cores."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE registry_creditblock")


def _ms(values: list[float]) -> str:
    if not values:
        return "—"
    return (
        f"median {statistics.median(values) * 1000:.2f} ms, p90 {sorted(values)[int(len(values) * 0.9)] * 1000:.2f} ms"
    )


def main() -> None:
    fresh_database()
    plan = build()
    tps, pgbench_ms = pgbench_tps()
    print(f"Registry benchmark on PostgreSQL ({SERVER}), {CLIENTS} clients × {SECONDS:.0f} s each run")
    print(f"pgbench tpcb-like -c {CLIENTS} -j 2 scale 10: {tps:,.0f} tps, CPU {pgbench_ms:.2f} ms per transaction")
    print(f"one 1 t retirement (one block): {statements_per_retirement(plan)}")
    rows = [
        ("retire, 8 clients on 8 projects/holders", "own"),
        ("retire, 8 clients on 1 project/holder", "shared"),
        ("transfer, 8 buyers on 8 projects", "transfer"),
    ]
    runs = {}
    for label, kind in rows:
        run = runs[kind] = run_clients(kind, plan)
        print(f"{label:42} {run.rate:8.1f}/s  {100 * run.rate / tps:5.1f} % of pgbench  inside the lock: "
              f"{_ms(run.locks)}; per operation {run.cpu()}")  # fmt: skip
    vacuum_blocks()
    before = run_clients("shared", plan, clients=1)
    add_history(plan)
    vacuum_blocks()
    after = run_clients("shared", plan, clients=1)
    print(f"1 client on 1 project: {before.rate:.1f}/s ({_ms(before.locks)}; {before.cpu()}), after "
          f"+{HISTORY_BLOCKS:,} history blocks {after.rate:.1f}/s ({_ms(after.locks)}); ratio "
          f"{after.rate / before.rate:.2f}")  # fmt: skip
    own = runs["own"].machine_ms
    share = 100 * pgbench_ms / own
    print(f"both CPU-bound on {os.cpu_count()} cores: 8 projects' share of pgbench's rate ≈ pgbench's CPU per "
          f"transaction / a retirement's = {pgbench_ms:.2f} / {own:.1f} ms = {share:.1f} %")  # fmt: skip
    import bench_locked_read  # noqa: PLC0415 - needs the database built above

    print(bench_locked_read.compare(plan["projects"][CLIENTS], "单位org0"))  # one lot
    print(bench_locked_read.compare(plan["projects"][1], "单位org1"))  # a lot per order of the transfer run


if __name__ == "__main__":
    main()
