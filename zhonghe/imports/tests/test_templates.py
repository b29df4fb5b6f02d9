"""Templates parse with their example rows; the file comes back with an error column."""

import csv
import io

import pytest
from openpyxl import load_workbook

from zhonghe.data.factor_releases import load_release
from zhonghe.imports.annotate import annotated_file
from zhonghe.imports.columns import COLUMNS, Kind
from zhonghe.imports.parse import parse_file
from zhonghe.imports.templates import EXAMPLES, template_csv, template_xlsx

from .spreadsheets import ZH, csv_bytes, xlsx_bytes


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("build", [template_csv, template_xlsx])
def test_each_template_parses_with_its_example_rows(kind, build):
    result = parse_file(build(kind), kind, venue="重庆", release=load_release("CQ-2025"))
    assert result.ok, result.errors
    assert result.row_count == len(result.rows) == len(EXAMPLES[kind])
    assert [row.row for row in result.rows] == [3 + index for index in range(len(EXAMPLES[kind]))]


@pytest.mark.parametrize("kind", list(Kind))
def test_csv_template_has_bom_and_both_header_rows(kind):
    data = template_csv(kind)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [column.zh for column in COLUMNS[kind]] and rows[1] == [column.key for column in COLUMNS[kind]]


def test_attendee_headers_are_the_agreed_ones():
    assert [column.key for column in COLUMNS[Kind.ATTENDEES]] == [
        "name", "origin", "destination", "mode", "round_trip", "trips", "distance_km", "cabin", "occupancy"
    ]  # fmt: skip
    assert [column.zh for column in COLUMNS[Kind.ACTIVITIES]] == [
        "类别",
        "排放因子",
        "数量",
        "单位",
        "阶段",
        "数据质量",
        "说明",
    ]


def test_xlsx_template_has_a_notes_sheet_for_every_column():
    workbook = load_workbook(io.BytesIO(template_xlsx(Kind.ATTENDEES)))
    assert workbook.sheetnames == ["数据", "说明"]
    notes = [row for row in workbook["说明"].iter_rows(values_only=True)]
    described = {row[0]: row for row in notes[1:] if row and row[0] in {c.zh for c in COLUMNS[Kind.ATTENDEES]}}
    assert set(described) == {column.zh for column in COLUMNS[Kind.ATTENDEES]}
    assert described["交通方式"][1] == "mode" and "高铁" in described["交通方式"][3]
    assert described["出发地"][2].startswith("是") and described["姓名"][2].startswith("否")


def _bad_rows():
    return [ZH, ["张三", "成都", "", "高铁", "是", "1", "", "", ""], ["", "火星", "", "潜艇", "是", "1", "", "", ""]]


def test_csv_comes_back_with_an_error_column():
    data = csv_bytes(_bad_rows(), "gb18030")
    result = parse_file(data, "attendees", venue="重庆")
    back = list(csv.reader(io.StringIO(annotated_file(data, result.errors, result.header_row).decode("utf-8-sig"))))
    assert back[0] == [*ZH, "错误"]
    assert back[1][-1] == ""
    assert back[2][:9] == _bad_rows()[2] and "出发地: 无法识别的地点“火星”" in back[2][-1] and "交通方式" in back[2][-1]
    english = annotated_file(data, result.errors, result.header_row, language="en").decode("utf-8-sig")
    assert "unknown place '火星'" in english and english.splitlines()[0].endswith(",errors")


def test_xlsx_comes_back_with_an_error_column_and_header_errors_on_the_header_row():
    rows = [["出发地", "交通方式", "颜色"], ["成都", "高铁", "红"], ["火星", "高铁", "蓝"]]
    data = xlsx_bytes(rows)
    result = parse_file(data, "attendees", venue="重庆")
    back = load_workbook(io.BytesIO(annotated_file(data, result.errors, result.header_row)))
    values = [list(row) for row in back.active.iter_rows(values_only=True)]
    assert values[0][:3] == rows[0] and "颜色" in values[0][3] and "往返" in values[0][3]
    assert values[1][:3] == rows[1] and values[1][3] is None
    assert values[2][:3] == rows[2] and "火星" in values[2][3]
