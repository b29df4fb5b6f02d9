"""Activity data, plan estimates and frozen inventory versions (gather → compute → persist)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Role
from zhonghe.audit.services import audit_append, audit_snapshot
from zhonghe.data.factor_releases import load_release
from zhonghe.engine.errors import EngineError
from zhonghe.engine.factors import METHOD_2, FactorRelease
from zhonghe.engine.footprint import Footprint, calculate_footprint
from zhonghe.engine.hashing import inventory_hash
from zhonghe.events import workflow
from zhonghe.events.models import ActivityCategory, ActivityRecord, Event, Plan, Stage, Status
from zhonghe.footprints.models import InventoryVersion
from zhonghe.footprints.records import activity_record_build
from zhonghe.footprints.source_totals import source_totals_write
from zhonghe.footprints.translate import (
    accounting_options,
    engine_refusal,
    footprint_lines_json,
    to_engine,
    to_jsonable,
)
from zhonghe.interop.idempotency import run_idempotent
from zhonghe.lib.errors import Conflict, NotFound, ValidationFailed
from zhonghe.lib.ids import parse_code

STAGE_OPEN = {
    Stage.BEFORE: {Status.DRAFT, Status.SUBMITTED},
    Stage.AFTER: {Status.PLANNED, Status.ACCOUNTED},
}


def current_release() -> FactorRelease:
    return load_release(settings.DEFAULT_FACTOR_RELEASE)


def _locked_event(actor: Actor, code: object) -> Event:
    event = (
        Event.objects.select_for_update()
        .filter(code=parse_code(code, "event"), organization=actor.organization)
        .first()
    )
    if event is None:
        raise NotFound(_("活动不存在"))
    return event


def _compute(records: list[ActivityRecord], release: FactorRelease, event: Event | None) -> Footprint:
    activities = [to_engine(r) for r in records]
    try:
        return calculate_footprint(activities, release, accounting_options(event))
    except EngineError as exc:
        raise engine_refusal(exc) from exc


@transaction.atomic
def activity_add(
    *, actor: Actor, code: object, stage: str, category: str, idempotency_key: object = "", **fields: object
) -> ActivityRecord:
    """Record one activity. It is computed once before saving, so bad units/places/factors never persist.

    A repeated `idempotency_key` returns the activity first recorded with it: a double submit never counts twice.
    """
    actor.require(Role.ORGANISER)
    event = _locked_event(actor, code)
    return run_idempotent(
        organization=actor.organization,
        key=idempotency_key,
        operation="activity_add",
        params={"event": str(event.code), "stage": stage, "category": category, **fields},
        perform=lambda: _record_activity(actor, event, stage, category, fields),
        ref=lambda record: str(record.code),
        load=lambda ref: ActivityRecord.objects.get(code=ref, event=event),
    )


def _record_activity(actor: Actor, event: Event, stage: str, category: str, fields: dict) -> ActivityRecord:
    if stage not in Stage.values or category not in ActivityCategory.values:
        raise ValidationFailed(_("未知的阶段或类别"), fields={"stage": stage, "category": category})
    if event.status not in STAGE_OPEN[Stage(stage)]:
        raise Conflict(_("当前状态下不能录入该阶段的活动数据"), code="stage_closed")
    release = current_release()
    record = activity_record_build(event=event, stage=stage, category=category, fields=fields, release=release)
    record.created_by = actor.user
    _compute([record], release, event)  # validates; raises before anything is written
    record.save()
    audit_append(actor=actor, action="activity.create", target=record)
    if record.stage == Stage.BEFORE:
        _clear_estimate(event)
    return record


def _clear_estimate(event: Event) -> None:
    """BEFORE-stage data changed: the plan's estimate no longer describes it and must be recomputed."""
    Plan.objects.filter(event=event, published_at__isnull=True).exclude(estimate_kg_co2e=None).update(
        estimate_kg_co2e=None, estimate_release="", estimate_lines=[], updated_at=timezone.now()
    )


@transaction.atomic
def activity_delete(*, actor: Actor, code: object, activity_code: object) -> None:
    actor.require(Role.ORGANISER)
    event = _locked_event(actor, code)
    record = ActivityRecord.objects.filter(event=event, code=parse_code(activity_code, "activity")).first()
    if record is None:
        raise NotFound(_("活动数据不存在"))
    if event.status not in STAGE_OPEN[Stage(record.stage)]:
        raise Conflict(_("当前状态下不能修改该阶段的活动数据"), code="stage_closed")
    audit_append(actor=actor, action="activity.delete", target=record, deleted=True)
    ActivityRecord.objects.filter(pk=record.pk).delete()
    if record.stage == Stage.BEFORE:
        _clear_estimate(event)


