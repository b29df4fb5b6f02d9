"""Reports read back: the 注销记录 (pdftotext, openpyxl) and the annual workbook/PDF equal the inventories."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from zhonghe.api.tests.support import certified_event
from zhonghe.lib.tools import require_binary
from zhonghe.registry.serials import format_serial
from zhonghe.web.templatetags.zhonghe_numbers import format_number
from zhonghe.web.tests.conftest import login


@pytest.fixture
def certified(actors):
    event, certificate = certified_event(actors)
    return event, certificate


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(
        [require_binary("pdftotext"), "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_cancellation_record_pdf_lists_every_retirement_with_serials(actors, certified, tmp_path):
    event, _ = certified
    inventory = event.inventories.get()
    retirement = event.retirements.select_related("block__project").get()
    response = login("organiser").get(reverse("web:supervision:cancellations_pdf", args=[event.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content, tmp_path)
    code = retirement.block.project.code
    assert retirement.number in text
    assert format_serial(code, retirement.block.serial_first) in text
    assert format_serial(code, retirement.block.serial_last) in text
    assert inventory.total_kg_co2e >= 1000  # so the printed figure is grouped: "11,162.0"
    assert format_number(inventory.total_kg_co2e, "kg") in text and str(inventory.total_kg_co2e) not in text
    row = next(line for line in text.splitlines() if retirement.number in line)
    assert format_number(retirement.quantity_t, "credits") in row.split() and ".000" not in row  # whole tonnes
    summary = {line.split()[0]: line.split()[-1] for line in text.splitlines() if "（吨）" in line}
    assert summary["应抵消量（吨）"] == format_number(inventory.required_offset_t, "credits")
    assert summary["已注销合计（吨）"] == format_number(retirement.quantity_t, "credits")
    assert "评价说明" in text


def test_cancellation_record_xlsx_equals_the_inventory(actors, certified):
    event, _ = certified
    inventory = event.inventories.get()
    response = login("bureau").get(reverse("web:supervision:cancellations_xlsx", args=[event.code]))
    ws = load_workbook(BytesIO(response.content))["cancellations"]
    values = {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row and row[0]}
    assert Decimal(str(values["排放量（千克二氧化碳当量）"])) == inventory.total_kg_co2e
    assert values["应抵消量（吨）"] == inventory.required_offset_t
    assert values["已注销合计（吨）"] == sum(r.quantity_t for r in event.retirements.all())
    formats = {row[0].value: row[1].number_format for row in ws.iter_rows(max_col=2) if row[0].value}
    assert formats["排放量（千克二氧化碳当量）"] == "#,##0.0"
    assert formats["应抵消量（吨）"] == formats["已注销合计（吨）"] == "#,##0"  # credits: whole tonnes
    header = next(row for row in ws.iter_rows() if row[0].value == "注销编号")
    column = [c.value for c in header].index("数量（吨）")
    quantities = [row[column] for row in ws.iter_rows(min_row=header[0].row + 1) if row[0].value]
    assert quantities and all(isinstance(c.value, int) and c.number_format == "#,##0" for c in quantities)


def test_another_organisations_record_is_not_found(actors, certified):
    event, _ = certified
    assert login("outsider").get(reverse("web:supervision:cancellations_pdf", args=[event.code])).status_code == 404


def test_annual_workbook_and_pdf(actors, certified, tmp_path):
    event, _ = certified
    inventory = event.inventories.get()
    year = event.end_date.year
    client = login("bureau")
    wb = load_workbook(BytesIO(client.get(reverse("web:supervision:annual_xlsx", args=[year])).content))
    summary = {row[0]: row[1] for row in wb["summary"].iter_rows(values_only=True) if row and row[0]}
    assert summary["已获证书（含自愿）"] == 1
    assert Decimal(str(summary["排放量合计（千克二氧化碳当量）"])) == inventory.total_kg_co2e
    assert summary["注销量合计（吨）"] == inventory.required_offset_t
    formats = {row[0].value: row[1].number_format for row in wb["summary"].iter_rows(min_row=3, max_col=2)}
    assert formats["已获证书（含自愿）"] == "#,##0"
    assert formats["排放量合计（千克二氧化碳当量）"] == "#,##0.0" and formats["注销量合计（吨）"] == "#,##0"
    assert {"coverage_level", "coverage_department", "coverage_district", "coverage_kind"} <= set(wb.sheetnames)
    source = wb["emissions_source"]  # title, header, rows: group, kg, t
    rows = list(source.iter_rows(min_row=3))
    assert rows and all(r[1].number_format == "#,##0.0" and r[2].number_format == "#,##0.000" for r in rows)
    assert all(isinstance(r[1].value, int | float) for r in rows)  # still numbers, not text
    coverage = list(wb["coverage_kind"].iter_rows(min_row=3))
    assert coverage and all(r[1].number_format == "#,##0" for r in coverage)
    text = _pdf_text(client.get(reverse("web:supervision:annual_pdf", args=[year])).content, tmp_path)
    assert f"{year} 年度" in text and "按主管部门" in text
    assert inventory.total_kg_co2e >= 1000 and format_number(inventory.total_kg_co2e, "kg") in text
    assert login("organiser").get(reverse("web:supervision:annual_xlsx", args=[year])).status_code == 403


def test_public_figures_equal_the_bureaus(actors, certified):
    from zhonghe.supervision.figures import city_totals, coverage_cube, offsets_by_project
    from zhonghe.supervision.filters import Filters

    event, _ = certified
    response = Client().get(reverse("web:public_figures"))  # anonymous
    assert response.status_code == 200
    public = response.content.decode()
    today = event.deadline
    bureau_offsets = offsets_by_project(Filters(status="neutralised"), today)
    totals = city_totals(today=today)
    assert totals["certified_events"] == coverage_cube(Filters(), today).totals.certified == 1
    assert totals["offset_t"] == bureau_offsets["total_t"] == event.inventories.get().required_offset_t
    assert totals["priority_pct"] == bureau_offsets["priority_pct"] == 100  # the WULING project
    assert f'data-testid="public-offset-t">{format_number(totals["offset_t"], "credits")}<' in public


def test_the_bureau_list_links_the_record(actors, certified):
    event, _ = certified
    page = login("bureau").get(reverse("web:supervision:events")).content.decode()
    assert reverse("web:supervision:cancellations_pdf", args=[event.code]) in page
