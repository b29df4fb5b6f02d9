"""Synthetic events for measuring the bureau's dashboards at scale (`manage.py synthesize`).

Everything made here is marked synthetic: organisations are named "【合成数据】…" under the department
"合成数据", event names start with "【合成数据】" and carry obligation_rule "synthetic". The rows are written
with bulk_create, bypassing the services on purpose (speed): no ledger entries, no audit chain, certificates
with a placeholder signature that never verifies. Never run it against a database that holds real data;
nothing removes synthetic rows again: synthesize into a throw-away database.

The mix is deterministic for a seed: ~40 % municipal organisers, 70 % of events obliged, most finished
events certified (a tenth of them late), inventories for every event past accounting, one or two retirements
of priority-origin or other credits per offset event.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max

from zhonghe.accounts.models import Organization, OrgKind, OrgLevel
from zhonghe.accounts.uscc import make_uscc
from zhonghe.certificates.models import Certificate
from zhonghe.data.districts import all_districts
from zhonghe.events.deadlines import completion_deadline
from zhonghe.events.models import ActivityCategory, Event, EventKind, Status
from zhonghe.footprints.models import InventorySourceTotal, InventoryVersion
from zhonghe.footprints.source_totals import source_total_row
from zhonghe.registry.models import BlockStatus, CreditBlock, CreditProject, CreditType, Retirement

MARK = "【合成数据】"
DEPARTMENT = "合成数据"
RULE = "synthetic"
DEPARTMENTS = [f"{MARK}市级部门{i:02d}" for i in range(1, 31)]
AFTER_ACCOUNTING = (Status.ACCOUNTED, Status.OFFSET, Status.EVALUATING, Status.EVALUATED, Status.ACCEPTED)
BATCH = 5000


def _orgs(rng: random.Random, count: int) -> list[Organization]:
    districts = [d.adcode for d in all_districts()]
    orgs = []
    first = Organization.objects.filter(name__startswith=MARK, department__startswith=MARK).count()
    for i in range(first, first + count):
        level = OrgLevel.MUNICIPAL if i % 5 < 2 else OrgLevel.DISTRICT
        body = f"9{i:07d}"
        orgs.append(
            Organization(
                name=f"{MARK}单位{i:05d}",
                kind=rng.choice([OrgKind.AGENCY, OrgKind.INSTITUTION, OrgKind.SOE]),
                uscc=make_uscc("11500000" + body),
                level=level,
                district_code=rng.choice(districts),
                department=rng.choice(DEPARTMENTS),
            )
        )
    Organization.objects.bulk_create(orgs, batch_size=BATCH)
    return list(Organization.objects.filter(name__startswith=MARK, department__startswith=MARK).order_by("-id")[:count])


def _projects(seller: Organization) -> list[CreditProject]:
    existing = list(CreditProject.objects.filter(code__startswith="SYN-").order_by("id"))
    if existing:
        return existing
    specs = [
        (CreditType.CQCER, ["RURAL_REVITALIZATION", "WULING"]),
        (CreditType.CQCER, ["THREE_GORGES"]),
        (CreditType.CQCER, []),
        (CreditType.CCER, ["THREE_GORGES"]),
        (CreditType.CCER, []),
        (CreditType.ALLOWANCE, []),
    ]
    projects = [
        CreditProject(
            code=f"SYN-{i:03d}",
            name=f"{MARK}减排项目{i:03d}",
            credit_type=credit_type,
            methodology_code="SYNTHETIC",
            origin_tags=tags,
            vintage=2025,
            seller=seller,
        )
        for i, (credit_type, tags) in enumerate(specs * 4)
    ]
    CreditProject.objects.bulk_create(projects)
    return list(CreditProject.objects.filter(code__startswith="SYN-").order_by("id"))


def _status(rng: random.Random, deadline: date, today: date) -> str:
    if deadline < today:
        return (
            Status.CERTIFIED
            if rng.random() < 0.8
            else rng.choice((Status.SUBMITTED, Status.PLANNED, *AFTER_ACCOUNTING))
        )
    if deadline - today > timedelta(days=31):  # not held yet
        return rng.choice((Status.SUBMITTED, Status.PLANNED))
    return rng.choice((Status.PLANNED, *AFTER_ACCOUNTING, Status.CERTIFIED))


def _sources_kg(rng: random.Random) -> dict[str, Decimal]:
    cats = rng.sample(ActivityCategory.values, k=rng.randint(3, 6))
    return {c: Decimal(rng.randint(50, 400_000)) / 10 for c in cats}


def _events(rng: random.Random, orgs, count: int, today: date) -> list[Event]:
    kinds = (
        [EventKind.MEETING] * 5
        + [EventKind.FORUM] * 2
        + [EventKind.EXHIBITION, EventKind.SPORTS, EventKind.PERFORMANCE]
    )
    span_days = (date(today.year + 1, 3, 1) - date(2025, 1, 1)).days
    events = []
    for i in range(count):
        org = orgs[i % len(orgs)]
        start = date(2025, 1, 1) + timedelta(days=rng.randrange(span_days))
        end = start + timedelta(days=rng.choice((0, 0, 1, 2)))
        obliged = rng.random() < 0.7
        deadline = completion_deadline(end)
        events.append(
            Event(
                organization=org,
                name=f"{MARK}活动{i:06d}",
                kind=rng.choice(kinds),
                expected_participants=rng.randint(50, 5000),
                venue_district=org.district_code if rng.random() < 0.7 else rng.choice(orgs).district_code,
                start_date=start,
                end_date=end,
                status=_status(rng, deadline, today),
                obliged=obliged,
                obligation_rule=RULE,
                deadline=deadline,
            )
        )
    return events


def synthetic_create(*, events: int, seed: int = 2025, today: date) -> dict[str, int]:
    """Create `events` synthetic events with inventories, retirements and certificates. Returns row counts."""
    rng = random.Random(seed)
    with transaction.atomic():
        orgs = _orgs(rng, max(20, events // 150))
        projects = _projects(orgs[0])
        Event.objects.bulk_create(_events(rng, orgs, events, today), batch_size=BATCH)
    counts = {"organizations": len(orgs), "events": 0, "inventories": 0, "retirements": 0, "certificates": 0}
    last = dict(
        CreditBlock.objects.filter(project__in=projects).values_list("project_id").annotate(m=Max("serial_last"))
    )
    serial_next = {p.id: last.get(p.id, 0) + 1 for p in projects}
    qs = Event.objects.filter(obligation_rule=RULE, name__startswith=MARK, organization__in=orgs).order_by("id")
    ids = list(qs.values_list("id", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = list(qs.filter(id__in=ids[start : start + BATCH]).select_related("organization"))
        with transaction.atomic():
            _fill(rng, batch, projects, serial_next, counts)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh planner statistics, or the dashboards' plans are guesses
            cursor.execute("ANALYZE")
    return counts


def _fill(rng, batch, projects, serial_next, counts) -> None:
    inventories = []
    for e in batch:
        if e.status in AFTER_ACCOUNTING or e.status == Status.CERTIFIED:
            sources = _sources_kg(rng)
            total_kg = sum(sources.values(), Decimal("0"))
            inventories.append(
                InventoryVersion(
                    event=e,
                    version=1,
                    data_hash="0" * 64,
                    release_code="SYNTHETIC",
                    release_hash="0" * 64,
                    method_version="synthetic",
                    total_kg_co2e=total_kg,
                    total_t_co2e=(total_kg / 1000).quantize(Decimal("0.001")),
                    required_offset_t=int(-(-total_kg // 1000)),
                    activities=[],
                    lines=[],
                    by_source_kg={c: str(kg) for c, kg in sources.items()},
                )
            )
    InventoryVersion.objects.bulk_create(inventories, batch_size=BATCH)
    totals = [source_total_row(InventorySourceTotal, inv) for inv in inventories]
    InventorySourceTotal.objects.bulk_create(totals, batch_size=BATCH)
    counts["events"] += len(batch)
    counts["inventories"] += len(inventories)
    blocks, retirements, certificates = [], [], []
    for inv in inventories:
        e = inv.event
        if e.status not in (Status.OFFSET, Status.EVALUATING, Status.EVALUATED, Status.ACCEPTED, Status.CERTIFIED):
            continue
        need = max(1, inv.required_offset_t)
        parts = [need] if need < 2 or rng.random() < 0.6 else [need // 2, need - need // 2]
        for quantity in parts:
            project = rng.choice(projects)
            first = serial_next[project.id]
            serial_next[project.id] += quantity
            block = CreditBlock(
                project=project,
                serial_first=first,
                serial_last=first + quantity - 1,
                quantity_t=quantity,
                holder=e.organization,
                status=BlockStatus.RETIRED,
            )
            blocks.append(block)
            retirements.append(
                Retirement(
                    number=f"SYN-R-{e.id}-{len(retirements)}",
                    event=e,
                    inventory=inv,
                    block=block,
                    quantity_t=quantity,
                    beneficiary_name=e.organization.name,
                    purpose="大型活动碳中和：" + e.name,
                    reason=MARK,
                )
            )
        e.retired_t = need
        if e.status == Status.CERTIFIED:
            late = rng.random() < 0.1
            issued = (
                e.deadline + timedelta(days=rng.randint(1, 20))
                if late
                else e.deadline - timedelta(days=rng.randint(0, 25))
            )
            certificates.append(
                Certificate(
                    number=f"SYN-C-{e.id}",
                    event=e,
                    inventory=inv,
                    payload={"synthetic": True},
                    payload_canonical="{}",
                    signature="synthetic",
                    key_id="synthetic",
                    issued_at=datetime.combine(issued, time(12), tzinfo=UTC),
                    late=late,
                )
            )
    CreditBlock.objects.bulk_create(blocks, batch_size=BATCH)
    Retirement.objects.bulk_create(retirements, batch_size=BATCH)
    Certificate.objects.bulk_create(certificates, batch_size=BATCH)
    Event.objects.bulk_update([inv.event for inv in inventories], ["retired_t"], batch_size=BATCH)
    counts["retirements"] += len(retirements)
    counts["certificates"] += len(certificates)
