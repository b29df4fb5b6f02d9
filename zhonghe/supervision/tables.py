"""Each dashboard chart as one table: the chart's data, the HTML table beside it and its Excel download.

Building the chart, the table and the workbook from the same `Table` keeps the three equal by construction.
Labels are translated here (the current language); amounts stay Decimal/int, strings only in the chart JSON.
`kinds` names each column's number format (zhonghe_numbers: "t", "credits", "kg", "0" …; None leaves it as
is): the HTML table and the PDFs show `display_rows()`, the workbook keeps numbers and sets their number_format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from zhonghe.accounts.models import OrgLevel
from zhonghe.events.models import ActivityCategory, EventKind
from zhonghe.lib.numbers import format_number
from zhonghe.registry.models import CreditType, Origin
from zhonghe.supervision.figures import Cube, Tally
from zhonghe.web.templatetags.zhonghe_web import district_name

KG_PER_T = Decimal(1000)
Total = tuple[str, object, "str | None"]  # (label, value, kind): one headline figure of a report


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    chart: str = "bar"  # bar | coverage | pie
    target_pct: Decimal | None = None
    kinds: tuple[str | None, ...] = ()  # one per column; None (or missing) leaves the cell unformatted

    def kind_of(self, column: int) -> str | None:
        return self.kinds[column] if column < len(self.kinds) else None

    def display_rows(self) -> list[list]:
        """The rows as shown on the page and in the PDF: numbers grouped by their column's kind."""
        return [[display(cell, self.kind_of(i)) for i, cell in enumerate(row)] for row in self.rows]

    def chart_data(self) -> dict:
        """What static/supervision/charts.js draws: labels and the numeric columns as exact strings."""
        return {
            "key": self.key,
            "type": self.chart,
            "title": self.title,
            "headers": self.headers,
            "labels": [str(r[0]) for r in self.rows],
            "columns": [[_text(r[i]) for r in self.rows] for i in range(1, len(self.headers))],
            "target": _text(self.target_pct),
        }


def display(value, kind: str | None):
    """One cell as text: None is "—", a column with a kind goes through format_number, others stay as they are."""
    if value is None:
        return "—"
    return format_number(value, kind) if kind else value


def _text(value) -> str | None:
    return None if value is None else str(value)


def _level_label(code: str) -> str:
    return str(dict(OrgLevel.choices).get(code, "")) or _("未填报层级")


def _coverage_rows(tallies: list[Tally], label) -> list[list]:
    return [[label(t.key), t.obliged, t.neutralised, t.not_neutralised, t.coverage_pct, t.total] for t in tallies]


COVERAGE_KINDS = (None, "0", "0", "0", None, "0", None)  # counts grouped; percentages as computed
EMISSIONS_KINDS = (None, "kg", "t")
OFFSETS_KINDS = (None, "credits", None)


def coverage_tables(cube: Cube, targets: dict) -> list[Table]:
    headers = [_("分组"), _("须开展碳中和"), _("已完成"), _("未完成"), _("覆盖率（%）"), _("已提交活动")]
    current = targets.get("current")
    level_tallies = cube.by("level")
    level = Table(
        "coverage_level",
        _("按层级：须开展与已完成碳中和"),
        [*headers, _("目标（%）")],
        chart="coverage",
        kinds=COVERAGE_KINDS,
    )
    for t in level_tallies:
        in_scope = current is not None and t.key in current.levels
        level.rows.append([*_coverage_rows([t], _level_label)[0], current.expected_coverage_pct if in_scope else None])
    if current is not None:
        level.target_pct = current.expected_coverage_pct
    department = Table(
        "coverage_department", _("按主管部门：须开展与已完成碳中和"), headers, chart="coverage", kinds=COVERAGE_KINDS
    )
    department.rows = _coverage_rows(cube.by("department"), lambda k: k or _("未填报主管部门"))
    district = Table(
        "coverage_district", _("按所在区县：须开展与已完成碳中和"), headers, chart="coverage", kinds=COVERAGE_KINDS
    )
    district.rows = _coverage_rows(cube.by("district"), lambda k: district_name(k) or _("未填报区县"))
    kind = Table(
        "coverage_kind", _("按活动类型：须开展与已完成碳中和"), headers, chart="coverage", kinds=COVERAGE_KINDS
    )
    kind.rows = _coverage_rows(cube.by("kind"), lambda k: str(dict(EventKind.choices).get(k, k)))
    return [level, department, district, kind]


def emissions_tables(emissions: dict) -> list[Table]:
    headers = [_("分组"), _("排放量（千克二氧化碳当量）"), _("排放量（吨二氧化碳当量）")]
    categories = dict(ActivityCategory.choices)
    source = Table("emissions_source", _("按排放源类别的排放量"), headers, kinds=EMISSIONS_KINDS)
    for c in ActivityCategory.values:
        if c in emissions["by_source"]:
            kg = emissions["by_source"][c]
            source.rows.append([str(categories[c]), kg, (kg / KG_PER_T).quantize(Decimal("0.001"))])
    kinds = dict(EventKind.choices)
    kind = Table("emissions_kind", _("按活动类型的排放量"), headers, kinds=EMISSIONS_KINDS)
    for k in EventKind.values:
        if k in emissions["by_kind"]:
            kg = emissions["by_kind"][k]
            kind.rows.append([str(kinds[k]), kg, (kg / KG_PER_T).quantize(Decimal("0.001"))])
    return [source, kind]


def offsets_tables(offsets: dict) -> list[Table]:
    headers = [_("分组"), _("注销量（吨二氧化碳当量）")]
    types = dict(CreditType.choices)
    by_type = Table("offsets_type", _("按产品类型的抵消量"), headers, chart="pie", kinds=OFFSETS_KINDS)
    by_type.rows = [[str(types[t]), offsets["by_type"][t]] for t in CreditType.values if offsets["by_type"].get(t)]
    origins = dict(Origin.choices)
    by_origin = Table("offsets_origin", _("按优先产地的抵消量"), headers, kinds=OFFSETS_KINDS)
    by_origin.rows = [[str(origins[o]), offsets["by_origin"][o]] for o in Origin.values]
    share = Table("offsets_priority", _("优先产地占比"), [*headers, _("占比（%）")], chart="pie", kinds=OFFSETS_KINDS)
    total = offsets["total_t"]
    share.rows = [
        [_("来自优先产地"), offsets["priority_t"], offsets["priority_pct"]],
        [_("其他来源"), offsets["other_t"], None if not total else Decimal(100) - offsets["priority_pct"]],
    ]
    return [by_type, by_origin, share]


def deadline_table(counts: dict) -> Table:
    table = Table("deadlines", _("完成期限看板"), [_("分组"), _("活动数")], kinds=(None, "0"))
    table.rows = [
        [_("7日内到期"), counts["due_soon"]],
        [_("已逾期未完成"), counts["overdue"]],
        [_("逾期后完成"), counts["late"]],
    ]
    return table
