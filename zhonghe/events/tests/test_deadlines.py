"""Calendar-month deadlines (pure, no database)."""

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhonghe.events.deadlines import add_calendar_months, completion_deadline, days_remaining


@pytest.mark.parametrize(
    "start,months,expected",
    [
        (date(2025, 3, 18), 1, date(2025, 4, 18)),  # ordinary day
        (date(2025, 1, 31), 1, date(2025, 2, 28)),  # clamp to February
        (date(2025, 3, 31), 1, date(2025, 4, 30)),  # clamp to a 30-day month
        (date(2025, 5, 31), 1, date(2025, 6, 30)),
        (date(2025, 8, 31), 1, date(2025, 9, 30)),
        (date(2025, 4, 30), 1, date(2025, 5, 30)),  # no stretching to the month end
        (date(2025, 2, 28), 1, date(2025, 3, 28)),
        (date(2025, 12, 31), 1, date(2026, 1, 31)),  # year wrap
        (date(2025, 12, 1), 1, date(2026, 1, 1)),
        (date(2025, 11, 30), 2, date(2026, 1, 30)),
        (date(2025, 1, 31), 12, date(2026, 1, 31)),  # Guangdong-style 12 months
        (date(2025, 1, 31), 13, date(2026, 2, 28)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),  # backwards also clamps
        (date(2025, 1, 15), -1, date(2024, 12, 15)),
        (date(2025, 6, 15), 0, date(2025, 6, 15)),
    ],
)
def test_add_calendar_months(start, months, expected):
    assert add_calendar_months(start, months) == expected


@pytest.mark.parametrize(
    "start,expected",
    [
        (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        (date(2027, 1, 31), date(2027, 2, 28)),  # common year
        (date(2100, 1, 31), date(2100, 2, 28)),  # divisible by 100, not by 400: common
        (date(2000, 1, 31), date(2000, 2, 29)),  # divisible by 400: leap
        (date(2024, 1, 29), date(2024, 2, 29)),
        (date(2023, 1, 29), date(2023, 2, 28)),
    ],
)
def test_leap_years(start, expected):
    assert add_calendar_months(start, 1) == expected
    assert completion_deadline(start) == expected


def test_feb_29_plus_twelve_months():
    assert add_calendar_months(date(2028, 2, 29), 12) == date(2029, 2, 28)


def test_completion_deadline_default_and_custom_period():
    assert completion_deadline(date(2025, 3, 31)) == date(2025, 4, 30)
    assert completion_deadline(date(2025, 3, 31), months=12) == date(2026, 3, 31)


@pytest.mark.parametrize("months", [0, -1])
def test_completion_deadline_needs_a_positive_period(months):
    with pytest.raises(ValueError):
        completion_deadline(date(2025, 3, 31), months)


@pytest.mark.parametrize("months", [1.0, True, "1", None])
def test_months_must_be_int(months):
    with pytest.raises(TypeError):
        add_calendar_months(date(2025, 1, 1), months)


def test_out_of_range_years():
    with pytest.raises(ValueError):
        add_calendar_months(date(9999, 12, 31), 1)
    with pytest.raises(ValueError):
        add_calendar_months(date(1, 1, 1), -1)


def test_days_remaining():
    deadline = date(2025, 4, 30)
    assert days_remaining(deadline, date(2025, 4, 1)) == 29
    assert days_remaining(deadline, date(2025, 4, 30)) == 0
    assert days_remaining(deadline, date(2025, 5, 2)) == -2


dates = st.dates(min_value=date(1, 1, 1), max_value=date(9998, 12, 31))
# Far enough from years 1 and 9999 for ±120 months.
mid_dates = st.dates(min_value=date(11, 1, 1), max_value=date(9988, 12, 31))


@given(dates)
def test_one_month_lands_in_the_next_month_and_at_least_28_days_later(d):
    result = add_calendar_months(d, 1)
    assert (result.year, result.month) == ((d.year, d.month + 1) if d.month < 12 else (d.year + 1, 1))
    assert result >= d + timedelta(days=28)
    assert result <= d + timedelta(days=31)
    assert result.day == min(d.day, calendar.monthrange(result.year, result.month)[1])


@given(mid_dates, st.integers(-120, 120))
def test_months_land_in_the_right_month_with_clamped_day(d, months):
    result = add_calendar_months(d, months)
    assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == months
    assert result.day == min(d.day, calendar.monthrange(result.year, result.month)[1])


@given(mid_dates.filter(lambda d: d.day <= 28), st.integers(-60, 60), st.integers(-60, 60))
def test_composition_when_no_clamping(d, a, b):
    # Clamping makes month arithmetic non-associative in general; for days 1–28 it never clamps.
    assert add_calendar_months(add_calendar_months(d, a), b) == add_calendar_months(d, a + b)
