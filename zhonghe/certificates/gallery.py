"""The public gallery of typical cases (典型案例): certified events, featured first, with filters and figures.

Reads only (a selector module): events holding a valid certificate, filtered by year (of the start date), kind
and venue district; each case with its emissions, offsets by credit type and by origin, and reduction measures;
totals over every case the filters match. Unknown filter values are ignored rather than refused (a public page).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Sum
from django.db.models.functions import ExtractYear

from zhonghe.certificates.models import Certificate, CertificateStatus, FeaturedCase
from zhonghe.data.districts import all_districts
from zhonghe.events.models import EventKind, Plan
from zhonghe.registry.models import CreditType, Origin, Retirement

PAGE_SIZE = 12
T_PLACES = Decimal("0.001")
OTHER_ORIGIN = "OTHER"


@dataclass(frozen=True)
class GalleryFilters:
    year: int | None = None
    kind: str = ""
    district: str = ""

    @classmethod
    def from_query(cls, query) -> GalleryFilters:
        year_text = str(query.get("year", "")).strip()
        kind, district = str(query.get("kind", "")), str(query.get("district", ""))
        return cls(
            year=int(year_text) if year_text.isdigit() and len(year_text) == 4 else None,
            kind=kind if kind in EventKind.values else "",
            district=district if district in {d.adcode for d in all_districts()} else "",
        )


@dataclass
class Case:
    certificate: Certificate
    featured: bool
    reduction_measures: str = ""
    by_type_t: list[tuple[str, int]] = field(default_factory=list)
    by_origin_t: list[tuple[str, int]] = field(default_factory=list)


def _certified(filters: GalleryFilters):
    qs = (
        Certificate.objects.filter(status=CertificateStatus.VALID)
        .select_related("event", "event__organization", "inventory")
        .annotate(featured=Exists(FeaturedCase.objects.filter(event=OuterRef("event"))))
    )
    if filters.year:
        qs = qs.annotate(year=ExtractYear("event__start_date")).filter(year=filters.year)
    if filters.kind:
        qs = qs.filter(event__kind=filters.kind)
    if filters.district:
        qs = qs.filter(event__venue_district=filters.district)
    return qs.order_by("-featured", "-issued_at", "-id")


def _offsets(event_ids) -> tuple[dict, dict]:
    """({event_id: {credit_type: t}}, {event_id: {origin tag: t}}) of the events' retirements."""
    by_type, by_origin = defaultdict(lambda: defaultdict(int)), defaultdict(lambda: defaultdict(int))
    rows = Retirement.objects.filter(event_id__in=event_ids).values_list(
        "event_id", "block__project__credit_type", "block__project__origin_tags", "quantity_t"
    )
    for event_id, credit_type, tags, quantity_t in rows:
        by_type[event_id][credit_type] += quantity_t
        for tag in tags or [OTHER_ORIGIN]:
            by_origin[event_id][tag] += quantity_t
    return by_type, by_origin


def _labelled(amounts: dict[str, int], labels: dict) -> list[tuple[str, int]]:
    return [(str(labels.get(key, key)), t) for key, t in sorted(amounts.items(), key=lambda kv: (-kv[1], kv[0]))]


def gallery_page(filters: GalleryFilters, page_number: object) -> dict:
    """The page of cases and the figures over every matching case (emissions, offsets by type and origin)."""
    certified = _certified(filters)
    page: Page = Paginator(certified, PAGE_SIZE).get_page(page_number)
    event_ids = [c.event_id for c in page.object_list]
    by_type, by_origin = _offsets(event_ids)
    measures = dict(Plan.objects.filter(event_id__in=event_ids).values_list("event_id", "reduction_measures"))
    type_labels, origin_labels = dict(CreditType.choices), {**dict(Origin.choices), OTHER_ORIGIN: "其他产地"}
    cases = [
        Case(
            certificate=c,
            featured=c.featured,
            reduction_measures=measures.get(c.event_id, ""),
            by_type_t=_labelled(by_type[c.event_id], type_labels),
            by_origin_t=_labelled(by_origin[c.event_id], origin_labels),
        )
        for c in page.object_list
    ]
    all_ids = list(certified.values_list("event_id", flat=True))
    all_type, all_origin = _offsets(all_ids)
    total_type, total_origin = defaultdict(int), defaultdict(int)
    for amounts, total in ((all_type, total_type), (all_origin, total_origin)):
        for per_event in amounts.values():
            for key, t in per_event.items():
                total[key] += t
    emissions = (certified.aggregate(t=Sum("inventory__total_t_co2e"))["t"] or Decimal(0)).quantize(T_PLACES)
    return {
        "page": page,
        "cases": cases,
        "filters": filters,
        "count": page.paginator.count,
        "total_t_co2e": emissions,
        "total_by_type_t": _labelled(total_type, type_labels),
        "total_by_origin_t": _labelled(total_origin, origin_labels),
        "years": sorted(
            {d.year for d in Certificate.objects.filter(status="valid").values_list("event__start_date", flat=True)},
            reverse=True,
        ),
        "kinds": EventKind.choices,
        "districts": [(d.adcode, d.name_zh) for d in all_districts()],
    }
