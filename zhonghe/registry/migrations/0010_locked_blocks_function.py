"""registry_locked_blocks(project, holder, today, spares, need) on PostgreSQL: a registry move's first round
trip inside its project's lock, in static SQL.

It locks the project row, then (new statements, so new snapshots: they see the children a writer it waited for
committed) reads the tonnes the holder promised to its listings of the project (the rule of
listings.earmarked_sql; registry/tests/test_locked_blocks.py checks the two agree), draws `spares` fresh ids of
the block sequence (inside the lock: a child's id stays above its parent's) and returns the holder's active
blocks in serial order, each locked as it is read, with those figures and the server's clock when the lock was
held. With `need` it stops at the first blocks that hold `need` + the promised tonnes (all of them if they hold
less): a move from the front reads and locks what it can take, not every lot the holder ever bought; NULL
reads them all (a move of exact serials, which checks the whole holding). Replaces 0009's zhonghe_locked_read(lock_sql,
read_sql), whose dynamic SQL PostgreSQL planned afresh on every call (about 0.35 ms of a 0.55 ms round trip
inside the lock); PL/pgSQL keeps the plans of static statements for the session. SQLite (one writer at a
time, no row locks) reads the blocks with plain SQL instead.
"""

import importlib

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION registry_locked_blocks(
    p_project bigint, p_holder bigint, p_today date, p_spares integer, p_need bigint
)
RETURNS TABLE (
    id bigint, code uuid, project_id bigint, serial_first bigint, serial_last bigint, quantity_t bigint,
    holder_id bigint, status varchar(20), parent_id bigint, created_at timestamp with time zone,
    promised_t bigint, spare_ids bigint[], locked_at timestamp with time zone
)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_at timestamp with time zone;
    v_promised bigint;
    v_spares bigint[];
    v_held bigint := 0;
    r record;
    blocks refcursor;
BEGIN
    PERFORM 1 FROM registry_creditproject AS p WHERE p.id = p_project FOR UPDATE;
    v_at := clock_timestamp();
    SELECT COALESCE(SUM(CASE WHEN l.status = 'open' AND l.valid_until >= p_today
                             THEN l.quantity_t - l.sold_t ELSE l.reserved_t END), 0)
      INTO v_promised
      FROM registry_listing AS l
     WHERE l.project_id = p_project AND l.seller_id = p_holder;
    SELECT array_agg(nextval(pg_get_serial_sequence('registry_creditblock', 'id')))
      INTO v_spares
      FROM generate_series(1, p_spares);
    -- An explicit cursor fetched one row at a time (a FOR loop would fetch, and lock, ten at a time).
    OPEN blocks FOR
        SELECT b.id, b.code, b.project_id, b.serial_first, b.serial_last, b.quantity_t,
               b.holder_id, b.status, b.parent_id, b.created_at
          FROM registry_creditblock AS b
         WHERE b.project_id = p_project AND b.holder_id = p_holder AND b.status = 'active'
         ORDER BY b.serial_first
           FOR UPDATE OF b;
    LOOP
        FETCH blocks INTO r;
        EXIT WHEN NOT FOUND;
        id := r.id; code := r.code; project_id := r.project_id; serial_first := r.serial_first;
        serial_last := r.serial_last; quantity_t := r.quantity_t; holder_id := r.holder_id;
        status := r.status; parent_id := r.parent_id; created_at := r.created_at;
        promised_t := v_promised; spare_ids := v_spares; locked_at := v_at;
        RETURN NEXT;
        v_held := v_held + r.quantity_t;
        EXIT WHEN p_need IS NOT NULL AND v_held >= p_need + v_promised;
    END LOOP;
    CLOSE blocks;
END
$$
"""
DROP = "DROP FUNCTION IF EXISTS registry_locked_blocks(bigint, bigint, date, integer, bigint)"

# The function this one replaces, for going back (0009's own text).
_0009 = importlib.import_module("zhonghe.registry.migrations.0009_locked_read_function")


def _forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_0009.DROP)
        schema_editor.execute(CREATE)


def _backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)
        schema_editor.execute(_0009.CREATE)


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_locked_read_function")]

    operations = [migrations.RunPython(_forward, _backward)]
