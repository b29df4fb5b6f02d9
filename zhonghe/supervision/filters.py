"""The bureau's dashboard filters (year, level, department, district, kind, status) and the event set they pick.

Every figure of the dashboards, the exports and the public page starts from `supervised_events`: submitted
applications (drafts are not applications yet; withdrawn ones are no longer), narrowed by the filters. The
year is the year the event ended, because the completion deadline runs from the end (events/deadlines.py).
The district is the organiser's (所在区县): the plan makes the implementing body answerable, and grouping by
organiser keeps the dashboards' one big aggregate free of joins.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from django.db.models import Q, QuerySet

from zhonghe.accounts.models import OrgLevel
from zhonghe.events.models import Event, EventKind, Status

NOT_SUPERVISED = (Status.DRAFT, Status.WITHDRAWN)
# Statuses where the work is finished: neither due nor overdue any more.
CLOSED = (Status.CERTIFIED, Status.WITHDRAWN)

# The "status" filter: a few questions the bureau asks, not the raw workflow statuses.
STATUS_FILTERS = ("obliged", "neutralised", "open", "overdue", "late")


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    level: str = ""
    department: str = ""
    district: str = ""
    kind: str = ""
    status: str = ""

    @classmethod
    def from_query(cls, query) -> Filters:
        """Parse a QueryDict (or dict); unknown or malformed values are ignored, never an error."""
        year_text = str(query.get("year", "") or "").strip()
        year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
        level = query.get("level", "") or ""
        kind = query.get("kind", "") or ""
        status = query.get("status", "") or ""
        district = str(query.get("district", "") or "")
        return cls(
            year=year,
            level=level if level in OrgLevel.values else "",
            department=str(query.get("department", "") or "").strip()[:100],
            district=district if district.isdigit() and len(district) == 6 else "",
            kind=kind if kind in EventKind.values else "",
            status=status if status in STATUS_FILTERS else "",
        )

    def as_query(self) -> dict[str, str]:
        """The non-empty filters as query parameters (for links and downloads)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value not in (None, ""):
                out[f.name] = str(value)
        return out


def overdue_q(today: date) -> Q:
    return Q(obliged=True, deadline__lt=today) & ~Q(status__in=CLOSED)


def due_soon_q(today: date, days: int = 7) -> Q:
    from datetime import timedelta

    return Q(obliged=True, deadline__gte=today, deadline__lte=today + timedelta(days=days)) & ~Q(status__in=CLOSED)


def late_q() -> Q:
    """Neutralised, but after the deadline: the event's valid certificate is marked late."""
    return Q(status=Status.CERTIFIED, certificates__status="valid", certificates__late=True)


def status_q(status: str, today: date) -> Q:
    return {
        "obliged": Q(obliged=True),
        "neutralised": Q(status=Status.CERTIFIED),
        "open": Q(obliged=True) & ~Q(status__in=CLOSED),
        "overdue": overdue_q(today),
        "late": late_q(),
    }.get(status, Q())


def _prefixed(q: Q, prefix: str) -> Q:
    """`q` with every lookup read through the relation `prefix` ("event__"): the same filter from another table."""
    if not prefix:
        return q
    out = Q(*(_prefixed(c, prefix) if isinstance(c, Q) else (prefix + c[0], c[1]) for c in q.children))
    out.connector, out.negated = q.connector, q.negated
    return out


def supervised_q(filters: Filters, today: date, prefix: str = "") -> Q:
    """The condition `supervised_events` applies, as one Q; with `prefix` ("event__") for a table that points
    at the events, so it can filter through its own join instead of a second pass over the events."""
    q = ~Q(status__in=NOT_SUPERVISED)
    if filters.year:
        q &= Q(end_date__year=filters.year)
    if filters.level:
        q &= Q(organization__level=filters.level)
    if filters.department:
        q &= Q(organization__department=filters.department)
    if filters.district:
        q &= Q(organization__district_code=filters.district)
    if filters.kind:
        q &= Q(kind=filters.kind)
    if filters.status:
        q &= status_q(filters.status, today)
    return _prefixed(q, prefix)


def supervised_events(filters: Filters, today: date) -> QuerySet[Event]:
    """Submitted (not withdrawn) events narrowed by the filters. No ordering: callers aggregate or order."""
    return Event.objects.filter(supervised_q(filters, today)).order_by()
