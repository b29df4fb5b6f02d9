"""POST /api/v1/footprint: the stateless calculator (no key, rate limited, nothing written)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache

from zhonghe.api.tests.support import Api, assert_envelope, planned_event
from zhonghe.data.factor_releases import load_release
from zhonghe.events.models import ActivityRecord
from zhonghe.footprints.models import InventoryVersion
from zhonghe.footprints.services import activity_add, inventory_freeze
from zhonghe.footprints.tests.builders import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db

ELECTRICITY = {"ref": "hall", "category": "electricity", "factor_key": "electricity.grid", "quantity": "1000"}
FLIGHT = {
    "ref": "guests",
    "category": "travel",
    "travel_mode": "flight_domestic",
    "person_trips": 20,
    "place_kind": "airport",
    "origin": "PEK",
    "destination": "CKG",
    "cabin": "economy",
}


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()  # the throttle's history lives in the cache
    yield
    cache.clear()


@pytest.fixture
def anonymous(client):
    return Api(client, None)


def test_no_key_needed_and_nothing_written(anonymous, actors):
    before = db_snapshot()
    response = anonymous.post("/footprint", {"activities": [ELECTRICITY, FLIGHT]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) >= {"release", "release_hash", "method_version", "total_kg_co2e", "range_95_kg_co2e"}
    assert body["release"] == "CQ-2025.2"
    lines = body["lines"]
    assert {line["ref"] for line in lines} == {"hall", "guests"}
    for line in lines:
        assert isinstance(line["kg_co2e"], str) and isinstance(line["factor_value"], str)
        assert line["factor_key"]
    travel = [line for line in lines if line["factor_key"].startswith("travel.")]
    assert travel and all(isinstance(line["distance_km"], str) and line["distance_method"] for line in travel)
    total = sum((Decimal(line["kg_co2e"]) for line in lines), Decimal(0))
    assert Decimal(body["total_kg_co2e"]) == total
    low, high = (Decimal(v) for v in body["range_95_kg_co2e"])
    assert low <= total <= high
    assert body["required_offset_t"] >= total / 1000
    assert_nothing_written(before)


def test_an_older_release_by_code(anonymous):
    body = anonymous.post("/footprint", {"release": "CQ-2025", "activities": [ELECTRICITY]}).json()
    assert (body["release"], body["method_version"]) == ("CQ-2025", "zhonghe-method/1")
    assert body["lines"][0]["kg_co2e"] == "558.100"  # 1,000 kWh × 0.5581 kgCO2/kWh (CQ-2025 electricity.grid)


def test_unknown_release_is_an_envelope(anonymous):
    error = assert_envelope(anonymous.post("/footprint", {"release": "XX-1999", "activities": [ELECTRICITY]}), 422)
    assert error["code"] == "unknown_release"


@pytest.mark.parametrize(
    ("activity", "field"),
    [
        ({**ELECTRICITY, "quantity": 12.5}, "quantity"),  # schema: a float
        ({**ELECTRICITY, "phase": "during"}, "phase"),  # schema: enum
        ({**FLIGHT, "cabin": "steerage"}, "cabin"),
        ({**ELECTRICITY, "green_share": "0.5", "green_kwh": "10"}, "green_share"),  # service rule
        ({**FLIGHT, "travel_mode": "hsr", "cabin": "first"}, "cabin"),
        ({**ELECTRICITY, "factor_key": "electricity.nuclear"}, "factor_key"),  # release lookup
        ({**FLIGHT, "origin": "XXX"}, "place"),  # place lookup
        ({**ELECTRICITY, "unit": "furlong"}, "unit"),  # the engine's unit check
    ],
)
def test_a_bad_activity_is_named_by_ref_and_field(anonymous, activity, field):
    response = anonymous.post("/footprint", {"activities": [{**ELECTRICITY, "ref": "ok"}, activity]})
    error = assert_envelope(response, 422)
    assert error["fields"]["ref"] == activity["ref"], error
    assert field in error["fields"], error


def test_refs_are_required_and_unique(anonymous):
    missing = {k: v for k, v in ELECTRICITY.items() if k != "ref"}
    error = assert_envelope(anonymous.post("/footprint", {"activities": [missing]}), 422)
    assert "activities.0.ref" in error["fields"]
    error = assert_envelope(anonymous.post("/footprint", {"activities": [ELECTRICITY, ELECTRICITY]}), 422)
    assert error["fields"] == {"ref": "hall"}
    assert_envelope(anonymous.post("/footprint", {"activities": []}), 422)


def test_over_the_rate_is_429_in_the_envelope(anonymous, settings):
    settings.ZHONGHE_FOOTPRINT_RATE = "2/m"
    for _ in range(2):
        assert anonymous.post("/footprint", {"activities": [ELECTRICITY]}).status_code == 200
    error = assert_envelope(anonymous.post("/footprint", {"activities": [ELECTRICITY]}), 429)
    assert error["code"] == "throttled"


def test_the_limit_is_per_client_address(client, settings):
    settings.ZHONGHE_FOOTPRINT_RATE = "1/m"
    body = {"activities": [ELECTRICITY]}
    first = Api(client, None).post("/footprint", body)
    other = client.post("/api/v1/footprint", body, content_type="application/json", REMOTE_ADDR="10.0.0.9")
    assert (first.status_code, other.status_code) == (200, 200)
    assert_envelope(Api(client, None).post("/footprint", body), 429)


def test_the_calculator_gives_the_frozen_inventorys_lines(anonymous, actors):
    event = planned_event(actors.organiser)
    organiser = actors.organiser
    fields = [
        dict(category="electricity", factor_key="electricity.grid", quantity="18000", unit="度", quality="metered",
             green_kwh="4000", green_certificates=["GEC-1", "GEC-2"]),
        dict(category="travel", travel_mode="flight_domestic", person_trips=40, place_kind="airport",
             origin="PEK", destination="CKG", cabin="business", phase="holding"),
        dict(category="travel", travel_mode="taxi", person_trips=12, distance_km="35", fuel="electric",
             occupancy="2", round_trip=False, phase="preparation"),
        dict(category="travel", travel_mode="hsr", person_trips=100, place_kind="city", origin="成都市",
             destination="渝中区"),
        dict(category="water", factor_key="water.tap", quantity="120", unit="m³", phase="closing",
             quality="invoiced"),
    ]  # fmt: skip
    records = [activity_add(actor=organiser, code=event.code, stage="after", **f) for f in fields]
    inventory = inventory_freeze(actor=organiser, code=event.code)
    calculator_body = {"activities": [{"ref": str(r.code), **f} for r, f in zip(records, fields, strict=True)]}
    body = anonymous.post("/footprint", calculator_body).json()
    assert body["lines"] == inventory.lines
    assert Decimal(body["total_kg_co2e"]) == inventory.total_kg_co2e
    assert body["required_offset_t"] == inventory.required_offset_t
    assert [Decimal(v) for v in body["range_95_kg_co2e"]] == [inventory.range_low_kg_co2e, inventory.range_high_kg_co2e]
    assert (body["release"], body["release_hash"]) == (inventory.release_code, inventory.release_hash)


def test_a_key_is_not_needed_but_a_bad_one_is_ignored(client, actors):
    response = Api(client, "zh_bogus_key").post("/footprint", {"activities": [ELECTRICITY]})
    assert response.status_code == 200, response.content
    assert ActivityRecord.objects.count() == 0 and InventoryVersion.objects.count() == 0


@pytest.mark.parametrize(
    ("options", "factor_key", "kg"),
    [
        ({}, "electricity.grid_p50", "558.100"),  # 1,000 kWh × 0.5581 (重庆, MEE/NBS 2025 No. 47 table 3)
        ({"venue_province": "51"}, "electricity.grid_p51", "156.400"),  # × 0.1564 (四川)
        ({"venue_province": "510104"}, "electricity.grid_p51", "156.400"),  # a district of 成都 → 四川
        ({"venue_province": "成都市"}, "electricity.grid_p51", "156.400"),
        ({"venue_province": "北京"}, "electricity.grid_p11", "555.400"),  # × 0.5554 (北京)
        ({"grid": "national"}, "electricity.grid_national", "530.600"),  # × 0.5306 (table 1)
        ({"grid": "regional"}, "electricity.grid_region_xinan", "247.200"),  # × 0.2472 (西南, table 2)
        ({"grid": "regional", "venue_province": "四川省"}, "electricity.grid_region_xinan", "247.200"),
    ],
)
def test_the_venue_and_the_grid_are_options_of_the_body(anonymous, options, factor_key, kg):
    response = anonymous.post("/footprint", {"activities": [ELECTRICITY], **options})
    assert response.status_code == 200, response.content
    (line,) = response.json()["lines"]
    assert (line["factor_key"], line["kg_co2e"]) == (factor_key, kg)


def test_radiative_forcing_is_an_option_of_the_body(anonymous):
    off = anonymous.post("/footprint", {"activities": [FLIGHT]}).json()
    on = anonymous.post("/footprint", {"activities": [FLIGHT], "radiative_forcing": True}).json()
    assert [line.get("part") for line in off["lines"]] == [""]
    flight, rf = on["lines"]
    assert (flight, rf["part"]) == (off["lines"][0], "rf")
    assert Decimal(on["total_kg_co2e"]) == Decimal(flight["kg_co2e"]) + Decimal(rf["kg_co2e"])


@pytest.mark.parametrize(
    ("options", "field", "release"),
    [
        ({"venue_province": "火星"}, "venue_province", None),
        ({"venue_province": "99"}, "venue_province", None),
        ({"venue_province": ""}, "venue_province", None),  # schema: at least one character
        ({"grid": "hydro"}, "grid", None),  # schema: enum
        ({"radiative_forcing": "yes"}, "radiative_forcing", None),  # schema: a JSON boolean
        ({"grid": "national"}, "grid", "CQ-2025"),  # method/1 has one grid: refused, not ignored
        ({"radiative_forcing": True}, "radiative_forcing", "CQ-2025"),
    ],
)
def test_bad_options_are_refused_by_field_and_nothing_written(anonymous, actors, options, field, release):
    before = db_snapshot()
    body = {"activities": [ELECTRICITY], **options, **({"release": release} if release else {})}
    error = assert_envelope(anonymous.post("/footprint", body), 422)
    assert field in error["fields"], error
    assert_nothing_written(before)


def test_a_regional_grid_outside_the_mapped_region_names_the_activity(anonymous):
    body = {"activities": [ELECTRICITY], "grid": "regional", "venue_province": "11"}
    error = assert_envelope(anonymous.post("/footprint", body), 422)
    assert (error["fields"]["ref"], "factor_key" in error["fields"]) == ("hall", True)


@pytest.mark.parametrize(("grid", "rf"), [("national", False), ("regional", True)])
def test_the_calculator_with_an_events_options_gives_its_inventorys_lines(anonymous, actors, grid, rf, settings):
    organiser = actors.organiser
    event = planned_event(organiser, grid=grid)
    fields = [
        dict(category="electricity", factor_key="electricity.grid", quantity="18000", unit="度", quality="metered"),
        dict(category="electricity", factor_key="electricity.grid", quantity="9000", green_share="0.25",
             green_certificates=["GEC-9"], phase="preparation"),
        dict(category="travel", travel_mode="flight_domestic", person_trips=40, place_kind="airport",
             origin="PEK", destination="CKG", cabin="business"),
        dict(category="fuel", factor_key="fuel.diesel", quantity="120", unit="升", phase="closing"),
    ]  # fmt: skip
    records = [activity_add(actor=organiser, code=event.code, stage="after", **f) for f in fields]
    release = load_release(settings.DEFAULT_FACTOR_RELEASE)
    inventory = inventory_freeze(actor=organiser, code=event.code)
    assert inventory.options["grid"] == grid
    options = {"grid": grid, "venue_province": event.venue_district, "radiative_forcing": rf}
    calculator_body = {"activities": [{"ref": str(r.code), **f} for r, f in zip(records, fields, strict=True)]}
    body = anonymous.post("/footprint", {**calculator_body, **options}).json()
    # The event's inventory takes the release's RF default; the calculator's explicit choice must match it.
    if rf != release.method2.rf_default:
        assert any(line["part"] == "rf" for line in body["lines"]) is rf
        body = anonymous.post("/footprint", {**calculator_body, **options, "radiative_forcing": None}).json()
    assert body["lines"] == inventory.lines
    assert Decimal(body["total_kg_co2e"]) == inventory.total_kg_co2e
    assert [Decimal(v) for v in body["range_95_kg_co2e"]] == [inventory.range_low_kg_co2e, inventory.range_high_kg_co2e]


def test_the_schema_states_the_option_constraints(anonymous):
    schema = anonymous.client.get("/api/v1/openapi.json").json()["components"]["schemas"]["FootprintIn"]
    properties = schema["properties"]
    assert properties["grid"]["enum"] == ["provincial", "national", "regional"]
    assert properties["grid"]["default"] == "provincial"
    venue = next(option for option in properties["venue_province"]["anyOf"] if option.get("type") == "string")
    assert (venue["minLength"], venue["maxLength"]) == (1, 60)
    assert {option.get("type") for option in properties["radiative_forcing"]["anyOf"]} == {"boolean", "null"}
    assert schema["required"] == ["activities"]
