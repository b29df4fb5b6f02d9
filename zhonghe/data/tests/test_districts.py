"""Chongqing district/county reference data (pure, no database)."""

import pytest

from zhonghe.data.districts import (
    AREA_THREE_GORGES,
    AREA_WULING,
    District,
    UnknownDistrict,
    all_districts,
    district_by_code,
    district_choices,
    districts_in_area,
)

THREE_GORGES_NAMES = {
    "万州区", "开州区", "梁平区", "城口县", "丰都县", "垫江县", "忠县", "云阳县", "奉节县", "巫山县",
    "巫溪县",
}  # fmt: skip
WULING_NAMES = {
    "黔江区", "武隆区", "石柱土家族自治县", "秀山土家族苗族自治县", "酉阳土家族苗族自治县",
    "彭水苗族土家族自治县",
}  # fmt: skip
# 主城都市区 (一区两群, 2020): the 9 central districts + 12 new districts of the western belt.
METROPOLITAN_NAMES = {
    "渝中区", "大渡口区", "江北区", "沙坪坝区", "九龙坡区", "南岸区", "北碚区", "渝北区", "巴南区",
    "涪陵区", "长寿区", "江津区", "合川区", "永川区", "南川区", "綦江区", "大足区", "璧山区", "铜梁区",
    "潼南区", "荣昌区",
}  # fmt: skip


def test_exactly_38_with_26_districts_and_12_counties():
    ds = all_districts()
    assert len(ds) == 38
    assert sum(d.kind == "district" for d in ds) == 26
    assert sum(d.kind == "county" for d in ds) == 12
    assert sum(d.name_zh.endswith("自治县") for d in ds) == 4


def test_codes_unique_six_digits_under_chongqing_and_sorted():
    codes = [d.adcode for d in all_districts()]
    assert len(set(codes)) == 38
    assert all(len(c) == 6 and c.isdigit() and c.startswith("50") for c in codes)
    assert codes == sorted(codes)
    # Districts are 5001xx, counties 5002xx.
    assert all((d.adcode[:4] == "5001") == (d.kind == "district") for d in all_districts())


def test_names_match_kind():
    for d in all_districts():
        assert d.name_zh.endswith("区" if d.kind == "district" else "县"), d
        assert d.name_en.endswith("District" if d.kind == "district" else "County"), d
    assert len({d.name_zh for d in all_districts()}) == 38
    assert len({d.name_en for d in all_districts()}) == 38


@pytest.mark.parametrize(
    "adcode,name_zh,name_en,kind",
    [
        ("500101", "万州区", "Wanzhou District", "district"),
        ("500102", "涪陵区", "Fuling District", "district"),
        ("500103", "渝中区", "Yuzhong District", "district"),
        ("500155", "梁平区", "Liangping District", "district"),  # 梁平县 500228 until 2016
        ("500156", "武隆区", "Wulong District", "district"),  # 武隆县 500232 until 2016
        ("500229", "城口县", "Chengkou County", "county"),
        ("500233", "忠县", "Zhong County", "county"),
        ("500243", "彭水苗族土家族自治县", "Pengshui Miao and Tujia Autonomous County", "county"),
    ],
)
def test_spot_checks(adcode, name_zh, name_en, kind):
    d = district_by_code(adcode)
    assert (d.adcode, d.name_zh, d.name_en, d.kind) == (adcode, name_zh, name_en, kind)


@pytest.mark.parametrize("old_code", ["500228", "500232", "500234", "500100", "500000", "110101", "", "50010"])
def test_unknown_and_abolished_codes_refused(old_code):
    with pytest.raises(UnknownDistrict) as exc:
        district_by_code(old_code)
    assert exc.value.code == "unknown_district"
    assert isinstance(exc.value, LookupError)


def test_unhashable_code_refused():
    with pytest.raises(UnknownDistrict):
        district_by_code(["500101"])  # type: ignore[arg-type]


def test_area_tags():
    three_gorges = {d.name_zh for d in all_districts() if AREA_THREE_GORGES in d.area_tags}
    wuling = {d.name_zh for d in all_districts() if AREA_WULING in d.area_tags}
    assert three_gorges == THREE_GORGES_NAMES and len(three_gorges) == 11
    assert wuling == WULING_NAMES and len(wuling) == 6
    untagged = {d.name_zh for d in all_districts() if not d.area_tags}
    assert untagged == METROPOLITAN_NAMES and len(untagged) == 21
    assert all(len(d.area_tags) <= 1 for d in all_districts())


def test_districts_in_area():
    assert [d.name_zh for d in districts_in_area(AREA_WULING)][:2] == ["黔江区", "武隆区"]
    assert len(districts_in_area(AREA_THREE_GORGES)) == 11
    with pytest.raises(ValueError):
        districts_in_area("RURAL_REVITALIZATION")  # village-level, not a district tag


def test_district_choices():
    choices = district_choices()
    assert len(choices) == 38
    assert choices[0] == ("500101", "万州区")
    assert choices[-1] == ("500243", "彭水苗族土家族自治县")
    assert [c for c, _ in choices] == sorted(c for c, _ in choices)


def test_district_is_frozen_with_frozenset_tags():
    d = district_by_code("500101")
    assert isinstance(d, District)
    assert d.area_tags == frozenset({AREA_THREE_GORGES})
    with pytest.raises(AttributeError):
        d.name_zh = "x"  # type: ignore[misc]
