"""The bureau's figures as SQL aggregates: one grouped query per family, rolled up in Python.

- `coverage_cube`: a GROUP BY (organiser, kind) over the supervised events with the counts the dashboards
  need (obliged, neutralised, overdue, due within 7 days, completed late), rolled up in Python by the
  organiser's level, department and district (所在区县); every breakdown and the totals are sums over its
  rows, so they always agree with each other.
- `emissions_by_kind`: the latest inventory version of each event, kg CO2e by event kind and by source
  (the inventory's by_source_kg, copied on freeze into one InventorySourceTotal row), one query.
- `offsets_by_project`: tonnes retired for the events, by credit project; type and origin are the project's.

Rates are Decimal percentages with one decimal (ROUND_HALF_UP); a group with no obliged event has no rate.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, FilteredRelation, Q, Sum

from zhonghe.accounts.models import Organization
from zhonghe.certificates.models import CertificateStatus
from zhonghe.events.models import ActivityCategory, Status
from zhonghe.footprints.models import InventorySourceTotal
from zhonghe.footprints.source_totals import kg_3dp, source_column
from zhonghe.registry.models import CreditProject, Origin, Retirement
from zhonghe.supervision.filters import Filters, due_soon_q, overdue_q, supervised_events, supervised_q

COUNTS = ("total", "obliged", "neutralised", "certified", "overdue", "due_soon", "late")
DIMENSIONS = ("level", "department", "district", "kind")
PRIORITY_ORIGINS = tuple(Origin.values)


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Tally:
    key: str = ""
    total: int = 0
    obliged: int = 0
    neutralised: int = 0  # obliged events that hold a certificate
    certified: int = 0  # every certified event, obliged or voluntary
    overdue: int = 0
    due_soon: int = 0
    late: int = 0

    @property
    def coverage_pct(self) -> Decimal | None:
        return percent(self.neutralised, self.obliged)

    @property
    def not_neutralised(self) -> int:
        return self.obliged - self.neutralised

    @classmethod
    def of(cls, key: str, counts) -> Tally:
        """A Tally from the counts in COUNTS order."""
        return cls(key, *counts)


@dataclass
class Cube:
    rows: list[dict]
    totals: Tally = field(default_factory=Tally)

    def by(self, dimension: str) -> list[Tally]:
        """One Tally per value of the dimension, largest obliged count first (then key)."""
        sums: dict[str, list[int]] = {}
        for row in self.rows:  # one row per (organiser, kind) group, not per event
            key = row[dimension] or ""
            acc = sums.get(key)
            sums[key] = list(row["counts"]) if acc is None else [a + b for a, b in zip(acc, row["counts"], strict=True)]
        tallies = [Tally.of(key, counts) for key, counts in sums.items()]
        return sorted(tallies, key=lambda t: (-t.obliged, -t.total, t.key))


def coverage_cube(filters: Filters, today: date) -> Cube:
    """Counts per (level, department, district, kind) of the filtered events, two queries whatever the size:
    the events grouped by (organiser, kind) with only a LEFT JOIN to their valid late certificate (at most one
    valid certificate per event, so no row counts twice; the organisers' level, department and district are
    looked up afterwards, one row each), and the organisers."""
    certified = Q(status=Status.CERTIFIED)
    late_cert = FilteredRelation(
        "certificates", condition=Q(certificates__status=CertificateStatus.VALID, certificates__late=True)
    )
    grouped = list(
        supervised_events(filters, today)
        .annotate(late_cert=late_cert)
        .values("organization_id", "kind")
        .annotate(
            n_total=Count("id"),
            n_obliged=Count("id", filter=Q(obliged=True)),
            n_neutralised=Count("id", filter=Q(obliged=True) & certified),
            n_certified=Count("id", filter=certified),
            n_overdue=Count("id", filter=overdue_q(today)),
            n_due_soon=Count("id", filter=due_soon_q(today)),
            n_late=Count("id", filter=certified & Q(late_cert__id__isnull=False)),
        )
        .order_by()
    )
    orgs = {
        o["id"]: o
        for o in Organization.objects.filter(id__in={r["organization_id"] for r in grouped}).values(
            "id", "level", "department", "district_code"
        )
    }
    for row in grouped:
        org = orgs[row["organization_id"]]
        row.update(level=org["level"], department=org["department"], district=org["district_code"])
        row["counts"] = tuple(row[f"n_{name}"] for name in COUNTS)
    totals = [sum(column) for column in zip(*(row["counts"] for row in grouped), strict=True)] or [0] * len(COUNTS)
    return Cube(rows=grouped, totals=Tally.of("", totals))


def emissions_by_kind(filters: Filters, today: date) -> dict:
    """kg CO2e of the events' latest inventories: {"by_kind": {kind: kg}, "by_source": {category: kg}, "total"}.

    One GROUP BY event kind over the latest versions' InventorySourceTotal rows (written on freeze: the
    version's total and one column per source), filtered through the one join to the events."""
    sums = {c: Sum(source_column(c)) for c in ActivityCategory.values}
    rows = (
        InventorySourceTotal.objects.filter(supervised_q(filters, today, prefix="event__"), latest=True)
        .values("event__kind")
        .annotate(total_kg=Sum("total_kg_co2e"), n_inventories=Count("id"), **sums)
        .order_by()
    )
    by_kind: dict[str, Decimal] = {}
    by_source: dict[str, Decimal] = {c: Decimal("0.000") for c in ActivityCategory.values}
    inventories = 0
    for row in rows:  # one row per event kind
        by_kind[row["event__kind"]] = kg_3dp(row["total_kg"])
        inventories += row["n_inventories"]
        for c in ActivityCategory.values:
            by_source[c] += kg_3dp(row[c])
    return {
        "by_kind": by_kind,
        "by_source": {c: kg for c, kg in by_source.items() if kg},
        "total_kg": sum(by_kind.values(), Decimal("0.000")),
        "inventories": inventories,
    }


