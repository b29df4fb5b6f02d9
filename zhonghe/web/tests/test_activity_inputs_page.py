"""The activity forms take phase, data quality, green power, cabin, fuel and occupancy, and units such as 度, m³."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from zhonghe.events.models import ActivityRecord
from zhonghe.footprints.tests.builders import assert_nothing_written, db_snapshot
from zhonghe.web.tests.conftest import login

pytestmark = pytest.mark.django_db


def _post(event, kind: str, data: dict, client=None):
    url = reverse("web:activity_add", kwargs={"code": event.code, "stage": "before", "kind": kind})
    return (client or login("organiser")).post(url, data)


def test_quantity_form_takes_phase_quality_and_green_power(actors, event):
    data = {
        "category": "electricity",
        "factor_key": "electricity.grid",
        "quantity": "5000",
        "unit": "度",
        "phase": "preparation",
        "quality": "metered",
        "green_kwh": "1200",
        "green_certificates": "GEC-1\nGEC-2",
    }
    assert _post(event, "qty", data).status_code == 302
    record = ActivityRecord.objects.get()
    assert (record.unit, record.phase, record.quality) == ("度", "preparation", "metered")
    assert (record.green_kwh, record.green_certificates) == (Decimal("1200"), ["GEC-1", "GEC-2"])


@pytest.mark.parametrize(
    ("category", "factor_key", "unit"),
    [("water", "water.tap", "m³"), ("materials", "materials.paper", "张"), ("fuel", "fuel.diesel", "吨")],
)
def test_quantity_form_accepts_chinese_and_symbol_units(actors, event, category, factor_key, unit):
    data = {"category": category, "factor_key": factor_key, "quantity": "20", "unit": unit}
    response = _post(event, "qty", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ActivityRecord.objects.get().unit == unit


def test_travel_form_takes_cabin_fuel_occupancy(actors, event):
    flight = {"travel_mode": "flight_domestic", "person_trips": "8", "place_kind": "airport", "origin": "PEK",
              "destination": "CKG", "round_trip": "on", "cabin": "business", "quality": "invoiced"}  # fmt: skip
    taxi = {"travel_mode": "taxi", "person_trips": "30", "distance_km": "25", "fuel": "electric", "occupancy": "2",
            "phase": "closing"}  # fmt: skip
    assert _post(event, "travel", flight).status_code == 302
    assert _post(event, "travel", taxi).status_code == 302
    plane, car = ActivityRecord.objects.order_by("id")
    assert (plane.cabin, plane.quality, plane.round_trip) == ("business", "invoiced", True)
    assert (car.fuel, car.occupancy, car.phase, car.round_trip) == ("electric", Decimal("2"), "closing", False)


@pytest.mark.parametrize(
    ("kind", "data", "field"),
    [
        ("travel", {"travel_mode": "hsr", "person_trips": "3", "distance_km": "300", "cabin": "first"}, "cabin"),
        ("travel", {"travel_mode": "bus", "person_trips": "3", "distance_km": "30", "occupancy": "20"}, "occupancy"),
        ("qty", {"category": "electricity", "factor_key": "electricity.grid", "quantity": "10", "green_kwh": "11"},
         "green_kwh"),
        ("qty", {"category": "electricity", "factor_key": "electricity.grid", "quantity": "10",
                 "green_share": "0.5", "green_kwh": "1"}, "green_share"),
    ],
)  # fmt: skip
def test_refusals_show_on_the_field_and_write_nothing(actors, event, kind, data, field):
    client = login("organiser")  # logging in writes last_login
    before = db_snapshot()
    response = _post(event, kind, data, client)
    assert response.status_code == 422
    assert f'data-testid="error-{field}"' in response.content.decode()
    assert_nothing_written(before)


def test_phase_and_quality_labels_on_the_records(actors, event):
    data = {"category": "electricity", "factor_key": "electricity.grid", "quantity": "10", "phase": "closing",
            "quality": "surveyed"}  # fmt: skip
    _post(event, "qty", data)
    page = login("organiser").get(reverse("web:event_detail", kwargs={"code": event.code})).content.decode()
    assert "收尾 · 调查（问卷、登记）" in page
