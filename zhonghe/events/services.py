"""Event writes: create, update (draft), submit (obligation + deadline), plan text, plan publish, withdraw."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Role
from zhonghe.audit.services import audit_append, audit_snapshot
from zhonghe.data.districts import UnknownDistrict, district_by_code
from zhonghe.events import workflow
from zhonghe.events.deadlines import completion_deadline
from zhonghe.events.models import Event, EventKind, GridChoice, MeetingClass, Plan, Status
from zhonghe.events.obligation import EventFacts, check_obligation
from zhonghe.interop.idempotency import run_idempotent
from zhonghe.lib.errors import Conflict, NotFound, ValidationFailed
from zhonghe.lib.ids import parse_code

MAX_PARTICIPANTS = 10_000_000
MAX_AREA_M2 = Decimal("100000000")
# A sane window for event dates: the platform serves events of this century (a date of 9999-12-31 would also
# overflow the completion deadline). Both ends are inclusive.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def _date_window_errors(start: date, end: date) -> dict[str, str]:
    errors = {}
    if start < EARLIEST_DATE:
        errors["start_date"] = _("开始日期不能早于%(d)s") % {"d": EARLIEST_DATE.isoformat()}
    if end > LATEST_DATE:
        errors["end_date"] = _("结束日期不能晚于%(d)s") % {"d": LATEST_DATE.isoformat()}
    return errors


def _clean_event_fields(fields: dict) -> dict:
    errors: dict[str, str] = {}
    if not str(fields.get("name", "")).strip():
        errors["name"] = _("请填写活动名称")
    elif len(str(fields["name"]).strip()) > 200:
        errors["name"] = _("活动名称不能超过200个字符")
    if len(str(fields.get("venue_address", "")).strip()) > 300:
        errors["venue_address"] = _("举办地址不能超过300个字符")
    if fields.get("kind") not in EventKind.values:
        errors["kind"] = _("未知的活动类型")
    mc = fields.get("meeting_class")
    meeting_class = None
    if mc not in (None, ""):
        try:
            meeting_class = int(str(mc))
        except ValueError:
            meeting_class = 0
        if meeting_class not in MeetingClass.values:
            errors["meeting_class"] = _("会议类别应为1–4")
    participants = fields.get("expected_participants")
    if isinstance(participants, bool) or not isinstance(participants, int) or not 0 < participants <= MAX_PARTICIPANTS:
        errors["expected_participants"] = _("参与人数应为1至10,000,000之间的整数")
    area = fields.get("area_m2")
    if area not in (None, ""):
        try:
            area = Decimal(str(area))
            if not area.is_finite() or area < 0 or area > MAX_AREA_M2:
                raise InvalidOperation
        except InvalidOperation:
            errors["area_m2"] = _("面积应为0至100,000,000之间的数值")
    try:
        district_by_code(str(fields.get("venue_district", "")))
    except UnknownDistrict:
        errors["venue_district"] = _("请选择重庆市的区县")
    grid = fields.get("grid") or GridChoice.PROVINCIAL
    if grid not in GridChoice.values:
        errors["grid"] = _("电网排放因子应为省级、全国或区域电网")
    start, end = fields.get("start_date"), fields.get("end_date")
    if not isinstance(start, date) or not isinstance(end, date):
        errors["start_date"] = _("请填写开始和结束日期")
    elif end < start:
        errors["end_date"] = _("结束日期不能早于开始日期")
    else:
        errors.update(_date_window_errors(start, end))
    if errors:
        raise ValidationFailed(_("活动信息有误，请检查标出的字段"), fields=errors)
    return {
        "name": str(fields["name"]).strip(),
        "kind": fields["kind"],
        "meeting_class": meeting_class,
        "chengyu_meeting": bool(fields.get("chengyu_meeting", False)),
        "expected_participants": participants,
        "area_m2": area if area not in (None, "") else None,
        "venue_district": str(fields["venue_district"]),
        "venue_address": str(fields.get("venue_address", "")).strip(),
        "grid": str(grid),
        "start_date": start,
        "end_date": end,
    }


@transaction.atomic
def event_create(*, actor: Actor, idempotency_key: object = "", **fields) -> Event:
    """Create a draft event for the actor's organisation. Raises ValidationFailed, PermissionDenied.

    A repeated `idempotency_key` (a web form's token, an API client's Idempotency-Key) returns the first event.
    """
    actor.require(Role.ORGANISER)
    cleaned = _clean_event_fields(fields)
    return run_idempotent(
        organization=actor.organization,
        key=idempotency_key,
        operation="event_create",
        params=cleaned,
        perform=lambda: _audited_create(actor, cleaned),
        ref=lambda event: str(event.code),
        load=lambda code: Event.objects.get(code=code, organization=actor.organization),
    )


def _audited_create(actor: Actor, cleaned: dict) -> Event:
    event = Event.objects.create(
        organization=actor.organization, created_by=actor.user, jurisdiction=settings.DEFAULT_JURISDICTION, **cleaned
    )
    audit_append(actor=actor, action="event.create", target=event)
    return event


def _locked_event(actor: Actor, code) -> Event:
    event = (
        Event.objects.select_for_update()
        .filter(code=parse_code(code, "event"), organization=actor.organization)
        .first()
    )
    if event is None:
        raise NotFound(_("活动不存在"))
    return event


@transaction.atomic
def event_update(*, actor: Actor, code: object, **fields) -> Event:
    """Replace a draft's facts (all fields, as on creation). Submission fixes them: the obligation rests on them."""
    actor.require(Role.ORGANISER)
    event = _locked_event(actor, code)
    if event.status != Status.DRAFT:
        raise Conflict(_("活动已提交申请，基本信息不能再修改"), code="event_not_draft")
    cleaned = _clean_event_fields(fields)
    changed = [name for name, value in cleaned.items() if getattr(event, name) != value]
    before = audit_snapshot(event)
    for name in changed:
        setattr(event, name, cleaned[name])
    if changed:
        event.save(update_fields=changed)
        audit_append(actor=actor, action="event.update", target=event, before=before)
    return event


