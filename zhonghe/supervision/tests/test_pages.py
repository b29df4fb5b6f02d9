"""The bureau's pages and downloads: who may see them, what they show, and Excel equal to the page's table."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from zhonghe.supervision.tests.dataset import build
from zhonghe.web.tests.conftest import login

PAGES = ("events", "emissions", "offsets", "deadlines")


@pytest.fixture
def data(actors):
    return build(actors)


@pytest.mark.parametrize("name", PAGES)
def test_pages_render_for_the_bureau_only(actors, data, name):
    url = reverse(f"web:supervision:{name}")
    response = login("bureau").get(url, {"year": "2028", "level": "municipal"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="supervision-charts"' in page and "supervision/charts.js" in page
    assert "<script>" not in page  # no inline script (CSP): data travels in a json_script block
    assert login("organiser").get(url).status_code == 403


def test_overview_shows_the_department_table_and_targets(actors, data):
    page = login("bureau").get(reverse("web:supervision:events")).content.decode()
    assert "市商务委" in page and "渝中区人民政府" in page
    assert 'data-testid="target-current"' in page


def test_bad_filter_values_are_ignored_not_errors(actors, data):
    response = login("bureau").get(reverse("web:supervision:events"), {"year": "abc", "kind": "x", "page": "999"})
    assert response.status_code == 200


def _sheet_rows(content: bytes) -> list[tuple]:
    ws = load_workbook(BytesIO(content)).active
    return [row for row in ws.iter_rows(values_only=True)]


def test_chart_download_equals_the_table(actors, data):
    client = login("bureau")
    response = client.get(reverse("web:supervision:table_xlsx", args=["coverage_department"]))
    assert response.status_code == 200
    rows = _sheet_rows(response.content)
    body = {r[0]: r[1:4] for r in rows if r[0] in ("市商务委", "市国资委", "渝中区人民政府")}
    assert body == {"市商务委": (3, 1, 2), "市国资委": (2, 1, 1), "渝中区人民政府": (2, 0, 2)}
    assert client.get(reverse("web:supervision:table_xlsx", args=["nope"])).status_code == 404
    assert login("organiser").get(reverse("web:supervision:table_xlsx", args=["deadlines"])).status_code == 403


def test_deadline_download_under_a_filter(actors, data):
    url = reverse("web:supervision:table_xlsx", args=["deadlines"])
    with time_machine.travel(datetime(2028, 3, 1, 12, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        client = login("bureau")
        rows = _sheet_rows(client.get(url, {"level": "district"}).content)
    counts = [r[1] for r in rows if isinstance(r[1], int)]
    assert counts == [1, 1, 0]  # district events on 2028-03-01: e6 due on 03-08, e8 overdue since 01-31


def test_english_on_request(actors, data):
    client = login("bureau")
    page = client.get(reverse("web:supervision:events") + "?lang=en").content.decode()
    assert "By supervising department: obliged and neutralised events" in page
    assert "Download Excel" in page


def test_a_tables_numbers_are_grouped_on_the_page_and_formatted_in_excel():
    from decimal import Decimal

    from openpyxl import Workbook

    from zhonghe.supervision.exports import write_table
    from zhonghe.supervision.tables import Table

    headers = ["分组", "排放量（千克）", "排放量（吨）", "活动数", "占比（%）"]
    row = ["会议", Decimal("1234567.891"), Decimal("1234.568"), 12345, Decimal("12.5")]
    table = Table("t", "T", headers, rows=[row, ["展览", None, Decimal("0"), 0, None]], kinds=(None, "kg", "t", "0"))
    assert table.display_rows() == [
        ["会议", "1,234,567.9", "1,234.568", "12,345", Decimal("12.5")],
        ["展览", "—", "0.000", "0", "—"],
    ]
    ws = Workbook().active
    write_table(ws, table)
    cells = list(ws.iter_rows(min_row=3, max_row=3))[0]
    assert [c.value for c in cells] == row  # numbers stay numbers
    assert [c.number_format for c in cells] == ["General", "#,##0.0", "#,##0.000", "#,##0", "General"]


def test_the_emission_tables_show_grouped_figures_and_download_with_their_formats(actors, data):
    from zhonghe.web.templatetags.zhonghe_numbers import format_number

    client = login("bureau")
    page = client.get(reverse("web:supervision:emissions")).content.decode()
    table = page[page.index('data-testid="table-emissions_source"') :]
    table = table[: table.index("</table>")]
    ws = load_workbook(BytesIO(client.get(reverse("web:supervision:table_xlsx", args=["emissions_source"])).content))
    rows = [r for r in ws.active.iter_rows(min_row=6) if r[0].value]
    assert rows
    for r in rows:
        assert (r[1].number_format, r[2].number_format) == ("#,##0.0", "#,##0.000")
        assert f"<td>{format_number(r[1].value, 'kg')}</td><td>{format_number(r[2].value, 't')}</td>" in table


def test_the_offset_tables_show_whole_tonnes_and_download_as_integers(actors):
    from zhonghe.api.tests.support import certified_event
    from zhonghe.web.templatetags.zhonghe_numbers import format_number

    event, _ = certified_event(actors)  # 12 t retired
    client = login("bureau")
    page = client.get(reverse("web:supervision:offsets")).content.decode()
    table = page[page.index('data-testid="table-offsets_type"') :]
    table = table[: table.index("</table>")]
    ws = load_workbook(BytesIO(client.get(reverse("web:supervision:table_xlsx", args=["offsets_type"])).content))
    rows = [r for r in ws.active.iter_rows(min_row=6) if r[0].value]
    assert rows
    for r in rows:
        assert isinstance(r[1].value, int) and r[1].number_format == "#,##0"  # credits: whole tonnes
        assert f"<td>{r[0].value}</td><td>{format_number(r[1].value, 'credits')}</td>" in table
    total = sum(r[1].value for r in rows)
    assert total == sum(r.quantity_t for r in event.retirements.all())
    assert f'data-testid="offsets-total-t">{format_number(total, "credits")}<' in page
    assert ".000" not in table
