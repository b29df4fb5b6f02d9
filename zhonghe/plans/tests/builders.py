"""Plan test set-up: a submitted event with an estimate of several sources, and a refusal check that
includes the plans tables in its snapshot of the database."""

from __future__ import annotations

import pytest
from django.apps import apps

from zhonghe.events.models import Event
from zhonghe.events.services import plan_save
from zhonghe.footprints.services import activity_add, plan_estimate
from zhonghe.footprints.tests.builders import APP_LABELS, submitted_event

LABELS = (*APP_LABELS, "plans")

ESTIMATE = [
    dict(category="electricity", factor_key="electricity.grid", quantity="20000", phase="holding"),
    dict(category="meals", factor_key="meals.standard", quantity="900"),
    dict(category="materials", factor_key="materials.paper", quantity="0.2", unit="t", phase="preparation"),
    dict(category="lodging", factor_key="lodging.hotel_room_night", quantity="300"),
    dict(category="travel", travel_mode="flight_domestic", person_trips=30, place_kind="airport", origin="CTU",
         destination="CKG", round_trip=True),
    dict(category="travel", travel_mode="flight_domestic", person_trips=80, place_kind="airport", origin="PEK",
         destination="CKG", round_trip=True),
    dict(category="travel", travel_mode="taxi", person_trips=200, distance_km="15", round_trip=True),
]  # fmt: skip


def estimated_event(actor, activities=ESTIMATE, **overrides) -> Event:
    """A SUBMITTED event with the plan's text, BEFORE activities and the computed estimate."""
    event = submitted_event(actor, **overrides)
    plan_save(actor=actor, code=event.code, boundary="会场能源、交通、住宿、餐饮、物料", offset_plan="CQCER优先")
    for fields in activities:
        activity_add(actor=actor, code=event.code, stage="before", **fields)
    plan_estimate(actor=actor, code=event.code)
    event.refresh_from_db()
    return event


def snapshot() -> dict[str, list[dict]]:
    rows = {}
    for label in LABELS:
        for model in apps.get_app_config(label).get_models():
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


def refused(exc_type, error_code: str, call, /, *args, **kwargs):
    """Run a call that must be refused with `error_code`; assert that nothing at all was written."""
    before = snapshot()
    with pytest.raises(exc_type) as info:
        call(*args, **kwargs)
    assert info.value.code == error_code, info.value.message
    after = snapshot()
    assert {t for t in before if before[t] != after[t]} == set(), "a refused call wrote to the database"
    return info.value
