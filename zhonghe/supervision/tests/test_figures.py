"""Coverage, overdue and late figures on the hand-built data set (tests/dataset.py), answers worked out by hand.

Supervised (submitted, not draft): e1..e8 = 8. Obliged: all but e7 (40 participants) = 7, e8 by correction.
Neutralised: e2, e5 = 2 → 2/7 = 28.6 %. On 2028-03-01: overdue e1 (deadline 02-29), e8 (01-31) = 2;
due within 7 days (03-01..03-08): e4 (03-07), e6 (03-08) = 2; completed late: e5 = 1.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zhonghe.events.models import EventTransition
from zhonghe.supervision.figures import coverage_cube
from zhonghe.supervision.filters import STATUS_FILTERS, Filters, supervised_events, supervised_q
from zhonghe.supervision.selectors import deadline_board, event_page_for_reviewer
from zhonghe.supervision.tests.dataset import TODAY, build


@pytest.fixture
def data(actors):
    return build(actors)


def test_deadlines_are_end_plus_one_calendar_month(data):
    assert data["e1"].deadline == date(2028, 2, 29)
    assert data["e2"].deadline == date(2027, 2, 28)
    assert data["e3"].deadline == date(2028, 3, 29)
    assert data["e8"].deadline == date(2028, 1, 31)
    assert [k for k, e in data.items() if not e.obliged] == ["e7"]


def test_city_totals(data):
    t = coverage_cube(Filters(), TODAY).totals
    assert (t.total, t.obliged, t.neutralised, t.certified) == (8, 7, 2, 2)
    assert t.coverage_pct == Decimal("28.6")
    assert (t.overdue, t.due_soon, t.late) == (2, 2, 1)


def test_breakdowns_by_level_and_department(data):
    cube = coverage_cube(Filters(), TODAY)
    level = {t.key: (t.obliged, t.neutralised, t.coverage_pct) for t in cube.by("level")}
    assert level == {"municipal": (5, 2, Decimal("40.0")), "district": (2, 0, Decimal("0.0"))}
    dept = {t.key: (t.obliged, t.neutralised, t.coverage_pct) for t in cube.by("department")}
    assert dept == {
        "市商务委": (3, 1, Decimal("33.3")),
        "市国资委": (2, 1, Decimal("50.0")),
        "渝中区人民政府": (2, 0, Decimal("0.0")),
    }
    kind = {t.key: (t.total, t.obliged) for t in cube.by("kind")}
    assert kind == {"forum": (6, 6), "meeting": (2, 1)}


def test_year_and_status_filters(data):
    t = coverage_cube(Filters(year=2027), TODAY).totals  # e2 (ended 2027-01-31), e8 (2027-12-31)
    assert (t.total, t.obliged, t.neutralised, t.overdue) == (2, 2, 1, 1)
    assert coverage_cube(Filters(level="district", status="overdue"), TODAY).totals.total == 1  # e8
    assert coverage_cube(Filters(department="市国资委", status="late"), TODAY).totals.total == 1  # e5


def test_the_deadline_day_is_still_in_time(data):
    leap_day = coverage_cube(Filters(), date(2028, 2, 29)).totals
    # On 02-29 e1 and e5's deadline is today: e1 is due (not overdue); 02-29..03-07 also holds e4; e8 overdue.
    assert (leap_day.overdue, leap_day.due_soon) == (1, 2)


def test_deadline_board_lists(actors, data):
    board = deadline_board(actors.bureau, filters=Filters(), today=TODAY)
    assert [e.name for e in board["lanes"]["due_soon"]] == ["国企的二月论坛", "区县的二月论坛"]
    assert [e.name for e in board["lanes"]["overdue"]] == ["更正后须开展的会议", "一月末的论坛"]
    assert [e.name for e in board["lanes"]["late"]] == ["国企的一月论坛"]
    assert board["counts"] == {"due_soon": 2, "overdue": 2, "late": 1}


def test_event_list_is_deadline_first(actors, data):
    page = event_page_for_reviewer(actors.bureau, filters=Filters(), today=TODAY)
    deadlines = [e.deadline for e in page["events"]]
    assert deadlines == sorted(deadlines) and len(deadlines) == 8
    latest_first = event_page_for_reviewer(actors.bureau, filters=Filters(), sort="-deadline", today=TODAY)
    assert [e.deadline for e in latest_first["events"]] == sorted(deadlines, reverse=True)


def test_non_reviewer_is_refused(actors, data):
    from zhonghe.lib.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        deadline_board(actors.organiser, filters=Filters(), today=TODAY)


def _same_events(filters: Filters) -> list[int]:
    """supervised_q(prefix="event__") on a table pointing at the events = that table IN supervised_events.
    Every event has transitions (created, submitted...): a table that points at all of them."""
    via_join = EventTransition.objects.filter(supervised_q(filters, TODAY, prefix="event__"))
    via_in = EventTransition.objects.filter(event__in=supervised_events(filters, TODAY))
    expected = sorted(via_in.values_list("id", flat=True))
    assert sorted(via_join.values_list("id", flat=True)) == expected
    return expected


@pytest.mark.parametrize("status", ["", *STATUS_FILTERS])
@pytest.mark.parametrize("extra", [{}, {"year": 2025}, {"level": "district"}, {"kind": "forum"}])
def test_the_filter_through_a_join_picks_the_same_events(data, status, extra):
    _same_events(Filters(status=status, **extra))


def test_the_filter_through_a_join_is_not_vacuous(data):
    every, late = _same_events(Filters()), _same_events(Filters(status="late"))
    assert 0 < len(late) < len(every)
