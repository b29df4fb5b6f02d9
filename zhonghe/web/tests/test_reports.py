"""The accounting report (核算报告): PDF and Excel downloads. The PDF shows the inventory's figures as the pages do
(kg to 0.1, thousands grouped); the workbook's cells hold them to the gram, with a grouped number format."""

from __future__ import annotations

import io
import json
import re
import subprocess
from decimal import Decimal

import pytest
import time_machine
from openpyxl import load_workbook

from zhonghe.footprints.services import activity_add, inventory_freeze
from zhonghe.footprints.tests.builders import AFTER_EVENT, planned_event
from zhonghe.lib.tools import require_binary
from zhonghe.web.templatetags.zhonghe_numbers import format_number
from zhonghe.web.tests.conftest import login

pytestmark = pytest.mark.django_db

ACTIVITIES = [
    dict(category="electricity", factor_key="electricity.grid", quantity="18000", unit="度", quality="metered",
         phase="holding", green_kwh="3000", green_certificates=["GEC-2027-0001"]),
    dict(category="electricity", factor_key="electricity.grid", quantity="2500.5", phase="preparation"),
    dict(category="travel", travel_mode="flight_domestic", person_trips=40, place_kind="airport", origin="PEK",
         destination="CKG", cabin="economy"),
    dict(category="travel", travel_mode="hsr", person_trips=120, place_kind="city", origin="成都市",
         destination="渝中区"),
    dict(category="water", factor_key="water.tap", quantity="85", unit="m³", phase="closing", quality="invoiced"),
]  # fmt: skip


@pytest.fixture
def inventory(actors):
    event = planned_event(actors.organiser)
    for fields in ACTIVITIES:
        activity_add(actor=actors.organiser, code=event.code, stage="after", **fields)
    with time_machine.travel(AFTER_EVENT, tick=False):
        return inventory_freeze(actor=actors.organiser, code=event.code)


def _url(inventory, kind: str) -> str:
    return f"/events/{inventory.event.code}/inventories/{inventory.version}/report.{kind}"


def _sums(inventory, key: str) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for line in inventory.lines:
        totals[line[key]] = totals.get(line[key], Decimal(0)) + Decimal(line["kg_co2e"])
    return totals


