"""Bureau (reviewer) read models: the dashboards' figures, the deadline board and the paginated event list.

Every function checks the reviewer role first (PermissionDenied otherwise) and runs a fixed number of SQL
statements whatever the number of events (aggregates in the database, one page of rows).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.paginator import Paginator
from django.db.models import F, FilteredRelation, Q
from django.utils import timezone

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Organization, Role
from zhonghe.data.targets import targets_for
from zhonghe.events.deadlines import days_remaining
from zhonghe.supervision import figures
from zhonghe.supervision.filters import CLOSED, Filters, due_soon_q, late_q, overdue_q, supervised_events

PAGE_SIZE = 50
BOARD_SIZE = 20
SORTS = {
    "deadline": (F("deadline").asc(nulls_last=True), "id"),
    "-deadline": (F("deadline").desc(nulls_last=True), "-id"),
    "end": ("end_date", "id"),
    "-end": ("-end_date", "-id"),
    "name": ("name", "id"),
    "organization": ("organization__name", "id"),
    "status": ("status", "deadline", "id"),
}
# The old overview's ?show= filters map onto the status filter.
SHOW = {"all": "", "obliged": "obliged", "overdue": "overdue", "certified": "neutralised"}


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _mark_days(events, today: date) -> list:
    rows = list(events)
    for e in rows:
        open_ = e.deadline is not None and e.status not in CLOSED
        e.days_left = days_remaining(e.deadline, today) if open_ else None
        e.overdue = bool(open_ and e.obliged and e.days_left < 0)
    return rows


def filter_choices() -> dict:
    """Values for the filter form: departments in use (one DISTINCT query); levels, kinds, districts are fixed."""
    departments = (
        Organization.objects.exclude(department="")
        .values_list("department", flat=True)
        .distinct()
        .order_by("department")
    )
    return {"departments": list(departments)}


# The number of events a status filter leaves, read off the cube's totals (saves a COUNT over the events).
STATUS_COUNT = {
    "": "total",
    "obliged": "obliged",
    "neutralised": "certified",
    "open": "not_neutralised",
    "overdue": "overdue",
    "late": "late",
}


def event_page_for_reviewer(
    actor: Actor,
    *,
    filters: Filters,
    sort: str = "deadline",
    page: int | str = 1,
    today: date | None = None,
    count: int | None = None,
) -> dict:
    """One page of the filtered events, deadline first by default, each with `days_left` and `overdue`.
    `count`, when the caller knows it (from the cube), spares the paginator its COUNT query."""
    actor.require(Role.REVIEWER)
    today = _today(today)
    sort = sort if sort in SORTS else "deadline"
    qs = supervised_events(filters, today).select_related("organization").order_by(*SORTS[sort])
    paginator = Paginator(qs, PAGE_SIZE)
    if count is not None:
        paginator.count = count  # a cached_property: setting it skips the COUNT
    page_obj = paginator.get_page(page)
    page_obj.object_list = _mark_days(page_obj.object_list, today)
    return {"page": page_obj, "events": page_obj.object_list, "sort": sort, "today": today}


def event_overview_for_reviewer(
    actor: Actor, *, show: str = "all", filters: Filters | None = None, sort: str = "deadline", page=1, today=None
) -> dict:
    """The overview page: the totals (one aggregate), the coverage breakdowns and one page of events."""
    actor.require(Role.REVIEWER)
    today = _today(today)
    base = filters or Filters()
    show = show if show in SHOW else "all"
    if SHOW[show] and not base.status:
        base = Filters(**{**base.__dict__, "status": SHOW[show]})
    cube = figures.coverage_cube(Filters(**{**base.__dict__, "status": ""}), today)
    totals = cube.totals
    count = getattr(totals, STATUS_COUNT[base.status])
    ctx = event_page_for_reviewer(actor, filters=base, sort=sort, page=page, today=today, count=count)
    ctx.update(
        {
            "show": show,
            "filters": base,
            "cube": cube,
            "totals": totals,
            "counts": {
                "all": totals.total,
                "obliged": totals.obliged,
                "overdue": totals.overdue,
                "certified": totals.certified,
            },
            "targets": targets_for(base.year or today.year),
        }
    )
    return ctx


def deadline_board(actor: Actor, *, filters: Filters, today: date | None = None) -> dict:
    """Due within 7 days, overdue, and completed late: the first rows of each (deadline order) and the counts."""
    actor.require(Role.REVIEWER)
    today = _today(today)
    qs = supervised_events(filters, today).select_related("organization")
    lanes = {
        "due_soon": qs.filter(due_soon_q(today)).order_by("deadline", "id"),
        "overdue": qs.filter(overdue_q(today)).order_by("deadline", "id"),
        "late": qs.filter(late_q())
        .annotate(valid_cert=FilteredRelation("certificates", condition=Q(certificates__status="valid")))
        .annotate(completed_at=F("valid_cert__issued_at"))
        .order_by("-deadline", "id"),
    }
    cube = figures.coverage_cube(filters, today)
    return {
        "today": today,
        "week_end": today + timedelta(days=7),
        "lanes": {name: _mark_days(lane[:BOARD_SIZE], today) for name, lane in lanes.items()},
        "counts": {"due_soon": cube.totals.due_soon, "overdue": cube.totals.overdue, "late": cube.totals.late},
        "filters": filters,
    }


def coverage_for_reviewer(actor: Actor, *, filters: Filters, today: date | None = None) -> dict:
    actor.require(Role.REVIEWER)
    today = _today(today)
    cube = figures.coverage_cube(filters, today)
    return {"cube": cube, "totals": cube.totals, "targets": targets_for(filters.year or today.year), "today": today}


def emissions_for_reviewer(actor: Actor, *, filters: Filters, today: date | None = None) -> dict:
    actor.require(Role.REVIEWER)
    return figures.emissions_by_kind(filters, _today(today))


def offsets_for_reviewer(actor: Actor, *, filters: Filters, today: date | None = None) -> dict:
    actor.require(Role.REVIEWER)
    return figures.offsets_by_project(filters, _today(today))


def city_figures(*, year: int | None = None, today: date | None = None) -> dict:
    """Public: the city's totals (certified events, tonnes offset, priority-origin share). No login needed."""
    return figures.city_totals(year=year, today=_today(today))
