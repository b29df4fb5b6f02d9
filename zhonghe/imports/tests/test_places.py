"""The place resolver: every way of writing a place, ambiguity with candidates, a person's corrections."""

import csv

import airportsdata
import pytest

from zhonghe.data.places import UnknownPlace, airport_place, build_pinyin, city_place
from zhonghe.data.places.aliases import AIRPORTS_ZH_CSV, STATIONS_ZH_CSV, airport_names, station_adcodes
from zhonghe.imports.places import MatchKind, PlaceResolver


@pytest.mark.parametrize(
    ("text", "code", "how", "label"),
    [
        ("成都市", "510100", MatchKind.EXACT, "四川省成都市"),
        ("成都", "510100", MatchKind.SHORT_NAME, "四川省成都市"),
        ("四川省成都市", "510100", MatchKind.FULL_NAME, "四川省成都市"),
        ("四川成都", "510100", MatchKind.FULL_NAME, "四川省成都市"),
        ("四川省成都市武侯区", "510107", MatchKind.FULL_NAME, "四川省成都市武侯区"),
        ("重庆市渝中区", "500103", MatchKind.FULL_NAME, "重庆市渝中区"),
        ("渝中", "500103", MatchKind.SHORT_NAME, "重庆市渝中区"),  # a district without 区
        ("武隆", "500156", MatchKind.SHORT_NAME, "重庆市武隆区"),
        ("武隆县", "500156", MatchKind.EXACT, "重庆市武隆区"),  # the pre-2016 name leads to the new code
        ("510100", "510100", MatchKind.ADCODE, "四川省成都市"),
        ("Chengdu", "510100", MatchKind.PINYIN, "四川省成都市"),
        ("chengdu shi", "510100", MatchKind.PINYIN, "四川省成都市"),
        ("Chongqing", "500000", MatchKind.PINYIN, "重庆市"),
        ("Xi'an", "610100", MatchKind.PINYIN, "陕西省西安市"),
        ("Shaanxi", "610000", MatchKind.PINYIN, "陕西省"),  # not 山西
        ("Shanxi", "140000", MatchKind.PINYIN, "山西省"),
        ("CKG", "CKG", MatchKind.IATA, "重庆江北国际机场 (CKG)"),
        ("ckg", "CKG", MatchKind.IATA, "重庆江北国际机场 (CKG)"),
        ("ＣＫＧ", "CKG", MatchKind.IATA, "重庆江北国际机场 (CKG)"),  # full-width letters
        ("ZUUU", "CTU", MatchKind.ICAO, "成都双流国际机场 (CTU)"),
        ("双流机场", "CTU", MatchKind.AIRPORT_NAME, "成都双流国际机场 (CTU)"),
        ("天府机场", "TFU", MatchKind.AIRPORT_NAME, "成都天府国际机场 (TFU)"),
        ("成都天府国际机场", "TFU", MatchKind.AIRPORT_NAME, "成都天府国际机场 (TFU)"),
        ("重庆机场", "CKG", MatchKind.AIRPORT_NAME, "重庆江北国际机场 (CKG)"),
        ("成都东站", "510100", MatchKind.STATION, "四川省成都市"),
        ("重庆北站", "500112", MatchKind.STATION, "重庆市渝北区"),
        ("汉口站", "420100", MatchKind.STATION, "湖北省武汉市"),
    ],
)
def test_every_way_of_writing_a_place_resolves_and_says_how(text, code, how, label):
    resolution = PlaceResolver().resolve(text)
    assert resolution.status == "resolved"
    assert (resolution.place.code, resolution.match, resolution.place.label) == (code, how, label)
    assert resolution.confirmation() == f"{text} → {label}"


def test_resolved_places_are_the_shipped_places():
    resolver = PlaceResolver()
    assert resolver.resolve("成都").place.place == city_place("510100")
    assert resolver.resolve("双流机场").place.place == airport_place("CTU")


