"""Flow, step 2 — plan (事前): plan text, ex-ante activities, estimate, publication; then the stage closes."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from zhonghe.events.models import Plan, Status
from zhonghe.events.services import plan_publish, plan_save
from zhonghe.footprints.services import activity_add, activity_delete, plan_estimate
from zhonghe.footprints.tests.builders import BEFORE_EVENT, submitted_event
from zhonghe.lib.errors import Conflict

pytestmark = pytest.mark.django_db


def test_plan_from_text_to_published_estimate(actors, settings):
    settings.DEFAULT_FACTOR_RELEASE = "CQ-2025"  # the figures below are hand-computed with CQ-2025 (method/1)
    organiser = actors.organiser
    event = submitted_event(organiser)
    plan_save(actor=organiser, code=event.code, boundary="会场能源、交通、住宿、餐饮", offset_plan="CQCER优先")

    def add(**fields):
        return activity_add(actor=organiser, code=event.code, stage="before", **fields)

    add(category="electricity", factor_key="electricity.grid", quantity="20000")  # 11,162.000 kg
    add(category="lodging", factor_key="lodging.hotel_room_night", quantity="300")  # 19,956.000 kg
    add(category="meals", factor_key="meals.standard", quantity="900")  # 1,800.000 kg
    flights = add(
        category="travel",
        travel_mode="flight_domestic",
        person_trips=80,
        place_kind="airport",
        origin="PEK",
        destination="CKG",
        round_trip=True,
    )
    typo = add(category="electricity", factor_key="electricity.grid", quantity="200000")
    activity_delete(actor=organiser, code=event.code, activity_code=typo.code)  # a typo, removed before estimating

    plan = plan_estimate(actor=organiser, code=event.code)
    by_ref = {line["ref"]: line for line in plan.estimate_lines}
    assert set(by_ref) == {str(r.code) for r in event.activities.filter(stage="before")}
    flight = by_ref[str(flights.code)]
    assert flight["description"] == "Beijing Capital International Airport → Chongqing Jiangbei International Airport"
    assert "great-circle" in flight["distance_method"] and "round trip" in flight["distance_method"]
    fixed = Decimal("11162.000") + Decimal("19956.000") + Decimal("1800.000")
    assert plan.estimate_kg_co2e == fixed + Decimal(flight["kg_co2e"])
    assert sum(Decimal(line["kg_co2e"]) for line in plan.estimate_lines) == plan.estimate_kg_co2e

    with time_machine.travel(BEFORE_EVENT, tick=False):
        event = plan_publish(actor=organiser, code=event.code)
    assert event.status == Status.PLANNED
    assert Plan.objects.get(event=event).published_at == BEFORE_EVENT

    # Published: the plan and the ex-ante data are frozen; the ex-post stage is open.
    for call in (
        lambda: plan_save(actor=organiser, code=event.code, boundary="改写"),
        lambda: plan_estimate(actor=organiser, code=event.code),
        lambda: add(category="meals", factor_key="meals.standard", quantity="1"),
        lambda: activity_delete(actor=organiser, code=event.code, activity_code=flights.code),
        lambda: plan_publish(actor=organiser, code=event.code),
    ):
        with pytest.raises(Conflict):
            call()
    after = activity_add(
        actor=organiser, code=event.code, stage="after", category="meals", factor_key="meals.standard", quantity="850"
    )
    assert after.stage == "after"
    assert Plan.objects.get(event=event).estimate_kg_co2e == plan.estimate_kg_co2e
