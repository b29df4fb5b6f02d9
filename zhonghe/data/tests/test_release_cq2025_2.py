"""The shipped CQ-2025.2 (zhonghe-method/2): every value cited in Chinese and English, never citing this repo.

The citation rule is checked on the raw JSON, so it covers every number the file holds: factors,
their parameters (NCV, CH4, N2O, density), distance rules, GWPs, cabin multipliers, the RF uplift,
occupancy, quality tiers, the sheet mass and each rail line length.
"""

import copy
import json
import re
from decimal import Decimal

import pytest

from zhonghe.data.factor_releases import DEFAULT_RELEASE_CODE, RELEASES_DIR, available_release_codes, load_release
from zhonghe.engine.errors import InvalidRelease
from zhonghe.engine.factors import parse_release

D = Decimal
PATH = RELEASES_DIR / "CQ-2025.2.json"
RAW = json.loads(PATH.read_text(encoding="utf-8"))
RELEASE = load_release("CQ-2025.2")
CJK = re.compile(r"[\u4e00-\u9fff]")
# A citation must name a public document, never this repository's code or notes.
FORBIDDEN = re.compile(r"\.py\b|constants|content\.yml|emission-factors|§|shared/|\.md\b|digest", re.IGNORECASE)


def cited_objects(node, path="release"):
    """Every object in the file that holds a number: factors, rules and cited values."""
    if isinstance(node, dict):
        if "value" in node or "multiplier" in node:
            yield path, node
        for key, value in node.items():
            yield from cited_objects(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from cited_objects(value, f"{path}[{index}]")


def citation_problems(raw):
    problems = []
    for path, item in cited_objects(raw):
        for name in ("source", "source_en", "doc_no"):
            text = item.get(name)
            if not isinstance(text, str) or not text.strip():
                problems.append(f"{path}: no {name}")
            elif FORBIDDEN.search(text):
                problems.append(f"{path}: {name} cites this repository: {text!r}")
        if not isinstance(item.get("year"), int):
            problems.append(f"{path}: no year")
        if (
            isinstance(item.get("source"), str)
            and not CJK.search(item["source"])
            and not item["source"].startswith(("EN ", "ISO "))
        ):
            problems.append(f"{path}: source is not in Chinese")
    for field in ("notes", "notes_en"):
        problems += [f"{field}: cites this repository" for note in raw.get(field, []) if FORBIDDEN.search(note)]
    return problems


def test_every_value_names_a_document_in_chinese_and_english():
    assert len(list(cited_objects(RAW))) > 150
    assert citation_problems(RAW) == []


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda raw: raw["factors"]["electricity.grid_p50"].pop("source_en"), "no source_en"),
        (lambda raw: raw["factors"]["fuel.diesel"]["params"]["ncv"].pop("doc_no"), "no doc_no"),
        (lambda raw: raw["cabin_multipliers"]["international"]["first"].update(source="constants.py"), "cites this"),
        (lambda raw: raw["rail_distances"][0]["length"].update(source_en="emission-factors.md §5"), "cites this"),
        (lambda raw: raw["sheet_mass_kg"].pop("year"), "no year"),
    ],
)
def test_the_citation_check_fails_on_a_missing_or_internal_citation(mutate, problem):
    broken = copy.deepcopy(RAW)
    mutate(broken)
    assert any(problem in text for text in citation_problems(broken))


@pytest.mark.parametrize(
    "mutate",
    [
        lambda raw: raw["factors"]["materials.steel"].pop("source_en"),
        lambda raw: raw["factors"]["materials.steel"].pop("uncertainty_pct"),
        lambda raw: raw["quality_tiers"].pop("surveyed"),
        lambda raw: raw["gwp_sets"]["AR6"]["N2O"].pop("source"),
        lambda raw: raw.pop("notes_en"),
        lambda raw: raw["rail_distances"][1]["length"].pop("source_en"),
        lambda raw: raw["radiative_forcing"]["uplift"].pop("doc_no"),
    ],
)
def test_the_parser_refuses_a_method_2_value_without_its_citation(mutate):
    broken = copy.deepcopy(RAW)
    mutate(broken)
    with pytest.raises(InvalidRelease):
        parse_release(json.loads(json.dumps(broken), parse_float=Decimal))


def test_metadata_and_default():
    assert "CQ-2025.2" in available_release_codes() and DEFAULT_RELEASE_CODE == "CQ-2025.2"
    assert (RELEASE.method_version, RELEASE.gwp_set) == ("zhonghe-method/2", "AR5")
    assert RELEASE.notes and RELEASE.notes_en and all(CJK.search(note) for note in RELEASE.notes)
    assert all(isinstance(item["value"], str) for item in RAW["factors"].values())