def _pdf_text(body: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(body)
    pdftotext = require_binary("pdftotext")  # skips locally without poppler-utils, fails in CI
    return subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


GROUPED = re.compile(r"(?<![\d,.])\d{1,3}(?:,\d{3})*\.\d+\b")  # 22,395.5 · 1,234.567 · 0.3


def test_pdf_numbers_equal_the_inventory_grouped(actors, inventory, tmp_path):
    response = login("organiser").get(_url(inventory, "pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content, tmp_path)
    assert "核算报告" in text and inventory.event.name in text
    numbers = GROUPED.findall(text)
    assert inventory.total_kg_co2e >= 1000  # so the total is printed with a thousands separator
    total = format_number(inventory.total_kg_co2e, "kg")
    assert "," in total and total in numbers and f"{inventory.total_kg_co2e}" not in text
    assert format_number(inventory.total_t_co2e, "t") in numbers
    required = next(line for line in text.splitlines() if "应抵消" in line)  # credits: whole tonnes
    assert required.split()[-2:] == [format_number(inventory.required_offset_t, "credits"), "t"]
    for kg in _sums(inventory, "category").values():
        assert format_number(kg, "kg") in numbers
    for kg in _sums(inventory, "phase").values():
        assert format_number(kg, "kg") in numbers
    for line in inventory.lines:
        assert format_number(line["kg_co2e"], "kg") in numbers
    low, high = format_number(inventory.range_low_kg_co2e, "kg"), format_number(inventory.range_high_kg_co2e, "kg")
    assert f"{low} – {high}" in text
    for line in inventory.lines:  # every factor's Chinese citation (first words: the PDF wraps long lines)
        assert line["factor_source"][:12] in text.replace("\n", "")
    assert "筹备" in text and "举办" in text and "收尾" in text


def test_workbook_numbers_equal_the_inventory_to_the_gram(actors, inventory):
    response = login("organiser").get(_url(inventory, "xlsx"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["概要", "按排放源和阶段", "活动数据", "排放因子及来源", "核算方法"]

    def kg(value) -> Decimal:
        return Decimal(str(value)).quantize(Decimal("0.001"))

    data = list(book["活动数据"].iter_rows(min_row=2, values_only=True))
    *rows, total_row = data
    assert sorted(kg(row[-1]) for row in rows) == sorted(Decimal(line["kg_co2e"]) for line in inventory.lines)
    assert sum(kg(row[-1]) for row in rows) == inventory.total_kg_co2e == kg(total_row[-1])
    totals = {row[0]: row[1] for row in book["按排放源和阶段"].iter_rows(values_only=True) if row[0]}
    assert kg(totals["电力"]) == _sums(inventory, "category")["electricity"]
    assert kg(totals["交通出行"]) == _sums(inventory, "category")["travel"]
    assert kg(totals["筹备"]) == _sums(inventory, "phase")["preparation"]
    assert kg(totals["收尾"]) == _sums(inventory, "phase")["closing"]
    kg_cells = [row[-1] for row in book["活动数据"].iter_rows(min_row=2)]
    kg_cells += [row[1] for row in book["按排放源和阶段"].iter_rows() if row[0].value and row[1].data_type == "n"]
    assert kg_cells and all(cell.number_format == "#,##0.0" for cell in kg_cells)  # shown as the pages show kg
    sources = [row[2] for row in book["排放因子及来源"].iter_rows(min_row=2, values_only=True)]
    assert {line["factor_source"] for line in inventory.lines} <= set(sources)


def test_english_report_cites_in_english(actors, inventory):
    from zhonghe.web.tests.test_i18n_pages import english

    response = english(login("organiser")).get(_url(inventory, "xlsx"))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Summary"
    factors = book.worksheets[3]
    sources = {row[2] for row in factors.iter_rows(min_row=2, values_only=True)}
    assert {line["factor_source_en"] for line in inventory.lines} <= sources


@pytest.mark.parametrize("kind", ["pdf", "xlsx"])
def test_other_organisations_get_404_the_bureau_may_read(actors, inventory, kind):
    assert login("outsider").get(_url(inventory, kind)).status_code == 404
    assert login("seller").get(_url(inventory, kind)).status_code == 404
    assert login("bureau").get(_url(inventory, kind)).status_code == 200
    missing = f"/events/{inventory.event.code}/inventories/99/report.{kind}"
    assert login("organiser").get(missing).status_code == 404


def test_anonymous_is_sent_to_log_in(client, inventory):
    response = client.get(_url(inventory, "pdf"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_event_page_links_the_reports_and_carries_chart_data(actors, inventory):
    page = login("organiser").get(f"/events/{inventory.event.code}/").content.decode()
    assert _url(inventory, "pdf") in page and _url(inventory, "xlsx") in page
    assert 'id="inventory-charts"' in page and "web/inventory_charts.js" in page
    match = re.search(r'<script id="inventory-charts" type="application/json">(.*?)</script>', page)
    data = json.loads(match.group(1))
    assert sum(Decimal(row["kg"]) for row in data["by_source"]) == inventory.total_kg_co2e
    assert sum(Decimal(row["kg"]) for row in data["by_phase"]) == inventory.total_kg_co2e
    assert {row["name"] for row in data["by_phase"]} == {"筹备", "举办", "收尾"}


def test_lines_show_sources_methods_phases_in_the_pages_language(actors, inventory):
    from django.utils.html import escape

    from zhonghe.web.tests.test_i18n_pages import english

    url = f"/events/{inventory.event.code}/"
    client = login("organiser")
    zh = client.get(url).content.decode()
    travel = [line for line in inventory.lines if line["distance_method"]]
    assert travel and all(escape(line["distance_method_zh"]) in zh for line in travel)
    assert all(escape(line["factor_source"]) in zh for line in inventory.lines)
    assert "筹备" in zh and "收尾" in zh and "计量（表计读数）" in zh
    en = english(client).get(url).content.decode()
    assert all(escape(line["factor_source_en"]) in en for line in inventory.lines)
    assert all(escape(line["distance_method"]) in en for line in travel)
    assert "Preparation" in en and "Closing" in en and "Metered" in en
