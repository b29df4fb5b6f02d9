"""Completion deadlines in calendar months. Pure Python.

Chongqing's plan (四（三）) asks for neutrality "活动结束后1个月内"; it does not say how a month is
counted. We read it as the same day of the next calendar month, clamped to that month's last day when
the day does not exist there (31 Jan → 28/29 Feb, 31 Mar → 30 Apr). The period in months comes from the
jurisdiction profile (Guangdong uses 12). The deadline day itself is still in time.
"""

from __future__ import annotations

import calendar
from datetime import date


def add_calendar_months(d: date, months: int) -> date:
    """``d`` moved by ``months`` calendar months (may be negative), day clamped to the month's end.

    Raises ``TypeError`` if ``months`` is not an int, ``ValueError`` outside years 1–9999.
    """
    if not isinstance(months, int) or isinstance(months, bool):
        raise TypeError(f"months must be an int, got {months!r}")
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise ValueError(f"{d.isoformat()} + {months} months is outside years 1–9999")
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last_day))


def completion_deadline(end_date: date, months: int = 1) -> date:
    """Last day on which neutrality counts as on time: ``end_date`` + ``months`` calendar months."""
    if months < 1:
        raise ValueError(f"the completion period must be at least one month, got {months}")
    return add_calendar_months(end_date, months)


def days_remaining(deadline: date, today: date) -> int:
    """Days from ``today`` to ``deadline``: 0 on the deadline day, negative once overdue."""
    return (deadline - today).days
