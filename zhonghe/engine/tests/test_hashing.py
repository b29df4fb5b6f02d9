import hashlib
import json
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from zhonghe.engine.activities import Activity, Category, Place, TravelActivity, TravelMode
from zhonghe.engine.errors import InvalidActivity
from zhonghe.engine.hashing import canonical_json, decimal_text, inventory_hash

from .factories import CKG, PEK, make_release, release_data

D = Decimal


def test_canonical_json_is_sorted_compact_and_keeps_chinese():
    payload = {"b": D("1.50"), "a": [date(2026, 1, 15), Category.MEALS, None, True, 3], "名": "渝中区"}
    assert canonical_json(payload) == '{"a":["2026-01-15","meals",null,true,3],"b":"1.5","名":"渝中区"}'


def test_canonical_json_writes_dataclasses_as_objects():
    assert canonical_json(Place("CKG", "重庆", D("29.7192"), D("106.642"))) == (
        '{"code":"CKG","lat":"29.7192","lon":"106.642","name":"重庆"}'
    )


@pytest.mark.parametrize(
    ("number", "text"),
    [("1.50", "1.5"), ("1E+2", "100"), ("100", "100"), ("-0.000", "0"), ("0.0829", "0.0829"), ("2.000", "2")],
)
def test_decimals_are_written_plain_without_trailing_zeros(number, text):
    assert decimal_text(D(number)) == text


def test_floats_and_unknown_objects_are_refused():
    with pytest.raises(TypeError, match="floats are not canonical"):
        canonical_json({"x": 0.1})
    with pytest.raises(TypeError):
        canonical_json({"x": object()})
    with pytest.raises(ValueError):
        canonical_json(D("NaN"))


RELEASE = make_release()


def _activities():
    return [
        Activity("e1", Category.ELECTRICITY, "electricity.grid", D("1000"), "kWh"),
        Activity("h1", Category.LODGING, "lodging.hotel_room_night", D("400"), "room-night"),
        TravelActivity("t1", TravelMode.FLIGHT_DOMESTIC, 200, origin=CKG, destination=PEK, round_trip=True),
    ]


def test_inventory_hash_is_independent_of_input_order():
    activities = _activities()
    reference = inventory_hash(activities, RELEASE)
    assert len(reference) == 64
    assert inventory_hash(list(reversed(activities)), RELEASE) == reference
    assert inventory_hash([activities[1], activities[2], activities[0]], RELEASE) == reference


def test_inventory_hash_changes_with_any_quantity_route_or_flag():
    reference = inventory_hash(_activities(), RELEASE)
    e1, h1, t1 = _activities()
    variants = [
        [replace(e1, quantity=D("1000.001")), h1, t1],
        [e1, replace(h1, unit="间夜"), t1],
        [e1, h1, replace(t1, person_trips=201)],
        [e1, h1, replace(t1, round_trip=False)],
        [e1, h1, replace(t1, destination=replace(PEK, lat=D("40.0802")))],
        [e1, h1],
    ]
    hashes = {inventory_hash(variant, RELEASE) for variant in variants}
    assert reference not in hashes and len(hashes) == len(variants)


def test_inventory_hash_ignores_the_scale_of_equal_numbers():
    e1, h1, t1 = _activities()
    assert inventory_hash([replace(e1, quantity=D("1000.000")), h1, t1], RELEASE) == inventory_hash(
        _activities(), RELEASE
    )


def test_inventory_hash_changes_with_a_factor_or_the_method_version():
    reference = inventory_hash(_activities(), RELEASE)
    data = release_data()
    data["factors"]["lodging.hotel_room_night"]["value"] = "53.5"
    assert inventory_hash(_activities(), make_release(factors=data["factors"])) != reference
    assert inventory_hash(_activities(), make_release(method_version="zhonghe-method/1b")) != reference


def test_an_activity_and_a_travel_activity_never_collide():
    # Same ref, different kinds: the kind tag keeps them apart even if the field values happened to agree.
    plain = Activity("x", Category.MEALS, "meals.standard", D("1"), "meal")
    travel = TravelActivity("x", TravelMode.BUS, 1, distance_km=D("1"))
    assert inventory_hash([plain], RELEASE) != inventory_hash([travel], RELEASE)


def test_duplicate_refs_make_the_hash_ambiguous_and_are_refused():
    e1 = _activities()[0]
    with pytest.raises(InvalidActivity, match="duplicate activity ref 'e1'"):
        inventory_hash([e1, replace(e1, quantity=D("2"))], RELEASE)


def test_inventory_hash_follows_its_documented_recipe():
    # Pinned so that a stored inventory hash can be re-derived by anyone from the documented payload.
    e1, h1, t1 = _activities()
    payload = {
        "activities": [
            {"kind": "Activity", **json.loads(canonical_json(e1))},
            {"kind": "Activity", **json.loads(canonical_json(h1))},
            {"kind": "TravelActivity", **json.loads(canonical_json(t1))},
        ],
        "release_hash": RELEASE.content_hash(),
        "method_version": "zhonghe-method/1",
    }
    expected = hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()
    assert inventory_hash([t1, h1, e1], RELEASE) == expected