@transaction.atomic
def plan_estimate(*, actor: Actor, code: object) -> Plan:
    """Compute the ex-ante estimate from the BEFORE-stage activities into the (unpublished) plan."""
    actor.require(Role.ORGANISER)
    event = _locked_event(actor, code)
    plan = Plan.objects.filter(event=event).first()
    if plan is None:
        raise Conflict(_("请先填写计划书"), code="plan_missing")
    if plan.published_at is not None:
        raise Conflict(_("计划书已发布，不能再修改"), code="plan_published")
    if event.status not in STAGE_OPEN[Stage.BEFORE]:
        raise Conflict(_("当前状态下不能计算排放预估"), code="stage_closed")
    records = list(event.activities.filter(stage=Stage.BEFORE))
    if not records:
        raise Conflict(_("请先录入预估活动数据"), code="no_activities")
    release = current_release()
    footprint = _compute(records, release, event)
    before = audit_snapshot(plan)
    plan.estimate_kg_co2e = footprint.total_kg_co2e
    plan.estimate_release = release.code
    plan.estimate_lines = footprint_lines_json(footprint)
    plan.save(update_fields=["estimate_kg_co2e", "estimate_release", "estimate_lines", "updated_at"])
    audit_append(actor=actor, action="plan.estimate", target=plan, before=before)
    return plan


def _same_options(stored: dict, options: dict) -> bool:
    return (stored or to_jsonable(accounting_options(None))) == options


@transaction.atomic
def inventory_freeze(*, actor: Actor, code: object) -> InventoryVersion:
    """Freeze the AFTER-stage data into a new immutable, hashed inventory version.

    Refuses before the event has ended, without data, and when the data equals the latest version.
    """
    actor.require(Role.ORGANISER)
    event = _locked_event(actor, code)
    if timezone.localdate() < event.end_date:
        raise Conflict(_("活动结束后才能冻结核算结果"), code="event_not_ended")
    records = list(event.activities.filter(stage=Stage.AFTER))
    if not records:
        raise Conflict(_("请先录入实际活动数据"), code="no_activities")
    release = current_release()
    activities = [to_engine(r) for r in records]
    footprint = _compute(records, release, event)
    # Method/1 releases carry no uncertainty data: no range is stored rather than a zero-width one.
    low_kg, high_kg = footprint.range_95 if footprint.method_version == METHOD_2 else (None, None)
    data_hash = inventory_hash(activities, release)
    options = to_jsonable(accounting_options(event))
    latest = event.inventories.order_by("-version").first()
    # Same data under the same options (a new grid choice is a reason to freeze again; versions frozen before
    # options were stored hold {} and count as the defaults).
    if latest is not None and latest.data_hash == data_hash and _same_options(latest.options, options):
        raise Conflict(_("活动数据未变化，无需重新冻结"), code="inventory_unchanged")
    workflow.transition(event=event, action="freeze_inventory", actor=actor.user)
    version = (event.inventories.aggregate(v=Max("version"))["v"] or 0) + 1
    inventory = InventoryVersion.objects.create(
        event=event,
        version=version,
        data_hash=data_hash,
        release_code=release.code,
        release_hash=release.content_hash(),
        method_version=release.method_version,
        total_kg_co2e=footprint.total_kg_co2e,
        total_t_co2e=footprint.total_t_co2e,
        required_offset_t=footprint.required_offset_t,
        activities=[to_jsonable(a) for a in sorted(activities, key=lambda a: a.ref)],
        lines=footprint_lines_json(footprint),
        options=options,
        by_phase_kg=to_jsonable(footprint.by_phase_kg()),
        by_source_kg=to_jsonable(footprint.by_category_kg()),
        range_low_kg_co2e=low_kg,
        range_high_kg_co2e=high_kg,
        created_by=actor.user,
    )
    audit_append(actor=actor, action="inventory.freeze", target=inventory)
    source_totals_write(inventory)  # derived rows for the bureau's dashboard, same transaction
    # A correction that lowers the total may leave enough already retired: the offset is then complete.
    if event.retired_t >= inventory.required_offset_t:
        workflow.transition(event=event, action="complete_offset", actor=actor.user, note=_("注销量已不少于排放量"))
    return inventory
