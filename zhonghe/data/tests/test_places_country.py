"""Airports carry their ISO country (zhonghe-method/2 decides domestic vs international by it)."""

from zhonghe.data.places import airport_place, city_place


def test_airports_carry_their_iso_country():
    # airportsdata's country column is ISO 3166-1 alpha-2.
    assert (airport_place("CKG").country, airport_place("PEK").country) == ("CN", "CN")
    assert (airport_place("SIN").country, airport_place("HKG").country) == ("SG", "HK")
    assert city_place("500103").country == ""