def offsets_by_project(filters: Filters, today: date) -> dict:
    """Tonnes retired for the filtered events by credit type and by priority origin, and the priority share.

    A project tagged with several origins counts once in the priority total and once under each tag.
    """
    per_project = dict(
        Retirement.objects.filter(event__in=supervised_events(filters, today))
        .values_list("block__project_id")
        .annotate(t=Sum("quantity_t"))
        .order_by()
    )
    projects = CreditProject.objects.filter(id__in=per_project).only("id", "credit_type", "origin_tags")
    by_type: dict[str, int] = defaultdict(int)
    by_origin: dict[str, int] = {o: 0 for o in PRIORITY_ORIGINS}
    priority_t = 0
    for project in projects:
        tonnes = per_project[project.id]
        by_type[project.credit_type] += tonnes
        tags = [t for t in (project.origin_tags or []) if t in by_origin]
        for tag in tags:
            by_origin[tag] += tonnes
        if tags:
            priority_t += tonnes
    total_t = sum(per_project.values())
    return {
        "by_type": dict(by_type),
        "by_origin": by_origin,
        "total_t": total_t,
        "priority_t": priority_t,
        "other_t": total_t - priority_t,
        "priority_pct": percent(priority_t, total_t),
    }


def city_totals(*, year: int | None = None, today: date) -> dict:
    """The city's public figures (also shown to the bureau): certified events, tonnes offset, priority share."""
    certified = Filters(year=year, status="neutralised")  # the bureau's "certified" (Tally.certified)
    offsets = offsets_by_project(certified, today)
    return {
        "year": year,
        "certified_events": supervised_events(certified, today).count(),
        "offset_t": offsets["total_t"],
        "priority_t": offsets["priority_t"],
        "priority_pct": offsets["priority_pct"],
    }
