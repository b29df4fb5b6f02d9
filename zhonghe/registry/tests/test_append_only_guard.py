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
from zhonghe.registry.services import credits_retire

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