# MEE/NBS 公告2025年第47号, 2023年电力二氧化碳排放因子 table 3, kgCO2/kWh, all 30 provinces.
TABLE_3 = {
    "11": "0.5554", "12": "0.6796", "13": "0.6516", "14": "0.6634", "15": "0.6479", "21": "0.4878",
    "22": "0.4671", "23": "0.5229", "31": "0.5737", "32": "0.5827", "33": "0.4974", "34": "0.6553",
    "35": "0.4211", "36": "0.5836", "37": "0.6191", "41": "0.5897", "42": "0.4044", "43": "0.4976",
    "44": "0.4419", "45": "0.4476", "46": "0.3648", "50": "0.5581", "51": "0.1564", "52": "0.5683",
    "53": "0.1333", "61": "0.6335", "62": "0.4471", "63": "0.1796", "64": "0.6187", "65": "0.6021",
}  # fmt: skip


def test_the_grid_table_is_the_whole_2023_table():
    grid = RELEASE.method2.grid
    assert {code: str(RELEASE.factor(key).value) for code, key in grid.provinces.items()} == TABLE_3
    assert RELEASE.factor(grid.national).value == D("0.5306")
    assert RELEASE.factor(grid.residual).value == D("0.6096")
    assert RELEASE.factor(grid.green).value == D("0")
    assert {RELEASE.factor(key).value for key in grid.regions.values()} == {D("0.2472")}
    regions = {key: RELEASE.factor(key).value for key in RELEASE.factors if key.startswith("electricity.grid_region")}
    assert sorted(regions.values()) == sorted(
        map(D, ["0.6361", "0.5122", "0.5500", "0.5271", "0.5543", "0.4042", "0.2472"])
    )


def test_cabin_multipliers_and_rf_are_the_desnz_2025_ones():
    parts = RELEASE.method2
    international = {cabin: value.value for cabin, value in parts.cabin_multipliers["international"].items()}
    assert international == {
        "economy": D("1.000"),
        "premium_economy": D("1.600"),
        "business": D("2.900"),
        "first": D("4.000"),
    }
    assert parts.cabin_multipliers["domestic"]["business"].value == D("1.500")
    assert (parts.rf_uplift.value, parts.rf_default) == (D("0.7"), False)
    assert (parts.gwp_sets["AR5"]["CH4"].value, parts.gwp_sets["AR5"]["N2O"].value) == (D("28"), D("265"))
    assert (parts.gwp_sets["AR6"]["CH4"].value, parts.gwp_sets["AR6"]["N2O"].value) == (D("29.8"), D("273"))


def test_combustion_factors_carry_ipcc_ch4_and_n2o_per_tj():
    # IPCC 2006 Vol. 2: Table 2.4 (commercial stationary), 3.2.2 (road), 3.3.1 (off-road), kg/TJ.
    expected = {
        "fuel.natural_gas": ("5", "0.1"), "fuel.diesel": ("10", "0.6"), "fuel.gasoline": ("10", "0.6"),
        "fuel.lpg": ("5", "0.1"), "fuel.diesel_mobile": ("3.9", "3.9"), "fuel.gasoline_mobile": ("3.8", "5.7"),
        "fuel.diesel_offroad": ("4.15", "28.6"), "fuel.lpg_mobile": ("62", "0.2"), "fuel.cng_mobile": ("92", "3"),
    }  # fmt: skip
    for key, (ch4, n2o) in expected.items():
        params = RELEASE.factor(key).params
        assert (params["ch4_kg_per_tj"].value, params["n2o_kg_per_tj"].value) == (D(ch4), D(n2o)), key
        assert params["ch4_kg_per_tj"].unit == "kg/TJ" and params["ncv"].unit.startswith("GJ/")
    assert RELEASE.factor("fuel.diesel").params["density_kg_per_l"].value == D("0.830")
    assert RELEASE.factor("fuel.gasoline").params["density_kg_per_l"].value == D("0.7475")


def test_the_quality_tiers_grow_with_less_direct_data():
    tiers = [
        RELEASE.method2.quality_tiers[name].value
        for name in ("metered", "invoiced", "surveyed", "estimated", "default")
    ]
    assert tiers == sorted(tiers) and tiers[0] > 0
    assert all(factor.uncertainty_pct is not None for factor in RELEASE.factors.values())


def test_rail_lengths_are_the_published_ones():
    lengths = {(entry.b_name, entry.modes): entry.length.value for entry in RELEASE.method2.rail_distances}
    assert lengths[("成都", ("hsr",))] == D("308")
    assert lengths[("贵阳", ("hsr",))] == D("345")
    assert lengths[("北京", ("hsr",))] == D("1068") + D("693")
    assert lengths[("长沙", ("hsr",))] == D("242") + D("336.308") + D("154")
    assert lengths[("成都", ("rail",))] == D("505")
