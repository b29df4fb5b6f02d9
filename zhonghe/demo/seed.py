"""Demo credit projects and events, written through the services (so the demo obeys every rule)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Organization
from zhonghe.certificates.services import certificate_issue
from zhonghe.evaluations.checklist import CHECKLIST
from zhonghe.evaluations.services import evaluation_accept, evaluation_check, evaluation_conclude, evaluation_request
from zhonghe.events.models import Event
from zhonghe.events.services import event_create, event_submit, plan_publish, plan_save
from zhonghe.footprints.services import activity_add, inventory_freeze, plan_estimate
from zhonghe.registry.listings import listing_create
from zhonghe.registry.models import CreditProject, Listing
from zhonghe.registry.services import (
    credits_issue,
    credits_retire,
    order_confirm,
    order_create,
    project_register,
)

READY_EVENT = "2026年重庆市绿色低碳发展论坛"
CERTIFIED_EVENT = "2026年成渝地区双城经济圈生态环保合作大会"


def seed_projects(actors: dict[str, Actor], orgs: dict[str, Organization]) -> dict[str, CreditProject]:
    specs = {
        "cqcer": dict(
            code="CQCER-2025-0007",
            name="武隆区仙女山镇林场村森林经营碳汇项目",
            credit_type="CQCER",
            product_category="eco_sink",
            methodology_code="CQCM-009-V001",
            vintage=2025,
            origin_tags=["RURAL_REVITALIZATION", "WULING"],
            district_code="500156",
            seller=orgs["seller"],
            unit_price_cny=Decimal("48.00"),
            description="乡村振兴帮扶村森林经营碳汇，渝东南武陵山区城镇群。",
        ),
        "ccer": dict(
            code="CCER-500101-2024-0003",
            name="万州区分布式光伏发电项目",
            credit_type="CCER",
            product_category="other",
            methodology_code="CCER-01-001-V01",
            vintage=2024,
            origin_tags=["THREE_GORGES"],
            district_code="500101",
            seller=orgs["seller2"],
            unit_price_cny=Decimal("85.00"),
            description="国家温室气体自愿减排机制签发的重庆项目，渝东北三峡库区城镇群。",
        ),
    }
    projects = {}
    for key, spec in specs.items():
        project = CreditProject.objects.filter(code=spec["code"]).first()
        if project is None:
            project = project_register(actor=actors["admin"], **spec)
            credits_issue(actor=actors["admin"], project=project, quantity_t=5000 if key == "cqcer" else 2000)
        projects[key] = project
    seed_listings(actors, projects)
    return projects


# Demo listings: part of each seller's stock on offer (the rest stays for direct orders of the demo events).
DEMO_LISTINGS = {"cqcer": ("seller", 1000, Decimal("48.00")), "ccer": ("seller2", 500, Decimal("82.50"))}


def seed_listings(actors: dict[str, Actor], projects: dict[str, CreditProject]) -> None:
    """One open listing per demo project, valid for a year; idempotent (skipped when the seller has one)."""
    for key, (seller, quantity_t, price) in DEMO_LISTINGS.items():
        project = projects[key]
        if Listing.objects.filter(project=project, seller=actors[seller].organization).exists():
            continue
        listing_create(
            actor=actors[seller],
            project_code=project.code,
            listing_type="credits",
            quantity_t=quantity_t,
            unit_price_cny=price,
            valid_until=timezone.localdate() + timedelta(days=365),
        )


def _after_activities(actor: Actor, code: object, participants: int) -> None:
    rows = [
        dict(
            category="electricity",
            factor_key="electricity.grid",
            quantity="18500",
            description="会场用电（电表读数）",
        ),
        dict(category="fuel", factor_key="fuel.natural_gas", quantity="1200", description="厨房天然气"),
        dict(
            category="travel",
            travel_mode="flight_domestic",
            person_trips=60,
            place_kind="airport",
            origin="PEK",
            destination="CKG",
            round_trip=True,
            description="北京参会代表",
        ),
        dict(
            category="travel",
            travel_mode="hsr",
            person_trips=120,
            place_kind="city",
            origin="成都市",
            destination="渝中区",
            round_trip=True,
            description="成都参会代表",
        ),
        dict(
            category="travel",
            travel_mode="metro",
            person_trips=participants,
            distance_km="12",
            round_trip=True,
            description="市内参会人员",
        ),
        dict(
            category="lodging",
            factor_key="lodging.hotel_room_night",
            quantity="260",
            description="酒店住宿间夜",
        ),
        dict(
            category="meals",
            factor_key="meals.standard",
            quantity=str(participants * 3),
            description="工作餐",
        ),
        dict(category="materials", factor_key="materials.paper", quantity="0.35", description="会议资料用纸"),
        dict(category="waste", factor_key="waste.incineration", quantity="1.8", description="会场生活垃圾"),
    ]
    for row in rows:
        activity_add(actor=actor, code=code, stage="after", **row)


def _planned_event(actor: Actor, name: str, start: date, end: date, participants: int) -> Event:
    event = event_create(
        actor=actor,
        name=name,
        kind="forum",
        meeting_class=2,
        expected_participants=participants,
        area_m2=Decimal("3500"),
        venue_district="500103",
        venue_address="重庆市渝中区人民路 重庆市人民大礼堂",
        start_date=start,
        end_date=end,
    )
    event_submit(actor=actor, code=event.code)
    plan_save(
        actor=actor,
        code=event.code,
        boundary="筹备期、举办期、收尾期：会场能源、参会人员交通与住宿、餐饮、物料、废弃物",
        reduction_measures="使用绿色出行接驳、无纸化会议、光盘行动、会场节能照明",
        offset_plan="优先购买武隆区乡村振兴帮扶村CQCER林业碳汇",
    )
    activity_add(
        actor=actor,
        code=event.code,
        stage="before",
        category="electricity",
        factor_key="electricity.grid",
        quantity="20000",
        description="会场用电预估",
    )
    activity_add(
        actor=actor,
        code=event.code,
        stage="before",
        category="travel",
        travel_mode="flight_domestic",
        person_trips=80,
        distance_km="1460",
        round_trip=True,
        description="外地代表航空出行预估",
    )
    activity_add(
        actor=actor,
        code=event.code,
        stage="before",
        category="lodging",
        factor_key="lodging.hotel_room_night",
        quantity="300",
        description="住宿预估",
    )
    plan_estimate(actor=actor, code=event.code)
    plan_publish(actor=actor, code=event.code)
    _after_activities(actor, event.code, participants)
    return event


def _buy(actors: dict[str, Actor], project: CreditProject, quantity_t: int, key: str) -> None:
    order = order_create(
        actor=actors["organiser"], project_code=project.code, quantity_t=quantity_t, idempotency_key=key
    )
    if order.status == "pending":
        order_confirm(actor=actors["seller"], order_code=order.code)


def _evaluate(actors: dict[str, Actor], event: Event) -> None:
    """The demo verifier, invited by the organiser, checks every item and concludes; the bureau accepts."""
    verifier = actors["verifier"]
    evaluation = evaluation_request(
        actor=actors["organiser"],
        event_code=event.code,
        mode="third_party",
        verifier_uscc=verifier.organization.uscc or "",
    )
    for item in CHECKLIST:
        evaluation_check(actor=verifier, evaluation_code=evaluation.code, item=item.key, result="pass", note="已核对")
    evaluation_conclude(
        actor=verifier,
        evaluation_code=evaluation.code,
        conclusion="经核查，活动碳排放已全部抵消，实现碳中和。",
    )
    evaluation_accept(actor=actors["bureau"], evaluation_code=evaluation.code, note="同意受理")


def seed_events(actors: dict[str, Actor], projects: dict[str, CreditProject], *, today: date) -> dict[str, bool]:
    """Create the two demo events unless the demo organiser has them; {event name: created now?}."""
    organiser = actors["organiser"]
    mine = Event.objects.filter(organization=organiser.organization)
    created = {name: not mine.filter(name=name).exists() for name in (CERTIFIED_EVENT, READY_EVENT)}
    if created[CERTIFIED_EVENT]:
        start = today - timedelta(days=25)
        event = _planned_event(organiser, CERTIFIED_EVENT, start, start + timedelta(days=1), 420)
        inventory = inventory_freeze(actor=organiser, code=event.code)
        _buy(actors, projects["cqcer"], inventory.required_offset_t, "demo-certified")
        credits_retire(
            actor=organiser,
            event_code=event.code,
            project_code=projects["cqcer"].code,
            quantity_t=inventory.required_offset_t,
            reason="用于活动碳中和",
        )
        _evaluate(actors, event)
        certificate_issue(actor=organiser, event_code=event.code)
    if created[READY_EVENT]:
        start = today - timedelta(days=9)
        _planned_event(organiser, READY_EVENT, start, start + timedelta(days=2), 380)
        # The organiser already holds credits bought for this event, so the demo walk needs one login.
        held = (
            projects["cqcer"]
            .blocks.filter(holder=organiser.organization, status="active")
            .aggregate(s=Sum("quantity_t"))
        )
        if (held["s"] or 0) < 200:
            _buy(actors, projects["cqcer"], 200, "demo-ready")
    return created