@transaction.atomic
def event_submit(*, actor: Actor, code) -> Event:
    """Apply: decide the obligation from the jurisdiction's rule data and fix the completion deadline."""
    actor.require(Role.ORGANISER)
    event = _locked_event(actor, code)
    if window_errors := _date_window_errors(event.start_date, event.end_date):  # a draft from before the rule
        raise ValidationFailed(_("活动信息有误，请检查标出的字段"), fields=window_errors)
    org = actor.organization
    facts = EventFacts(
        kind=event.kind,
        participants=event.expected_participants,
        area_m2=event.area_m2,
        meeting_class=event.meeting_class,
        org_kind=org.kind,
        org_level=org.level,
        chengyu_meeting=event.chengyu_meeting,
    )
    result = check_obligation(facts, event.jurisdiction)
    before = audit_snapshot(event)
    workflow.transition(event=event, action="submit", actor=actor.user, note=result.reason_zh)
    event.obliged = result.obliged
    event.obligation_rule = result.rule_id
    event.obligation_reason = result.reason_zh
    event.obligation_reason_en = result.reason_en
    event.deadline = completion_deadline(event.end_date, result.deadline_months)
    event.submitted_at = timezone.now()
    event.save(
        update_fields=[
            "obliged",
            "obligation_rule",
            "obligation_reason",
            "obligation_reason_en",
            "deadline",
            "submitted_at",
        ]
    )
    audit_append(actor=actor, action="event.submit", target=event, before=before)
    return event


@transaction.atomic
def plan_save(*, actor: Actor, code, boundary: str, reduction_measures: str = "", offset_plan: str = "") -> Plan:
    """Write the plan's text. Only before publication."""
    actor.require(Role.ORGANISER)
    event = _locked_event(actor, code)
    if event.status not in (Status.DRAFT, Status.SUBMITTED):
        raise Conflict(_("计划书已发布，不能再修改"), code="plan_published")
    if not boundary.strip():
        raise ValidationFailed(_("请说明核算边界"), fields={"boundary": "required"})
    existing = Plan.objects.filter(event=event).first()
    before = audit_snapshot(existing) if existing else None
    plan, _created = Plan.objects.update_or_create(
        event=event,
        defaults={
            "boundary": boundary.strip(),
            "reduction_measures": reduction_measures.strip(),
            "offset_plan": offset_plan.strip(),
        },
    )
    audit_append(actor=actor, action="plan.update" if existing else "plan.create", target=plan, before=before)
    return plan


@transaction.atomic
def plan_publish(*, actor: Actor, code) -> Event:
    """Publish the plan: needs boundary text and an ex-ante estimate."""
    actor.require(Role.ORGANISER)
    event = _locked_event(actor, code)
    plan = Plan.objects.filter(event=event).first()
    if plan is None or not plan.boundary:
        raise Conflict(_("请先填写计划书"), code="plan_missing")
    if plan.estimate_kg_co2e is None:
        raise Conflict(_("请先计算排放预估"), code="estimate_missing")
    before = audit_snapshot(event)
    workflow.transition(event=event, action="publish_plan", actor=actor.user)
    plan.published_at = timezone.now()
    plan.save(update_fields=["published_at"])
    audit_append(actor=actor, action="plan.publish", target=event, before=before, fields=["status"])
    return event


@transaction.atomic
def event_withdraw(*, actor: Actor, code, note: str = "") -> Event:
    actor.require(Role.ORGANISER)
    event = _locked_event(actor, code)
    before = audit_snapshot(event)
    workflow.transition(event=event, action="withdraw", actor=actor.user, note=note)
    audit_append(actor=actor, action="event.withdraw", target=event, before=before, fields=["status"])
    return event
