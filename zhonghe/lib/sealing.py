"""Seal-after-commit chains (the audit log, the registry ledger): the two steps both sealers share.

A sealer locks its head row, reads committed pending rows in id order, computes each row's sequence number,
previous hash and own hash, then writes them with `write_seals` and moves the head; `seal_until_done` repeats a
one-batch sealer until nothing is pending.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.db.models import Model


def write_seals(model: type[Model], sequence_column: str, seals: list[tuple[int, str, str, int]]) -> None:
    """(sequence, prev_hash, entry_hash, id) per row: one UPDATE per row, sent as a batch (psycopg pipelines
    executemany), linear in the batch unlike bulk_update's CASE expressions. Only pending rows match; a row
    sealed twice would fork the chain, so any other count is refused."""
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {quote(sequence_column)} = %s, {quote('prev_hash')} = %s, "
        f"{quote('entry_hash')} = %s WHERE {quote('id')} = %s AND {quote(sequence_column)} IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, seals)
        if cursor.rowcount not in (-1, len(seals)):
            raise RuntimeError(f"{model._meta.label}: {cursor.rowcount} of {len(seals)} entries sealed")


def seal_until_done(seal: Callable[..., int], *, batch: int) -> int:
    """Call `seal(limit=batch)` (one transaction each) until a pass seals less than a batch; return the total."""
    total = 0
    while (count := seal(limit=batch)) > 0:
        total += count
        if count < batch:
            break
    return total
