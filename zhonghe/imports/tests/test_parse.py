"""Parsing attendee and activity files: encodings, headers, every error kind with its row, XLSX edge cases."""

import hashlib
from decimal import Decimal

import pytest
from openpyxl.styles import Font

from zhonghe.data.factor_releases import load_release
from zhonghe.imports import parse as parse_module
from zhonghe.imports import reading
from zhonghe.imports.errors import MESSAGES, ImportRefused
from zhonghe.imports.parse import parse_file
from zhonghe.imports.places import PlaceResolver

from .spreadsheets import ACTIVITY_ZH, EN, ZH, codes, csv_bytes, xlsx_bytes

D = Decimal
GOOD = ["张三", "成都", "", "高铁", "是", "2", "", "", ""]


def parse(data, kind="attendees", **options):
    options.setdefault("venue", "重庆")
    return parse_file(data, kind, **options)


@pytest.mark.parametrize(
    ("encoding", "reported"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030")]
)
def test_the_three_encodings_are_detected_and_reported(encoding, reported):
    data = csv_bytes([ZH, GOOD], encoding)
    result = parse(data)
    assert result.ok, result.errors
    assert (result.encoding, result.file_format, result.row_count) == (reported, "csv", 1)
    assert result.rows[0].origin.code == "510100" and result.rows[0].name == "张三"
    assert result.sha256 == hashlib.sha256(data).hexdigest()


def test_gb18030_bytes_are_not_utf8_so_detection_is_not_a_guess():
    data = csv_bytes([ZH, GOOD], "gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


@pytest.mark.parametrize("data", [b"\x80\x81\xff\xfe,\xff\n", "出发地,交通方式\n成都,高铁\n".encode("utf-16")])
def test_a_file_in_no_known_encoding_is_refused_naming_the_encodings_tried(data):
    result = parse(data)
    assert result.rows == () and codes(result) == [(None, "", "unknown_encoding")]
    for name in ("UTF-8", "UTF-8 with BOM", "GB18030"):
        assert name in result.errors[0].message_en and name in result.errors[0].message_zh
    with pytest.raises(ImportRefused) as refused:
        result.raise_for_errors()
    assert refused.value.errors == list(result.errors)


def test_english_headers_and_the_bilingual_header_rows_are_accepted():
    english = parse(csv_bytes([EN, GOOD]))
    bilingual = parse(csv_bytes([ZH, EN, GOOD]))
    reversed_rows = parse(csv_bytes([EN, ZH, GOOD]))
    for result in (english, bilingual, reversed_rows):
        assert result.ok, result.errors
        assert result.row_count == 1 and result.rows[0].trips == 2 and result.rows[0].mode == "hsr"
    assert bilingual.rows[0].row == 3  # the row as the spreadsheet numbers it


def test_header_variants_half_width_brackets_case_and_spaces():
    header = ["Origin ", "MODE", "round_trip", "单程距离(公里)"]
    result = parse(csv_bytes([header, ["成都", "自驾", "否", "12.5"]]))
    assert result.ok, result.errors
    assert result.rows[0].distance_km == D("12.5") and result.rows[0].destination.code == "500000"


def test_every_row_error_kind_is_reported_with_its_row_and_column():
    rows = [
        ZH,
        GOOD,  # row 2 fine
        ["", "火星", "", "高铁", "是", "1", "", "", ""],  # 3 unknown place
        ["", "朝阳区", "", "飞机", "是", "1", "", "", ""],  # 4 ambiguous place
        ["", "成都", "", "潜艇", "是", "1", "", "", ""],  # 5 unknown mode
        ["", "成都", "", "高铁", "是", "-3", "", "", ""],  # 6 negative count
        ["", "成都", "", "高铁", "是", "两", "", "", ""],  # 7 non-numeric count
        ["", "", "", "高铁", "", "1", "", "", ""],  # 8 empty required cells
        ["", "成都", "", "高铁", "也许", "1.5", "", "", ""],  # 9 unknown yes/no, not whole
        ["", "成都", "", "高铁", "是", "1", "", "商务舱", "3"],  # 10 cabin and occupancy do not apply
        ["", "渝中区", "渝中区", "出租车", "否", "1", "", "", ""],  # 11 same place, no distance
        ["", "成都", "", "自驾", "是", "1", "200000", "", "0"],  # 12 out of range
    ]
    result = parse(csv_bytes(rows))
    assert codes(result) == [
        (3, "出发地", "unknown_place"),
        (4, "出发地", "ambiguous_place"),
        (5, "交通方式", "unknown_mode"),
        (6, "人次", "negative_number"),
        (7, "人次", "not_a_number"),
        (8, "出发地", "empty_required_cell"),
        (8, "往返", "empty_required_cell"),
        (9, "往返", "unknown_value"),
        (9, "人次", "not_a_whole_number"),
        (10, "舱位", "not_applicable"),
        (10, "同乘人数", "not_applicable"),
        (11, "单程距离（公里）", "same_place"),
        (12, "单程距离（公里）", "out_of_range"),
        (12, "同乘人数", "out_of_range"),
    ]
    assert [row.row for row in result.rows] == [2] and result.row_count == 11
    ambiguous = result.errors[1]
    assert "110105" in ambiguous.message_en and "吉林省长春市朝阳区" in ambiguous.message_zh
    for error in result.errors:
        assert error.message_zh and error.message_en and error.message_zh != error.message_en
    with pytest.raises(ImportRefused):
        result.raise_for_errors()


def test_header_errors_duplicate_unknown_and_missing_columns():
    result = parse(csv_bytes([["出发地", "origin", "颜色", "人次"], ["成都", "成都", "红", "1"]]))
    assert codes(result) == [
        (1, "origin", "duplicate_header"),
        (1, "颜色", "unknown_header"),
        (1, "交通方式", "missing_required_column"),
        (1, "往返", "missing_required_column"),
    ]
    assert result.rows == ()


def test_missing_destination_without_a_venue_is_an_empty_required_cell():
    result = parse_file(csv_bytes([ZH, GOOD]), "attendees")
    assert codes(result) == [(2, "目的地", "empty_required_cell")]


def test_an_empty_file_is_refused():
    assert codes(parse(b"")) == [(None, "", "empty_file")]
    assert codes(parse(b"\r\n,,,\r\n")) == [(None, "", "empty_file")]


def test_limits_are_constants_and_refuse_beyond(monkeypatch):
    assert (reading.MAX_BYTES, parse_module.MAX_DATA_ROWS) == (50 * 1024 * 1024, 1_000_000)
    data = csv_bytes([ZH, GOOD, GOOD, GOOD])
    monkeypatch.setattr(reading, "MAX_BYTES", len(data) - 1)
    assert codes(parse(data)) == [(None, "", "file_too_large")]
    monkeypatch.setattr(reading, "MAX_BYTES", len(data))
    monkeypatch.setattr(parse_module, "MAX_DATA_ROWS", 2)
    refused = parse(data)
    assert codes(refused) == [(None, "", "too_many_rows")] and refused.rows == ()
    monkeypatch.setattr(parse_module, "MAX_DATA_ROWS", 3)
    assert parse(data).ok


def test_repeated_rows_are_validated_alike_whatever_their_position():
    rows = [ZH] + [GOOD, ["", "火星", "", "高铁", "是", "1", "", "", ""]] * 3
    result = parse(csv_bytes(rows))
    assert [row.row for row in result.rows] == [2, 4, 6]
    assert codes(result) == [
        (3, "出发地", "unknown_place"),
        (5, "出发地", "unknown_place"),
        (7, "出发地", "unknown_place"),
    ]
    assert {row.name for row in result.rows} == {"张三"}


def test_distinct_place_texts_are_listed_for_confirmation():
    result = parse(csv_bytes([ZH, GOOD, ["", "Chengdu", "", "高铁", "是", "1", "", "", ""], GOOD]))
    assert {text: res.confirmation() for text, res in result.places.items()} == {
        "成都": "成都 → 四川省成都市",
        "重庆": "重庆 → 重庆市",
        "Chengdu": "Chengdu → 四川省成都市",
    }


def test_a_resolver_with_corrections_settles_ambiguous_rows():
    data = csv_bytes([ZH, ["", "朝阳区", "", "飞机", "是", "1", "", "", ""]] * 1)
    assert codes(parse(data)) == [(2, "出发地", "ambiguous_place")]
    fixed = parse(data, resolver=PlaceResolver({"朝阳区": "110105"}))
    assert fixed.ok and fixed.rows[0].origin.label == "北京市朝阳区"


# XLSX


def test_xlsx_numbers_become_decimals_without_binary_noise():
    rows = [ZH, ["张三", "成都", None, "自驾", True, 3.0, 0.1, None, 2]]
    result = parse(xlsx_bytes(rows))
    assert result.ok, result.errors
    row = result.rows[0]
    assert (row.trips, row.distance_km, row.occupancy, row.round_trip) == (3, D("0.1"), D("2"), True)
    assert str(row.distance_km) == "0.1" and result.encoding == "xlsx"


def test_xlsx_formula_cells_are_refused_with_their_row():
    rows = [ZH, ["张三", "成都", None, "高铁", "是", "=1+1", None, None, None], ["李四", "成都", None, "高铁", "是", 1]]
    result = parse(xlsx_bytes(rows))
    assert codes(result) == [(2, "人次", "formula_cell")]
    assert "=1+1" in result.errors[0].message_en and [row.row for row in result.rows] == [3]


def test_xlsx_title_row_merged_above_the_header_is_skipped_and_rows_keep_their_numbers():
    rows = [["2026年重庆论坛参会人员交通"], ZH, GOOD, ["", "火星", "", "高铁", "是", 1]]
    result = parse(xlsx_bytes(rows, merge=["A1:I1"]))
    assert result.header_row == 2
    assert [row.row for row in result.rows] == [3] and codes(result) == [(4, "出发地", "unknown_place")]


def test_xlsx_merged_header_cell_with_data_under_it_is_an_error():
    header = ["姓名", "出发地", None, "交通方式", "往返"]
    rows = [header, ["张三", "成都", "四川", "高铁", "是"], ["李四", "成都", None, "高铁", "是"]]
    result = parse(xlsx_bytes(rows, merge=["B1:C1"]))
    assert codes(result) == [(2, "出发地", "merged_header")]
    assert [row.row for row in result.rows] == [3]


def test_xlsx_unnamed_column_with_data_is_an_error():
    rows = [["出发地", "交通方式", "往返", None], ["成都", "高铁", "是", "备注"], ["成都", "高铁", "是", None]]
    result = parse(xlsx_bytes(rows))
    assert codes(result) == [(2, "D", "unnamed_column")] and [row.row for row in result.rows] == [3]


def test_data_right_of_the_last_header_is_an_error():
    result = parse(
        csv_bytes([["出发地", "交通方式", "往返"], ["成都", "高铁", "是", "", "多余"], ["成都", "高铁", "是", ""]])
    )
    assert codes(result) == [(2, "E", "unnamed_column")] and [row.row for row in result.rows] == [3]


def test_an_oversized_sheet_is_refused_before_reading(monkeypatch):
    data = xlsx_bytes([ZH, GOOD])
    monkeypatch.setattr(reading, "MAX_SHEET_XML_BYTES", 100)
    assert codes(parse(data)) == [(None, "", "file_too_large")]


def test_a_workbook_damaged_inside_is_refused_not_crashed():
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([ZH, GOOD])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]  # cut in the middle of the rows
            target.writestr(item, content)
    assert codes(parse(out.getvalue())) == [(None, "", "not_a_spreadsheet")]


def test_xlsx_trailing_empty_and_styled_rows_are_ignored():
    def trailing(sheet):
        sheet.cell(row=40, column=3).font = Font(bold=True)  # a styled, empty cell far below
        sheet.cell(row=41, column=2).value = "   "

    result = parse(xlsx_bytes([ZH, GOOD, GOOD], after=trailing))
    assert result.ok, result.errors
    assert result.row_count == 2 and [row.row for row in result.rows] == [2, 3]


def test_xlsx_that_is_not_a_workbook_is_refused():
    result = parse(b"PK\x03\x04 not really a zip")
    assert codes(result) == [(None, "", "not_a_spreadsheet")]


# Activity data


def test_activity_rows_with_chinese_words_and_defaults():
    rows = [
        ACTIVITY_ZH,
        ["电力", "electricity.grid", "12,000.5", "度", "筹备", "发票", "主会场"],
        ["餐饮", "meals.standard", "300", "份"],
    ]
    result = parse(csv_bytes(rows), "activities", release=load_release("CQ-2025"))
    assert result.ok, result.errors
    first, second = result.rows
    assert (first.category, first.quantity, first.unit, first.phase, first.quality) == (
        "electricity", D("12000.5"), "度", "preparation", "invoiced"
    )  # fmt: skip
    assert (second.phase, second.quality, second.description) == ("holding", "estimated", "")


def test_activity_row_errors():
    rows = [
        ACTIVITY_ZH,
        ["交通", "travel.hsr", "1", "passenger-km"],
        ["电力", "fuel.diesel", "1", "kWh"],
        ["电力", "electricity.nuclear", "1", "kWh"],
        ["电力", "electricity.grid", "1", "吨"],
        ["玩具", "electricity.grid", "-1", "kWh", "明天", "猜的"],
    ]
    result = parse(csv_bytes(rows), "activities", release=load_release("CQ-2025"))
    assert codes(result) == [
        (2, "类别", "wrong_template"),
        (3, "排放因子", "not_applicable"),
        (4, "排放因子", "unknown_factor"),
        (5, "单位", "unit_mismatch"),
        (6, "类别", "unknown_value"),
        (6, "数量", "negative_number"),
        (6, "阶段", "unknown_value"),
        (6, "数据质量", "unknown_value"),
    ]
    assert result.rows == ()


def test_every_error_code_has_both_languages():
    assert all(zh and en for zh, en in MESSAGES.values())
