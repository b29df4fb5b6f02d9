"""registry_locked_blocks(project, holder, today, spares) on PostgreSQL: a registry move's first round trip
inside its project's lock, in static SQL.

It locks the project row, then (a new statement, so a new snapshot: it sees the children a writer it waited
for committed) reads the holder's active blocks in serial order, locked, with the tonnes the holder promised
to its listings of the project (the rule of listings.earmarked_sql; registry/tests/test_locked_blocks.py
checks the two agree), `spares` fresh ids of the block sequence (drawn inside the lock: a child's id stays above
its parent's) and the server's clock when the lock was held. Replaces 0009's zhonghe_locked_read(lock_sql,
read_sql), whose dynamic SQL PostgreSQL planned afresh on every call (about 0.35 ms of a 0.55 ms round trip
inside the lock); PL/pgSQL keeps the plans of static statements for the session. SQLite (one writer at a
time, no row locks) reads the blocks with plain SQL instead.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION registry_locked_blocks(p_project bigint, p_holder bigint, p_today date, p_spares integer)
RETURNS TABLE (
    id bigint, code uuid, project_id bigint, serial_first bigint, serial_last bigint, quantity_t bigint,
    holder_id bigint, status varchar(20), parent_id bigint, created_at timestamp with time zone,
    promised_t bigint, spare_ids bigint[], locked_at timestamp with time zone
)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM 1 FROM registry_creditproject AS p WHERE p.id = p_project FOR UPDATE;
    RETURN QUERY
    SELECT b.id, b.code, b.project_id, b.serial_first, b.serial_last, b.quantity_t,
           b.holder_id, b.status, b.parent_id, b.created_at,
           CAST((SELECT COALESCE(SUM(CASE WHEN l.status = 'open' AND l.valid_until >= p_today
                                          THEN l.quantity_t - l.sold_t ELSE l.reserved_t END), 0)
                 FROM registry_listing AS l
                 WHERE l.project_id = p_project AND l.seller_id = p_holder) AS bigint),
           (SELECT array_agg(nextval(pg_get_serial_sequence('registry_creditblock', 'id')))
            FROM generate_series(1, p_spares)),
           clock_timestamp()
    FROM registry_creditblock AS b
    WHERE b.project_id = p_project AND b.holder_id = p_holder AND b.status = 'active'
    ORDER BY b.serial_first
    FOR UPDATE OF b;
END
$$
"""
DROP = "DROP FUNCTION IF EXISTS registry_locked_blocks(bigint, bigint, date, integer)"

OLD_CREATE = """
CREATE OR REPLACE FUNCTION zhonghe_locked_read(lock_sql text, read_sql text) RETURNS SETOF record
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    EXECUTE lock_sql;
    RETURN QUERY EXECUTE read_sql;
END
$$
"""
OLD_DROP = "DROP FUNCTION IF EXISTS zhonghe_locked_read(text, text)"


def _forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD_DROP)
        schema_editor.execute(CREATE)


def _backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)
        schema_editor.execute(OLD_CREATE)


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_locked_read_function")]

    operations = [migrations.RunPython(_forward, _backward)]
