"""Lean row access for the registry's hot path (a retirement or a transfer inside a project's lock).

Django's ORM compiles every query afresh: about 0.3 ms of Python per statement, which inside a project's
lock bounds that project's throughput (bench/bench_registry.py). These helpers run fixed SQL whose text is
built once per model and do what the ORM call they replace does, on PostgreSQL and SQLite:

* `insert_rows(objs)` = `obj.save()` for new rows of one model, in one INSERT: field defaults (set when the
  instance was made), `pre_save` of each field (auto_now_add), each field's database preparation, the
  pre_save / post_save signals (the control-character guard of lib/text.py listens there) and the primary
  keys back through RETURNING. Rows that bring their own primary key keep it.
* `locked_rows(model, where, params)` = `model.objects.select_for_update().filter(...)` with a SQL WHERE:
  instances through `Model.objects.raw` (the backend's converters apply), FOR UPDATE where the database
  has it (SQLite serialises writers instead).
* `save_fields(obj, names)` = `obj.save(update_fields=names)`.
* `insert_groups` runs several insert_rows in one round trip on PostgreSQL (one multi-statement query, in
  order, inside the caller's transaction); `write_batch` can put first the UPDATE of
  `model.objects.filter(pk__in=ids).update(status=status)`: a retirement writes everything it changes inside
  the project lock in one round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import connection, models
from django.db.models.signals import post_save, pre_save


@cache
def _insert_sql(model: type[models.Model], vendor: str, with_pk: bool, rows: int) -> tuple[str, tuple]:
    meta = model._meta
    fields = tuple(f for f in meta.concrete_fields if with_pk or f is not meta.pk)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * rows)
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {values} RETURNING {quote(meta.pk.column)}"
    return sql, fields


def prepare_rows(objs: Sequence[models.Model]) -> None:
    """What save() does to new rows before it writes them: the pre_save signal (the text guard), each field's
    pre_save (auto_now_add sets the time) and database preparation. Runs once per instance; insert_* call it."""
    if not objs:
        return
    model = type(objs[0])
    with_pk = objs[0].pk is not None
    if any(type(o) is not model or (o.pk is not None) != with_pk or not o._state.adding for o in objs):
        raise ValueError("rows to insert must be new instances of one model, all with or all without a primary key")
    _, fields = _insert_sql(model, connection.vendor, with_pk, 1)
    for obj in objs:
        if getattr(obj, "_rows_params", None) is None:
            pre_save.send(sender=model, instance=obj, raw=False, using=connection.alias, update_fields=None)
            obj._rows_params = [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]


def insert_rows(objs: Sequence[models.Model]) -> None:
    """INSERT new instances of one model in one statement, as save() would; sets their primary keys."""
    insert_groups([objs])


def insert_groups(groups: Sequence[Sequence[models.Model]]) -> None:
    """insert_rows for several models' rows, in the order given, in one round trip where the database allows."""
    write_batch(groups=groups)


def write_batch(
    *, status: tuple[type[models.Model], Sequence[int], str] | None = None, groups: Sequence[Sequence] = ()
) -> None:
    """status = (model, ids, status): set `status` on those rows first (one UPDATE, no signals, as
    QuerySet.update), then insert_rows of each group in order: one round trip on PostgreSQL. Rows may bring
    their primary keys (a group is all with or all without)."""
    groups = [g for g in groups if g]
    for objs in groups:
        prepare_rows(objs)
    statements = [_status_statement(*status)] if status is not None and status[1] else []
    results = _run([*statements, *(_insert_statement(objs) for objs in groups)])
    for objs, rows in zip(groups, results[len(statements) :], strict=True):
        _inserted(objs, rows)


def _insert_statement(objs: Sequence[models.Model]) -> tuple[str, list]:
    sql, _ = _insert_sql(type(objs[0]), connection.vendor, objs[0].pk is not None, len(objs))
    return sql, [p for obj in objs for p in obj._rows_params]


def _inserted(objs: Sequence[models.Model], rows: list) -> None:
    for obj, row in zip(objs, rows, strict=True):
        obj.pk = row[0]
        obj._state.adding, obj._state.db = False, connection.alias
        del obj._rows_params
    for obj in objs:
        post_save.send(
            sender=type(obj), instance=obj, created=True, update_fields=None, raw=False, using=connection.alias
        )


def _run(statements: list[tuple[str, list]]) -> list[list]:
    """Each statement's rows (RETURNING), statements run in order in the caller's transaction. PostgreSQL takes
    them as one multi-statement query (one round trip: the driver binds the parameters on the client side);
    SQLite's driver runs one statement per call."""
    results = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) > 1:
            cursor.execute("; ".join(sql for sql, _ in statements), [p for _, params in statements for p in params])
            for index in range(len(statements)):
                if index:
                    cursor.nextset()
                results.append(cursor.fetchall() if cursor.description else [])
            return results
        for sql, params in statements:
            cursor.execute(sql, params)
            results.append(cursor.fetchall() if cursor.description else [])
    return results


def locked_rows(
    model: type[models.Model],
    where: str,
    params: Sequence[Any],
    order_by: str = "",
    extra: Sequence[tuple[str, str, Sequence[Any]]] = (),
) -> list:
    """Instances of `model` matching the SQL `where` (columns of its own table), locked FOR UPDATE where the
    database has row locks (SQLite serialises writers instead).

    extra: (name, SQL expression, params) of integer values read in the same statement, set on each instance
    as `name` (e.g. a sum over another table; only the model's own rows are locked).
    """
    quote = connection.ops.quote_name
    columns = [quote(f.column) for f in model._meta.concrete_fields]
    columns += [f"CAST(({sql}) AS bigint) AS {quote(name)}" for name, sql, _ in extra]
    sql = f"SELECT {', '.join(columns)} FROM {quote(model._meta.db_table)} WHERE {where}"
    if order_by:
        sql += f" ORDER BY {order_by}"
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    all_params = [p for _, _, extra_params in extra for p in extra_params] + list(params)
    return list(model.objects.raw(sql, all_params))


def save_fields(obj: models.Model, names: Sequence[str]) -> None:
    """obj.save(update_fields=names) in fixed SQL: the signals, each field's pre_save and preparation."""
    model, using = type(obj), connection.alias
    pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=frozenset(names))
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    values = [f.get_db_prep_save(f.pre_save(obj, add=False), connection) for f in fields]
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    _run([(f"UPDATE {table} SET {sets} WHERE {pk} = %s", [*values, obj.pk])])
    post_save.send(sender=model, instance=obj, created=False, update_fields=frozenset(names), raw=False, using=using)


def _status_statement(model: type[models.Model], ids: Sequence[int], status: str) -> tuple[str, list]:
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    marks = ", ".join(["%s"] * len(ids))
    return f"UPDATE {table} SET {quote('status')} = %s WHERE {pk} IN ({marks})", [status, *ids]
