"""Append-only tables, enforced by the database as well as by the models' save()/delete().

A model's save() guard stops application code; a trigger also stops QuerySet.update(), raw SQL, a console
session or a bad migration. PostgreSQL (production) refuses UPDATE and DELETE; TRUNCATE, which only the
test runner's flush uses, is not a row event. SQLite (demo and local runs) refuses UPDATE only, because the
test runner flushes SQLite with DELETE.

Use from a migration: ``migrations.RunPython(*append_only("registry_ledgerentry"))``.

``append_only_except`` guards a table that allows one kind of update (a certificate's revocation): the row may
change only when ``allow_when`` holds (SQL over OLD/NEW) and every ``frozen`` column keeps its value. Its trigger
has the same name, so ``drop_guard_sql`` removes either kind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION zhonghe_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
"""


def _trigger(table: str) -> str:
    return f"{table}_append_only"


def add_guard_sql(vendor: str, table: str) -> list[str]:
    name = _trigger(table)
    if vendor == "postgresql":
        return [
            PG_FUNCTION,
            f'CREATE TRIGGER "{name}" BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION zhonghe_refuse_change();",
        ]
    if vendor == "sqlite":
        return [
            f'CREATE TRIGGER "{name}" BEFORE UPDATE ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END;"
        ]
    return []


def drop_guard_sql(vendor: str, table: str) -> list[str]:
    name = _trigger(table)
    if vendor == "postgresql":
        return [f'DROP TRIGGER IF EXISTS "{name}" ON "{table}";']
    if vendor == "sqlite":
        return [f'DROP TRIGGER IF EXISTS "{name}";']
    return []


def append_only(*tables: str) -> tuple[Callable[..., None], Callable[..., None]]:
    """(forward, backward) for migrations.RunPython installing/removing the guard on `tables`."""

    def run(builder: Callable[[str, str], list[str]]) -> Callable[..., None]:
        def apply(apps: Any, schema_editor: Any) -> None:
            vendor = schema_editor.connection.vendor
            for table in tables:
                for sql in builder(vendor, table):
                    schema_editor.execute(sql, None)  # None: no placeholders, "%" is literal

        return apply

    return run(add_guard_sql), run(drop_guard_sql)


def _except_sql(vendor: str, table: str, frozen: tuple[str, ...], allow_when: str) -> list[str]:
    name = _trigger(table)
    same = " AND ".join(
        f'NEW."{c}" IS NOT DISTINCT FROM OLD."{c}"' if vendor == "postgresql" else f'NEW."{c}" IS OLD."{c}"'
        for c in frozen
    )
    if vendor == "postgresql":
        function = f"zhonghe_guard_{table}"
        return [
            f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND ({allow_when}) AND {same} THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END $$;""",
            f'CREATE TRIGGER "{name}" BEFORE UPDATE OR DELETE ON "{table}" FOR EACH ROW EXECUTE FUNCTION {function}();',
        ]
    if vendor == "sqlite":
        return [
            f'CREATE TRIGGER "{name}" BEFORE UPDATE ON "{table}" WHEN NOT (({allow_when}) AND {same}) '
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END;"
        ]
    return []


def append_only_except(
    table: str, *, frozen: tuple[str, ...], allow_when: str
) -> tuple[Callable[..., None], Callable[..., None]]:
    """(forward, backward) for migrations.RunPython: `table` is append-only except the allowed update."""

    def forward(apps: Any, schema_editor: Any) -> None:
        for sql in _except_sql(schema_editor.connection.vendor, table, frozen, allow_when):
            schema_editor.execute(sql, None)

    def backward(apps: Any, schema_editor: Any) -> None:
        for sql in drop_guard_sql(schema_editor.connection.vendor, table):
            schema_editor.execute(sql, None)

    return forward, backward
