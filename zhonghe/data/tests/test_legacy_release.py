"""CQ-2025 (zhonghe-method/1) recomputes exactly as before issue 6: same lines, total and hashes.

The expected values were captured once, on the code before any method/2 change (see
legacy_inventory.py); nothing here computes them with the code under test.
"""

import dataclasses
import json
from enum import Enum

from zhonghe.data.factor_releases import load_release
from zhonghe.engine.footprint import calculate_footprint
from zhonghe.engine.hashing import inventory_hash

from .legacy_inventory import EXPECTED_JSON, activities

EXPECTED = json.loads(EXPECTED_JSON.read_text(encoding="utf-8"))
RELEASE = load_release("CQ-2025")


def _text(value):
    return str(value.value if isinstance(value, Enum) else value)


def test_the_release_content_hash_is_unchanged():
    assert RELEASE.method_version == "zhonghe-method/1"
    assert RELEASE.content_hash() == EXPECTED["release_hash"]


def test_the_inventory_hash_is_unchanged():
    assert inventory_hash(activities(), RELEASE) == EXPECTED["inventory_hash"]


def test_every_line_field_is_unchanged_value_and_scale():
    footprint = calculate_footprint(activities(), RELEASE)
    assert len(footprint.lines) == len(EXPECTED["lines"])
    for line, expected in zip(footprint.lines, EXPECTED["lines"], strict=True):
        # Only the fields that existed at capture time; fields added later are checked below.
        assert {name: _text(getattr(line, name)) for name in expected} == expected
    assert str(footprint.total_kg_co2e) == EXPECTED["total_kg_co2e"]


def test_the_captured_lines_had_exactly_the_method_1_fields():
    names = {field.name for field in dataclasses.fields(calculate_footprint(activities(), RELEASE).lines[0])}
    assert set(EXPECTED["lines"][0]) <= names


def test_airports_now_carrying_their_country_keep_the_method_1_hash():
    # zhonghe.data.places fills Place.country for airports since issue 6; a CQ-2025 inventory rebuilt
    # from its records must still hash as it did when it was frozen.
    countries = {"CKG": "CN", "PEK": "CN", "SHA": "CN", "SIN": "SG"}
    rebuilt = []
    for item in activities():
        origin = getattr(item, "origin", None)
        if origin is not None and origin.code in countries:
            destination = item.destination
            item = dataclasses.replace(
                item,
                origin=dataclasses.replace(origin, country=countries[origin.code]),
                destination=dataclasses.replace(destination, country=countries.get(destination.code, "")),
            )
        rebuilt.append(item)
    assert any(getattr(item, "origin", None) is not None and item.origin.country == "SG" for item in rebuilt)
    assert inventory_hash(rebuilt, RELEASE) == EXPECTED["inventory_hash"]
    assert (
        calculate_footprint(rebuilt, RELEASE).total_kg_co2e == calculate_footprint(activities(), RELEASE).total_kg_co2e
    )
