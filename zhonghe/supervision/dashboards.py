"""One function per dashboard page: gathers the selectors' figures and turns them into tables and charts.

Views call exactly one of these and render. `TABLES` maps a chart key to the page that builds it, so the
Excel download of any chart recomputes the same table under the same filters.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import OrgLevel
from zhonghe.data.districts import district_choices
from zhonghe.events.models import EventKind
from zhonghe.lib.errors import NotFound
from zhonghe.supervision import selectors
from zhonghe.supervision.filters import STATUS_FILTERS, Filters
from zhonghe.supervision.tables import Table, Total, coverage_tables, deadline_table, emissions_tables, offsets_tables


def _form(filters: Filters) -> dict:
    this_year = timezone.localdate().year
    return {
        "filters": filters,
        "filter_qs": urlencode(filters.as_query()),
        "years": list(range(2025, this_year + 2)),
        "levels": OrgLevel.choices,
        "kinds": EventKind.choices,
        "districts": district_choices(),
        "statuses": STATUS_FILTERS,
        **selectors.filter_choices(),
    }


def _with_tables(ctx: dict, tables: list[Table]) -> dict:
    ctx["tables"] = tables
    ctx["charts"] = {t.key: t.chart_data() for t in tables}
    return ctx


def overview_page(actor: Actor, query, today: date | None = None) -> dict:
    filters = Filters.from_query(query)
    ctx = selectors.event_overview_for_reviewer(
        actor,
        show=query.get("show", "all"),
        filters=filters,
        sort=query.get("sort", "deadline"),
        page=query.get("page", 1),
        today=today,
    )
    ctx.update(_form(ctx["filters"]))
    return _with_tables(ctx, coverage_tables(ctx["cube"], ctx["targets"]))


def emissions_page(actor: Actor, query, today: date | None = None) -> dict:
    filters = Filters.from_query(query)
    emissions = selectors.emissions_for_reviewer(actor, filters=filters, today=today)
    ctx = {"emissions": emissions, **_form(filters)}
    return _with_tables(ctx, emissions_tables(emissions))


def offsets_page(actor: Actor, query, today: date | None = None) -> dict:
    filters = Filters.from_query(query)
    offsets = selectors.offsets_for_reviewer(actor, filters=filters, today=today)
    ctx = {"offsets": offsets, **_form(filters)}
    return _with_tables(ctx, offsets_tables(offsets))


def deadlines_page(actor: Actor, query, today: date | None = None) -> dict:
    filters = Filters.from_query(query)
    ctx = selectors.deadline_board(actor, filters=filters, today=today)
    ctx.update(_form(filters))
    return _with_tables(ctx, [deadline_table(ctx["counts"])])


def _coverage(actor, query, today):
    filters = Filters.from_query(query)
    data = selectors.coverage_for_reviewer(actor, filters=filters, today=today)
    return coverage_tables(data["cube"], data["targets"])


def _emissions(actor, query, today):
    return emissions_tables(selectors.emissions_for_reviewer(actor, filters=Filters.from_query(query), today=today))


def _offsets(actor, query, today):
    return offsets_tables(selectors.offsets_for_reviewer(actor, filters=Filters.from_query(query), today=today))


def _deadlines(actor, query, today):
    return [deadline_table(selectors.deadline_board(actor, filters=Filters.from_query(query), today=today)["counts"])]


TABLES = {
    "coverage_level": _coverage,
    "coverage_department": _coverage,
    "coverage_district": _coverage,
    "coverage_kind": _coverage,
    "emissions_source": _emissions,
    "emissions_kind": _emissions,
    "offsets_type": _offsets,
    "offsets_origin": _offsets,
    "offsets_priority": _offsets,
    "deadlines": _deadlines,
}


def table_for_export(actor: Actor, key: str, query, today: date | None = None) -> Table:
    """The chart `key`'s table under the query's filters; NotFound for an unknown key."""
    if key not in TABLES:
        raise NotFound(_("没有这个图表"))
    return next(t for t in TABLES[key](actor, query, today) if t.key == key)


def annual_report(actor: Actor, year: int, today: date | None = None) -> tuple[list[Table], list[Total]]:
    """The year's tables (coverage by level, department, district, kind; emissions; offsets) and headline totals.

    Each total is (label, value, kind): the kind is its number format (zhonghe_numbers), None for percentages.
    """
    filters = Filters(year=year)
    coverage = selectors.coverage_for_reviewer(actor, filters=filters, today=today)
    emissions = selectors.emissions_for_reviewer(actor, filters=filters, today=today)
    offsets = selectors.offsets_for_reviewer(actor, filters=filters, today=today)
    t = coverage["totals"]
    totals = [
        (_("已提交活动"), t.total, "0"),
        (_("须开展碳中和"), t.obliged, "0"),
        (_("已完成（须开展的活动中）"), t.neutralised, "0"),
        (_("覆盖率（%）"), t.coverage_pct, None),
        (_("已获证书（含自愿）"), t.certified, "0"),
        (_("已逾期未完成"), t.overdue, "0"),
        (_("逾期后完成"), t.late, "0"),
        (_("排放量合计（千克二氧化碳当量）"), emissions["total_kg"], "kg"),
        (_("注销量合计（吨）"), offsets["total_t"], "credits"),
        (_("优先产地占比（%）"), offsets["priority_pct"], None),
    ]
    tables = [
        *coverage_tables(coverage["cube"], coverage["targets"]),
        *emissions_tables(emissions),
        *offsets_tables(offsets),
    ]
    return tables, totals
