"""The database itself refuses to change append-only rows (triggers from zhonghe/lib/append_only.py).

PostgreSQL refuses UPDATE and DELETE; SQLite refuses UPDATE (its test flush deletes rows).
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from zhonghe.events.models import EventTransition
from zhonghe.footprints.models import InventoryVersion
from zhonghe.footprints.tests.builders import accounted_event, buy, db_snapshot, project_with_credits
from zhonghe.registry.models import LedgerEntry, Retirement
from zhonghe.registry.services import credits_retire, ledger_seal_all

pytestmark = pytest.mark.django_db

CHANGES = {
    LedgerEntry: {"quantity_t": 999},
    Retirement: {"reason": "rewritten"},
    EventTransition: {"note": "rewritten"},
    InventoryVersion: {"required_offset_t": 0},
}


@pytest.fixture
def history(actors):
    project = project_with_credits(actors, 100)
    buy(actors, project, 20)
    event, _inventory = accounted_event(actors.organiser)
    credits_retire(actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=13, reason="r")
    assert all(model.objects.exists() for model in CHANGES)


@pytest.mark.parametrize("model", list(CHANGES), ids=lambda m: m.__name__)
def test_update_is_refused_by_the_database(history, model):
    before = db_snapshot()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        model.objects.all().update(**CHANGES[model])
    assert db_snapshot() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite guards UPDATE only")
@pytest.mark.parametrize("model", list(CHANGES), ids=lambda m: m.__name__)
def test_delete_is_refused_by_postgresql(history, model):
    before = db_snapshot()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{model._meta.db_table}"')
    assert db_snapshot() == before


def test_the_database_allows_only_the_one_time_seal_of_a_pending_ledger_entry(history):
    """ledger_seal fills seq, prev_hash, entry_hash once; re-sealing, editing a sealed or pending entry's content
    alongside its seal, or un-sealing are refused by the trigger itself."""
    pending = LedgerEntry.objects.order_by("id").first()
    assert pending.seq is None
    before = db_snapshot()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():  # content with the seal
        LedgerEntry.objects.filter(pk=pending.pk).update(seq=1, prev_hash="0" * 64, entry_hash="a" * 64, quantity_t=5)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():  # a partial seal
        LedgerEntry.objects.filter(pk=pending.pk).update(entry_hash="a" * 64)
    assert db_snapshot() == before
    assert ledger_seal_all() == LedgerEntry.objects.count()
    sealed = db_snapshot()
    for change in ({"seq": 99}, {"entry_hash": "b" * 64}, {"seq": None, "prev_hash": None, "entry_hash": None}):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            LedgerEntry.objects.filter(pk=pending.pk).update(**change)
    assert db_snapshot() == sealed
