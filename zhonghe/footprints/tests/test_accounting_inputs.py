"""activity_add with the issue-6 inputs: phase, data quality, cabin, vehicle fuel, occupancy, green power."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import translation

from zhonghe.engine.activities import Cabin, Phase, Quality, VehicleFuel
from zhonghe.events.models import ActivityRecord
from zhonghe.footprints.services import activity_add
from zhonghe.footprints.tests.builders import electricity_fields, make_event, refused
from zhonghe.footprints.translate import to_engine
from zhonghe.lib.errors import ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(actors):
    return make_event(actors.organiser)


def _electricity(actors, event, **overrides):
    return electricity_fields(event, **{"actor": actors.organiser, "quantity": "1000", **overrides})


def _travel(actors, event, mode="flight_domestic", **overrides):
    fields = dict(
        actor=actors.organiser,
        code=event.code,
        stage="before",
        category="travel",
        travel_mode=mode,
        person_trips=10,
        distance_km="1200",
    )
    fields.update(overrides)
    return fields


def test_defaults_are_holding_estimated_and_round_trip(actors, draft):
    record = activity_add(**_travel(actors, draft))
    record.refresh_from_db()
    assert (record.phase, record.quality, record.round_trip) == ("holding", "estimated", True)
    assert (record.cabin, record.fuel, record.occupancy, record.green_certificates) == ("", "", None, [])


def test_travel_inputs_are_stored_and_reach_the_engine(actors, draft):
    flight = activity_add(**_travel(actors, draft, cabin="business", phase="preparation", quality="invoiced"))
    car = activity_add(**_travel(actors, draft, mode="taxi", fuel="electric", occupancy="3", round_trip=False))
    coach = activity_add(**_travel(actors, draft, mode="coach", occupancy="40"))
    flight.refresh_from_db(), car.refresh_from_db(), coach.refresh_from_db()
    engine_flight, engine_car, engine_coach = to_engine(flight), to_engine(car), to_engine(coach)
    assert (engine_flight.cabin, engine_flight.phase, engine_flight.quality) == (
        Cabin.BUSINESS,
        Phase.PREPARATION,
        Quality.INVOICED,
    )
    assert (engine_car.fuel, engine_car.occupancy, engine_car.round_trip) == (VehicleFuel.ELECTRIC, Decimal("3"), False)
    assert engine_coach.occupancy == Decimal("40")


def test_green_power_inputs_are_stored_and_reach_the_engine(actors, draft):
    record = activity_add(
        **_electricity(actors, draft, green_kwh="400", green_certificates=["GEC-2025-0001", "GEC-2025-0002"])
    )
    record.refresh_from_db()
    activity = to_engine(record)
    assert (activity.green_kwh, activity.green_share) == (Decimal("400"), None)
    assert activity.green_certificates == ("GEC-2025-0001", "GEC-2025-0002")
    shared = activity_add(**_electricity(actors, draft, green_share="0.25", quality="metered"))
    shared.refresh_from_db()
    assert (to_engine(shared).green_share, to_engine(shared).quality) == (Decimal("0.25"), Quality.METERED)


def test_certificate_ids_from_a_text_area(actors, draft):
    record = activity_add(**_electricity(actors, draft, green_share="1", green_certificates="A-1, A-2\nA-3\n"))
    record.refresh_from_db()
    assert record.green_certificates == ["A-1", "A-2", "A-3"]


TRAVEL_REFUSALS = [
    ({"phase": "during"}, "flight_domestic", "phase"),
    ({"quality": "guessed"}, "flight_domestic", "quality"),
    ({"cabin": "steerage"}, "flight_domestic", "cabin"),
    ({"cabin": "business"}, "hsr", "cabin"),
    ({"fuel": "diesel"}, "bus", "fuel"),
    ({"fuel": "hydrogen"}, "car", "fuel"),
    ({"occupancy": "2"}, "hsr", "occupancy"),
    ({"occupancy": "0.5"}, "car", "occupancy"),
    ({"occupancy": "101"}, "coach", "occupancy"),
    ({"occupancy": "many"}, "car", "occupancy"),
    ({"green_kwh": "10"}, "car", "green_kwh"),
    ({"green_certificates": ["X"]}, "car", "green_certificates"),
]


@pytest.mark.parametrize(("overrides", "mode", "field"), TRAVEL_REFUSALS)
def test_travel_refusals_name_the_field_and_write_nothing(actors, draft, overrides, mode, field):
    error = refused(ValidationFailed, "validation_failed", activity_add, **_travel(actors, draft, mode, **overrides))
    assert field in error.fields


ELECTRICITY_REFUSALS = [
    ({"green_kwh": "10", "green_share": "0.1"}, "green_share"),
    ({"green_share": "1.5"}, "green_share"),
    ({"green_share": "-0.1"}, "green_share"),
    ({"green_kwh": "-1"}, "green_kwh"),
    ({"green_kwh": "1000.5"}, "green_kwh"),  # more green power than was used
    ({"green_certificates": ["A", "A"]}, "green_certificates"),
    ({"green_certificates": [1, 2]}, "green_certificates"),
    ({"green_certificates": ["x" * 65]}, "green_certificates"),
    ({"cabin": "economy"}, "cabin"),
    ({"occupancy": "2"}, "occupancy"),
    ({"quality": "perfect"}, "quality"),
]


@pytest.mark.parametrize(("overrides", "field"), ELECTRICITY_REFUSALS)
def test_electricity_refusals_name_the_field_and_write_nothing(actors, draft, overrides, field):
    error = refused(ValidationFailed, "validation_failed", activity_add, **_electricity(actors, draft, **overrides))
    assert field in error.fields


def test_green_power_only_on_electricity(actors, draft):
    fields = _electricity(actors, draft, category="heat", factor_key="heat.purchased", quantity="10", green_share="1")
    error = refused(ValidationFailed, "validation_failed", activity_add, **fields)
    assert "green_share" in error.fields
    assert ActivityRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("mode", "fuel", "zh", "en"),
    [
        ("car", "electric", "请将充电电量（千瓦时/度）录入为电力活动", "record the charging energy (kWh)"),
        ("car", "diesel", "请将所用柴油（升或吨）录入为燃料活动", "record the diesel used (litres or tonnes)"),
        ("taxi", "diesel", "请将所用柴油（升或吨）录入为燃料活动", "record the diesel used (litres or tonnes)"),
    ],
)
def test_a_fuel_without_a_cited_factor_says_what_to_record_in_both_languages(actors, draft, mode, fuel, zh, en):
    fields = _travel(actors, draft, mode, fuel=fuel, distance_km="30")
    error = refused(ValidationFailed, "unknown_factor", activity_add, **fields)
    assert zh in error.message and zh in error.fields["fuel"]
    with translation.override("en"):
        english = refused(ValidationFailed, "unknown_factor", activity_add, **fields)
    assert en in english.message and not re.search(r"[\u4e00-\u9fff]", english.message)
