"""Shipped places: cpca adcodes (copied with its MIT notice) and airportsdata airports."""

import hashlib
import re
from decimal import Decimal

import pytest

from zhonghe.data.places import ADCODES_CSV, UnknownPlace, airport_place, city_place
from zhonghe.engine.distance import great_circle_km

D = Decimal


def test_chongqing_jiangbei_airport():
    ckg = airport_place("CKG")
    assert (ckg.code, ckg.lat, ckg.lon) == ("CKG", D("29.7192"), D("106.642"))
    assert "Chongqing" in ckg.name
    assert airport_place(" ckg ") == ckg


def test_ckg_to_pek_from_the_shipped_data_is_about_1450_km():
    assert abs(great_circle_km(airport_place("CKG"), airport_place("PEK")) - D("1455")) < D("20")


def test_yuzhong_district_coordinates():
    yuzhong = city_place("渝中区")
    assert (yuzhong.code, yuzhong.name) == ("500103", "渝中区")
    assert abs(yuzhong.lon - D("106.57")) < D("0.01") and abs(yuzhong.lat - D("29.55")) < D("0.01")
    assert city_place("500103") == yuzhong == city_place("500103000000")


@pytest.mark.parametrize(
    ("query", "code", "name"),
    [
        ("北京市", "110000", "北京市"),
        ("北京", "110000", "北京市"),  # suffix-less name
        ("成都市", "510100", "成都市"),
        ("重庆", "500000", "重庆市"),
        ("吉林", "220000", "吉林省"),  # province preferred over the prefecture 吉林市
        ("广西", "450000", "广西壮族自治区"),
        ("梁平区", "500155", "梁平区"),  # renamed in 2016, after cpca's table
        ("500156", "500156", "武隆区"),
    ],
)
def test_city_lookup_by_name_or_adcode(query, code, name):
    place = city_place(query)
    assert (place.code, place.name) == (code, name)


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("火星", "'火星'"),
        ("市辖区", "'市辖区'"),  # a grouping, not a place
        ("139001", "'139001'"),  # 定州市 has no coordinates in the table
        ("999999", "'999999'"),
        ("", "''"),
        ("朝阳区", "ambiguous.*110105.*|ambiguous.*220104.*"),  # Beijing's and Changchun's
    ],
)
def test_unknown_or_ambiguous_places_raise_unknown_place(query, fragment):
    with pytest.raises(UnknownPlace, match=fragment) as caught:
        city_place(query)
    assert caught.value.code == "unknown_place" and isinstance(caught.value, LookupError)


@pytest.mark.parametrize("iata", ["XXX", "CK", "ZUCK", ""])
def test_unknown_airport_raises_unknown_place(iata):
    with pytest.raises(UnknownPlace, match=f"no airport with IATA code '{iata}'"):
        airport_place(iata)


def test_adcodes_file_is_the_copied_cpca_table_with_its_licence():
    notice = ADCODES_CSV.with_name("LICENSE-cpca.txt").read_text(encoding="utf-8")
    assert "MIT License" in notice and "0.5.5" in notice and "Copyright (c) 2018 QinYuan Du" in notice
    recorded = re.search(r"SHA-256 of the copied file: ([0-9a-f]{64})", notice)
    assert recorded and hashlib.sha256(ADCODES_CSV.read_bytes()).hexdigest() == recorded.group(1)
    rows = ADCODES_CSV.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "adcode,name,longitude,latitude" and len(rows) == 3512
