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
* `mark_status(model, ids, status)` = `model.objects.filter(pk__in=ids).update(status=status)`.
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


def insert_rows(objs: Sequence[models.Model]) -> None:
    """INSERT new instances of one model in one statement, as save() would; sets their primary keys."""
    if not objs:
        return
    model = type(objs[0])
    with_pk = objs[0].pk is not None
    if any(type(o) is not model or (o.pk is not None) != with_pk or not o._state.adding for o in objs):
        raise ValueError("insert_rows takes new instances of one model, all with or all without a primary key")
    using = connection.alias
    for obj in objs:
        pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
    sql, fields = _insert_sql(model, connection.vendor, with_pk, len(objs))
    params: list[Any] = []
    for obj in objs:
        params.extend(f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        pks = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objs, pks, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, using
    for obj in objs:
        post_save.send(sender=model, instance=obj, created=True, update_fields=None, raw=False, using=using)


def locked_rows(model: type[models.Model], where: str, params: Sequence[Any], order_by: str = "") -> list:
    """Instances of `model` matching the SQL `where` (columns of its own table), locked FOR UPDATE."""
    quote = connection.ops.quote_name
    sql = f"SELECT * FROM {quote(model._meta.db_table)} WHERE {where}"
    if order_by:
        sql += f" ORDER BY {order_by}"
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    return list(model.objects.raw(sql, params))


def mark_status(model: type[models.Model], ids: Sequence[int], status: str) -> None:
    """Set `status` on the rows `ids` in one UPDATE (no signals, as QuerySet.update)."""
    if not ids:
        return
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(ids))
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    sql = f"UPDATE {table} SET {quote('status')} = %s WHERE {pk} IN ({marks})"
    with connection.cursor() as cursor:
        cursor.execute(sql, [status, *ids])
