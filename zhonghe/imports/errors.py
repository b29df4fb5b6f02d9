"""Structured import errors: a stable code, the row and column as the spreadsheet shows them, zh + en text.

Pure (no Django): the messages are written here in both languages because the parser runs outside
a request (in a job, in ``footprint_file``); a page picks ``message_zh`` or ``message_en``.
"""

from __future__ import annotations

from dataclasses import dataclass

# code → (Chinese template, English template); {value} and {detail} are filled in per error.
MESSAGES: dict[str, tuple[str, str]] = {
    "empty_file": ("文件为空或没有表头行", "the file is empty or has no header row"),
    "file_too_large": ("文件超过 {detail}，请拆分后上传", "the file is larger than {detail}; split it"),
    "too_many_rows": ("数据行超过 {detail} 行，请拆分后上传", "more than {detail} data rows; split the file"),
    "unknown_encoding": (
        "无法识别文件编码（已尝试 {detail}），请另存为 UTF-8 CSV",
        "the file's encoding is not recognised (tried {detail}); save it as UTF-8 CSV",
    ),
    "not_a_spreadsheet": ("不是有效的 XLSX 或 CSV 文件：{detail}", "not a valid XLSX or CSV file: {detail}"),
    "duplicate_header": ("表头“{value}”出现了不止一次", "the header {value!r} appears more than once"),
    "unknown_header": ("无法识别的表头“{value}”", "unknown header {value!r}"),
    "missing_required_column": ("缺少必填列“{detail}”", "the required column {detail!r} is missing"),
    "merged_header": (
        "表头单元格“{value}”被合并，合并范围内的列有数据；请取消合并",
        "the header cell {value!r} is merged and a covered column holds data; unmerge it",
    ),
    "unnamed_column": ("该列没有表头但有数据", "this column has data but no header"),
    "formula_cell": (
        "单元格是公式（{value}），请粘贴为数值",
        "the cell holds a formula ({value}); paste it as a value",
    ),
    "empty_required_cell": ("必填单元格为空", "a required cell is empty"),
    "not_a_number": ("“{value}”不是数字", "{value!r} is not a number"),
    "not_a_whole_number": ("“{value}”不是整数", "{value!r} is not a whole number"),
    "negative_number": ("“{value}”不能为负数", "{value!r} must not be negative"),
    "out_of_range": ("“{value}”超出合理范围（{detail}）", "{value!r} is out of range ({detail})"),
    "unknown_mode": (
        "无法识别的交通方式“{value}”（可选：{detail}）",
        "unknown travel mode {value!r} (one of: {detail})",
    ),
    "unknown_value": ("无法识别的取值“{value}”（可选：{detail}）", "unknown value {value!r} (one of: {detail})"),
    "not_applicable": ("“{value}”不适用于{detail}", "{value!r} does not apply to {detail}"),
    "unknown_place": ("无法识别的地点“{value}”", "unknown place {value!r}"),
    "ambiguous_place": (
        "地点“{value}”有多个可能：{detail}；请写明省市或填写行政区划代码",
        "the place {value!r} is ambiguous: {detail}; add the province and city or give the adcode",
    ),
    "same_place": (
        "出发地与目的地相同，请填写单程距离",
        "origin and destination are the same place; give the one-way distance",
    ),
    "unknown_factor": ("因子发布版本中没有排放因子“{value}”", "the factor release has no emission factor {value!r}"),
    "unit_mismatch": ("单位“{value}”不能换算为因子的单位 {detail}", "unit {value!r} cannot be converted to {detail}"),
    "wrong_template": ("交通数据请使用参会人员交通模板", "travel belongs in the attendee travel template"),
}


@dataclass(frozen=True)
class RowError:
    """One problem: ``row`` as the spreadsheet numbers it (None for the whole file), ``column`` its header."""

    row: int | None
    column: str
    code: str
    message_zh: str
    message_en: str
    value: str = ""

    def line(self) -> str:
        """One line for a terminal: "row 5, 出发地: unknown_place: unknown place '火星'"."""
        where = "file" if self.row is None else f"row {self.row}"
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.code}: {self.message_en}"


def row_error(row: int | None, column: str, code: str, value: object = "", detail: str = "") -> RowError:
    zh, en = MESSAGES[code]
    text = "" if value is None else str(value)
    return RowError(row, column, code, zh.format(value=text, detail=detail), en.format(value=text, detail=detail), text)


class ImportRefused(ValueError):
    """The whole file is refused; ``errors`` lists every problem found (at least one)."""

    code = "import_refused"

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(error.line() for error in errors[:5]))
        self.errors = errors
