"""A registry move's first round trip inside the project lock, against its baseline, interleaved in one process.

registry_locked_blocks() (registry migration 0010: static PL/pgSQL, planned once per session, reading only the
front lots a move needs) against the same lock and read sent as dynamic SQL through 0009's
zhonghe_locked_read(lock_sql, read_sql), which PostgreSQL planned on every call and which read every active lot
of the holder: once for a holder of one lot, once for a holder of the many lots its 1 t orders left. Each call
runs in its own transaction, rolled back; rounds alternate between the two so that a busy neighbour on a shared
machine slows both alike. Run by bench_registry.py on its database
(zh_bench_registry, after its runs), or alone once that database exists:
``.venv/bin/python bench/bench_locked_read.py``.
"""

from __future__ import annotations

import importlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

ROUNDS, CALLS = 6, 300


def _dynamic_read(project, holder):
    """The lock and the blocks read as 0009 sent them: both statements bound as literals, run by EXECUTE."""
    from django.db import connection
    from django.utils import timezone
    from psycopg import ClientCursor

    from zhonghe.registry import listings
    from zhonghe.registry.models import BlockStatus, CreditBlock

    quote = connection.ops.quote_name
    promised_sql, promised_params = listings.earmarked_sql(project, holder, today=timezone.localdate())
    sequence = "pg_get_serial_sequence('registry_creditblock', 'id')"
    extra = [("promised_t", promised_sql, promised_params)]
    extra += [(f"spare_id_{n}", f"SELECT nextval({sequence})", []) for n in range(2)]
    fields = CreditBlock._meta.concrete_fields
    columns = [quote(f.column) for f in fields] + [f"CAST(({sql}) AS bigint) AS {quote(n)}" for n, sql, _ in extra]
    read = (
        f"SELECT {', '.join(columns)} FROM registry_creditblock WHERE project_id = %s AND holder_id = %s"
        " AND status = %s ORDER BY serial_first FOR UPDATE"
    )
    params = [p for _, _, more in extra for p in more] + [project.pk, holder.pk, BlockStatus.ACTIVE]
    types = [f"{quote(f.column)} {f.db_type(connection)}" for f in fields] + [f"{quote(n)} bigint" for n, _, _ in extra]
    with ClientCursor(connection.connection) as cursor:
        lock_sql = cursor.mogrify("SELECT 1 FROM registry_creditproject WHERE id = %s FOR UPDATE", [project.pk])
        read_sql = cursor.mogrify(read, params)
    call = f"SELECT * FROM zhonghe_locked_read(%s, %s) AS locked({', '.join(types)})"
    return list(CreditBlock.objects.raw(call, [lock_sql, read_sql]))


def compare(project_code: str, holder_name: str) -> str:
    """Both ways of reading for a retirement of 1 t from the front of the holder's holding."""
    from django.db import connection, transaction

    from zhonghe.accounts.models import Organization
    from zhonghe.registry.models import CreditProject
    from zhonghe.registry.services import SPARE_BLOCK_IDS, _locked_active_blocks

    baseline = importlib.import_module("zhonghe.registry.migrations.0009_locked_read_function")
    with connection.cursor() as cursor:  # the baseline's function, beside the current one (bench database only)
        cursor.execute(baseline.CREATE)
    project = CreditProject.objects.get(code=project_code)
    holder = Organization.objects.get(name=holder_name)

    def current() -> list:
        return _locked_active_blocks(project, holder, spare_ids=SPARE_BLOCK_IDS, need_t=1)[0]

    ways = {"registry_locked_blocks": current, "0009": lambda: _dynamic_read(project, holder)}
    times: dict[str, list[float]] = {name: [] for name in ways}
    blocks: dict[str, set[int]] = {name: set() for name in ways}
    for _ in range(ROUNDS):
        for name, read in ways.items():
            for _ in range(CALLS):
                with transaction.atomic():
                    started = time.perf_counter()
                    blocks[name].add(len(read()))
                    times[name].append(time.perf_counter() - started)
                    transaction.set_rollback(True)  # spare ids drawn, nothing else kept
    (current, base) = (statistics.median(values) * 1000 for values in times.values())
    (read_now, read_before) = (max(counts) for counts in blocks.values())
    return (
        f"lock + blocks round trip, 1 t from the front of {holder_name}'s {read_before:,} lot(s) of {project_code} "
        f"({ROUNDS} × {CALLS} each, interleaved): registry_locked_blocks {current:.3f} ms ({read_now:,} read), "
        f"dynamic SQL as in 0009 {base:.3f} ms ({read_before:,} read); ratio {current / base:.2f}"
    )


def main() -> None:
    import bench_registry

    bench_registry.django_setup()
    print(compare(f"CQCER-2025-B{bench_registry.CLIENTS:03d}", "单位org0"))  # build()'s shared project: one lot
    print(compare("CQCER-2025-B001", "单位org1"))  # after the transfer run: a lot per 1 t order


if __name__ == "__main__":
    main()
