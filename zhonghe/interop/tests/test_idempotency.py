"""Idempotent creates: a repeated key gives the first result back and writes nothing; a reused key conflicts."""

from __future__ import annotations

import pytest

from zhonghe.events.models import ActivityRecord, Event
from zhonghe.events.services import event_create
from zhonghe.footprints.services import activity_add
from zhonghe.footprints.tests.builders import (
    accounted_event,
    assert_nothing_written,
    buy,
    db_snapshot,
    event_fields,
    make_event,
    project_with_credits,
)
from zhonghe.interop.models import IdempotencyRecord
from zhonghe.lib.errors import Conflict, ValidationFailed
from zhonghe.registry.models import CreditBlock, Retirement
from zhonghe.registry.services import credits_retire

pytestmark = pytest.mark.django_db


def _electricity(actors, event, key, kwh="1000"):
    return activity_add(
        actor=actors.organiser,
        code=event.code,
        stage="before",
        category="electricity",
        factor_key="electricity.grid",
        quantity=kwh,
        idempotency_key=key,
    )


def test_a_repeated_event_create_returns_the_first_event(actors):
    first = event_create(actor=actors.organiser, idempotency_key="form-1", **event_fields())
    before = db_snapshot()
    again = event_create(actor=actors.organiser, idempotency_key=" form-1 ", **event_fields())
    assert again.pk == first.pk
    assert_nothing_written(before)
    # Keys belong to one organisation; without a key every call creates.
    other = event_create(actor=actors.outsider, idempotency_key="form-1", **event_fields())
    assert other.pk != first.pk
    event_create(actor=actors.organiser, **event_fields())
    event_create(actor=actors.organiser, **event_fields())
    assert Event.objects.count() == 4
    assert IdempotencyRecord.objects.count() == 2


def test_a_key_reused_for_something_else_conflicts_and_writes_nothing(actors):
    event_create(actor=actors.organiser, idempotency_key="form-2", **event_fields())
    before = db_snapshot()
    with pytest.raises(Conflict) as info:
        event_create(actor=actors.organiser, idempotency_key="form-2", **event_fields(name="另一个活动"))
    assert info.value.code == "idempotency_key_reused"
    assert_nothing_written(before)
    event = make_event(actors.organiser)
    before = db_snapshot()
    with pytest.raises(Conflict):  # the same key for another operation
        _electricity(actors, event, "form-2")
    assert_nothing_written(before)


def test_an_over_long_key_is_refused(actors):
    before = db_snapshot()
    with pytest.raises(ValidationFailed) as info:
        event_create(actor=actors.organiser, idempotency_key="k" * 81, **event_fields())
    assert info.value.fields == {"idempotency_key": "too_long"}
    assert_nothing_written(before)


def test_a_double_submitted_activity_counts_once(actors):
    event = make_event(actors.organiser)
    first = _electricity(actors, event, "qty-1")
    assert _electricity(actors, event, "qty-1").pk == first.pk
    assert ActivityRecord.objects.filter(event=event).count() == 1
    with pytest.raises(Conflict):  # same key, another quantity
        _electricity(actors, event, "qty-1", kwh="2000")


def test_a_replay_of_a_deleted_activity_says_it_was_carried_out(actors):
    from zhonghe.footprints.services import activity_delete

    event = make_event(actors.organiser)
    record = _electricity(actors, event, "qty-2")
    activity_delete(actor=actors.organiser, code=event.code, activity_code=record.code)
    before = db_snapshot()
    with pytest.raises(Conflict) as info:
        _electricity(actors, event, "qty-2")
    assert info.value.code == "already_carried_out"
    assert_nothing_written(before)


def test_a_double_submitted_retirement_retires_once(actors):
    project = project_with_credits(actors, 100)
    buy(actors, project, 20)
    event, _inventory = accounted_event(actors.organiser)
    args = dict(actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=13, reason="抵消")
    first = credits_retire(**args, idempotency_key="retire-1")
    event.refresh_from_db()
    assert event.status == "offset"
    before = db_snapshot()
    again = credits_retire(**args, idempotency_key="retire-1")  # the event is OFFSET by now: still the replay
    assert [r.pk for r in again] == [r.pk for r in first]
    assert_nothing_written(before)
    assert Retirement.objects.count() == 1
    assert CreditBlock.objects.filter(holder=actors.orgs.organiser, status="active").get().quantity_t == 7