@pytest.mark.parametrize(
    ("text", "codes", "labels"),
    [
        ("朝阳区", {"110105", "220104"}, {"北京市朝阳区", "吉林省长春市朝阳区"}),
        ("鼓楼区", {"320106", "320302", "350102", "410204"}, {"江苏省南京市鼓楼区", "福建省福州市鼓楼区"}),
        ("江北区", {"330205", "500105"}, {"浙江省宁波市江北区", "重庆市江北区"}),
        ("成都机场", {"CTU", "TFU"}, {"成都双流国际机场 (CTU)", "成都天府国际机场 (TFU)"}),
        ("北京机场", {"PEK", "PKX"}, {"北京首都国际机场 (PEK)"}),
    ],
)
def test_ambiguous_names_return_candidates_with_their_province(text, codes, labels):
    resolution = PlaceResolver().resolve(text)
    assert resolution.status == "ambiguous" and resolution.place is None
    assert {option.code for option in resolution.candidates} == codes
    assert labels <= {option.label for option in resolution.candidates}
    assert all(label in resolution.confirmation() for label in labels)


def test_a_qualified_name_settles_the_ambiguity():
    assert PlaceResolver().resolve("南京市鼓楼区").place.code == "320106"
    assert PlaceResolver().resolve("重庆市江北区").place.code == "500105"


@pytest.mark.parametrize("text", ["火星", "", "   ", "XQZ", "Atlantis", "江北机场站"])
def test_unknown_texts_resolve_to_nothing(text):
    resolution = PlaceResolver().resolve(text)
    assert resolution.status == "unknown" and resolution.place is None and resolution.candidates == ()
    assert resolution.confirmation() == f"{text} → ?"


def test_a_correction_applies_to_every_row_with_that_text():
    resolver = PlaceResolver({"朝阳区": "110105", "那边": "CKG"})
    first, again = resolver.resolve("朝阳区"), resolver.resolve(" 朝阳区 ")
    assert first.match is MatchKind.CORRECTION and first.place.label == "北京市朝阳区"
    assert again.place == first.place
    assert resolver.resolve("那边").place.place == airport_place("CKG")
    assert PlaceResolver().resolve("朝阳区").status == "ambiguous"  # only where the person said so


def test_a_correction_to_an_unknown_code_is_refused():
    with pytest.raises(UnknownPlace):
        PlaceResolver({"朝阳区": "999999"})
    with pytest.raises(UnknownPlace):
        PlaceResolver({"朝阳区": "XQZ"})


def test_countries_decide_domestic_flights():
    resolver = PlaceResolver()
    assert resolver.resolve("成都").place.country == "CN"
    assert resolver.resolve("HKG").place.country == "HK"
    assert resolver.resolve("香港").place.country == "HK"
    assert resolver.resolve("LHR").place.country == "GB"


def test_each_distinct_text_is_resolved_once(monkeypatch):
    from zhonghe.imports import places

    calls = []
    original = places._named
    monkeypatch.setattr(places, "_named", lambda text, prefix: calls.append(text) or original(text, prefix))
    resolver = PlaceResolver()
    for _ in range(3):
        resolver.resolve("成都")
    assert calls == ["成都"]


def test_shipped_pinyin_table_is_what_the_generator_produces():
    assert build_pinyin.PINYIN_CSV.read_text(encoding="utf-8") == build_pinyin.build()


def test_airport_name_table_names_real_airports_of_airportsdata():
    codes = airportsdata.load("IATA")
    with AIRPORTS_ZH_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 50
    for row in rows:
        assert row["iata"] in codes, row
        assert row["name_zh"].endswith("机场") and row["name_zh"] in airport_names()
    assert {airport.iata for airport in airport_names()["双流机场"]} == {"CTU"}


def test_station_table_points_at_existing_places():
    with STATIONS_ZH_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(station_adcodes()) >= 50
    for row in rows:
        assert row["station"].endswith("站")
        assert city_place(row["adcode"]).code == row["adcode"]
