"""zhonghe_locked_read(lock_sql, read_sql) on PostgreSQL: run a locking statement, then a read, in one call.

A READ COMMITTED statement reads from the snapshot taken when it started, so a read that waits for a row lock
inside the same statement would miss the rows the lock holder inserted (the children of a split). Inside a
VOLATILE PL/pgSQL function every statement takes a new snapshot: the read runs after the lock is held and sees
everything the previous holder committed. lib/rows.locked_rows(after=...) calls it so that a registry move
takes its project lock and reads its blocks in one round trip, one fewer inside the lock. SQLite (which
serialises writers and has no row locks) needs nothing.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION zhonghe_locked_read(lock_sql text, read_sql text) RETURNS SETOF record
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    EXECUTE lock_sql;
    RETURN QUERY EXECUTE read_sql;
END
$$
"""
DROP = "DROP FUNCTION IF EXISTS zhonghe_locked_read(text, text)"


def _create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("registry", "0008_ledger_seal")]

    operations = [migrations.RunPython(_create, _drop)]
