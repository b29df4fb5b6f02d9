"""Plan tools (gather → compute → persist): copy the estimate into the actual data, adopt or drop a
reduction measure, publish the plan once its measures describe its estimate.

Each service locks the event row first (the same lock activity_add, plan_estimate and plan_publish take),
computes everything, and writes only when nothing was refused.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Role
from zhonghe.audit.services import audit_append
from zhonghe.engine.errors import EngineError
from zhonghe.engine.footprint import calculate_footprint
from zhonghe.engine.scenarios import InvalidScenario
from zhonghe.events import services as event_services
from zhonghe.events.models import ActivityRecord, Event, Plan, Stage, Status
from zhonghe.footprints.services import STAGE_OPEN, current_release
from zhonghe.footprints.translate import accounting_options, engine_refusal, to_engine
from zhonghe.lib.errors import Conflict, NotFound, ValidationFailed
from zhonghe.lib.ids import parse_code
from zhonghe.plans.models import EstimateCopy, ReductionMeasure, Scenario
from zhonghe.plans.scenarios import estimate_matches, factor_citations, plan_scenario

PLAN_OPEN = (Status.DRAFT, Status.SUBMITTED)
# Every field of a BEFORE row that the copy carries over (identity, stage and audit fields are new).
COPIED_FIELDS = [
    f.name
    for f in ActivityRecord._meta.concrete_fields
    if f.name not in ("id", "code", "event", "stage", "created_by", "created_at")
]


def _locked_event(actor: Actor, code: object) -> Event:
    event = (
        Event.objects.select_for_update()
        .filter(code=parse_code(code, "event"), organization=actor.organization)
        .first()
    )
    if event is None:
        raise NotFound(_("活动不存在"))
    return event


def _copy_of(record: ActivityRecord, actor: Actor) -> ActivityRecord:
    copy = ActivityRecord(event=record.event, stage=Stage.AFTER, created_by=actor.user)
    for name in COPIED_FIELDS:
        setattr(copy, name, getattr(record, name))
    copy.green_certificates = list(record.green_certificates or [])
    return copy


@transaction.atomic
def plan_estimate_copy(*, actor: Actor, code: object) -> list[ActivityRecord]:
    """Copy the plan's estimate rows into the actual (AFTER) data as a starting point; returns the new rows.

    Copies only rows not copied before (a copied row the organiser deleted counts as missing again);
    refuses with `estimate_already_copied` when none is missing, `stage_closed` outside PLANNED/ACCOUNTED,
    `no_activities` without estimate rows, and the engine's refusal when the current release cannot account
    a row. Nothing is written when it refuses.
    """
    actor.require(Role.ORGANISER)
    event = _locked_event(actor, code)
    if event.status not in STAGE_OPEN[Stage.AFTER]:
        raise Conflict(_("计划书发布后、实际数据仍可录入时才能复制预估数据"), code="stage_closed")
    sources = list(event.activities.filter(stage=Stage.BEFORE).order_by("id"))
    if not sources:
        raise Conflict(_("计划书中没有预估活动数据"), code="no_activities")
    copied = set(EstimateCopy.objects.filter(event=event).values_list("source_id", flat=True))
    missing = [record for record in sources if record.pk not in copied]
    if not missing:
        raise Conflict(_("预估数据已全部复制到实际数据，无需再次复制"), code="estimate_already_copied")
    copies = [_copy_of(record, actor) for record in missing]
    try:  # the current release must account every copy before anything is saved
        calculate_footprint(
            [to_engine(c, ref=str(i)) for i, c in enumerate(copies)], current_release(), accounting_options(event)
        )
    except EngineError as exc:
        raise engine_refusal(exc) from exc
    for record, copy in zip(missing, copies, strict=True):
        copy.save()
        EstimateCopy.objects.create(event=event, source=record, copy=copy, created_by=actor.user)
    for copy in copies:  # after the loop that writes: the audit head is the last lock taken
        audit_append(actor=actor, action="activity.copy", target=copy)
    return copies


def _plan_open(event: Event) -> Plan:
    plan = Plan.objects.filter(event=event).first()
    if plan is None:
        raise Conflict(_("请先填写计划书"), code="plan_missing")
    if plan.published_at is not None or event.status not in PLAN_OPEN:
        raise Conflict(_("计划书已发布，不能再修改"), code="plan_published")
    if plan.estimate_kg_co2e is None:
        raise Conflict(_("请先计算排放预估"), code="estimate_missing")
    return plan


def _parameter(value: object) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(_("请输入数字"), fields={"parameter": str(value)}) from exc
    if not number.is_finite():
        raise ValidationFailed(_("请输入有限的数字"), fields={"parameter": str(value)})
    return number


@transaction.atomic
def reduction_measure_adopt(*, actor: Actor, code: object, scenario: str, parameter: object) -> ReductionMeasure:
    """Adopt a scenario as a planned reduction measure, with the figures the engine computes now.

    The figures are recomputed here (never taken from the page). Adopting a scenario again replaces its
    measure. Refuses `plan_missing`, `plan_published`, `estimate_missing`, `estimate_stale` (the BEFORE data
    changed since the estimate), `scenario_unavailable` (the release lacks its factor), `no_saving`, and
    ValidationFailed for an unknown scenario or a parameter out of range. Nothing is written on refusal.
    """
    actor.require(Role.ORGANISER)
    event = _locked_event(actor, code)
    plan = _plan_open(event)
    if scenario not in Scenario.values:
        raise ValidationFailed(_("未知的减排情景"), fields={"scenario": scenario})
    try:
        computed = plan_scenario(event, plan, scenario, _parameter(parameter)).result
    except InvalidScenario as exc:
        raise ValidationFailed(_("情景参数超出范围"), code=exc.code, fields={"parameter": str(parameter)}) from exc
    except EngineError as exc:
        raise engine_refusal(exc) from exc
    if not estimate_matches(plan, computed):
        raise Conflict(_("预估活动数据已变化，请先重新计算排放预估"), code="estimate_stale")
    if not computed.available:
        message = _("因子库 %(r)s 中没有该情景所需的因子 %(k)s") % {
            "r": plan.estimate_release,
            "k": computed.missing_factor,
        }
        raise Conflict(message, code="scenario_unavailable", fields={"factor_key": computed.missing_factor})
    if computed.saving_kg_co2e <= 0:
        raise Conflict(_("该情景不能降低排放预估，不能作为减排措施"), code="no_saving")
    measure, _created = ReductionMeasure.objects.update_or_create(
        plan=plan,
        scenario=scenario,
        defaults={
            "parameter": computed.parameter,
            "release_code": plan.estimate_release,
            "baseline_kg_co2e": computed.baseline_kg_co2e,
            "new_kg_co2e": computed.new_kg_co2e,
            "saving_kg_co2e": computed.saving_kg_co2e,
            "saving_pct": computed.saving_pct,
            "factors": factor_citations(computed),
            "created_by": actor.user,
        },
    )
    audit_append(actor=actor, action="measure.adopt", target=measure)  # a re-adoption chains on its last entry
    return measure


@transaction.atomic
def reduction_measure_remove(*, actor: Actor, code: object, measure_code: object) -> None:
    """Drop an adopted measure before publication. Refuses NotFound (other plans' measures too), plan_published."""
    actor.require(Role.ORGANISER)
    event = _locked_event(actor, code)
    measure = ReductionMeasure.objects.filter(plan__event=event, code=parse_code(measure_code, "measure")).first()
    if measure is None:
        raise NotFound(_("减排措施不存在"))
    _plan_open_for_removal(event)
    audit_append(actor=actor, action="measure.remove", target=measure, deleted=True)
    ReductionMeasure.objects.filter(pk=measure.pk).delete()


def _plan_open_for_removal(event: Event) -> None:
    if event.status not in PLAN_OPEN or Plan.objects.filter(event=event, published_at__isnull=False).exists():
        raise Conflict(_("计划书已发布，不能再修改"), code="plan_published")


def stale_measures(plan: Plan) -> list[ReductionMeasure]:
    """Measures computed on another estimate (or release) than the plan's current one."""
    return [
        m
        for m in plan.measures.all()
        if m.baseline_kg_co2e != plan.estimate_kg_co2e or m.release_code != plan.estimate_release
    ]


@transaction.atomic
def plan_publish_checked(*, actor: Actor, code: object) -> Event:
    """Publish the plan (events.services.plan_publish) once every adopted measure describes its estimate.

    Refuses `measures_stale` when a measure was computed on an earlier estimate: the public plan would show
    figures that do not add up. Otherwise the refusals of plan_publish. After it the plan is public.
    """
    actor.require(Role.ORGANISER)
    event = _locked_event(actor, code)
    plan = Plan.objects.filter(event=event).first()
    if plan is not None and plan.estimate_kg_co2e is not None and stale_measures(plan):
        raise Conflict(_("减排措施基于早先的排放预估，请重新采纳或删除后再发布"), code="measures_stale")
    return event_services.plan_publish(actor=actor, code=code)
