"""Read side of the web pages: each function gathers one page's data through the domain selectors.

Views call exactly one of these (or one service) and render. Objects are always reached through a
selector that scopes them to the actor's organisation, so another organisation's code is NotFound.
"""

from __future__ import annotations

import uuid

from django.utils import timezone
from django.utils.translation import gettext as _

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Role
from zhonghe.certificates.models import CertificateStatus
from zhonghe.certificates.selectors import (
    certificate_public_list,
    certificate_valid_for_event,
    certificates_revoked_for_event,
)
from zhonghe.evaluations.offsets import offset_covered_t
from zhonghe.evaluations.selectors import evaluation_current_for_event
from zhonghe.events.deadlines import days_remaining
from zhonghe.events.models import Event, Stage, Status
from zhonghe.events.selectors import activities_for_event, event_get, event_list_for_actor, transitions_for_event
from zhonghe.events.workflow import allowed_actions
from zhonghe.footprints.report import InventoryReport, inventory_report
from zhonghe.footprints.selectors import inventory_latest, inventory_version
from zhonghe.footprints.services import STAGE_OPEN, current_release
from zhonghe.lib.errors import NotFound, PermissionDenied
from zhonghe.registry.models import OrderStatus
from zhonghe.registry.selectors import (
    holdings_for_org,
    orders_for_actor,
    project_catalogue,
    retirements_for_event,
)
from zhonghe.registry.serials import format_serial
from zhonghe.web.forms import (
    OrderForm,
    PlanForm,
    QuantityActivityForm,
    RetireForm,
    RevokeForm,
    TravelActivityForm,
)
from zhonghe.web.labels import ACTION_LABELS, BUTTON_ACTIONS
from zhonghe.web.next_step import EventState, NextStep, next_step
from zhonghe.web.pages_evaluations import event_evaluation_block, verifier_tasks
from zhonghe.web.pages_offsets import external_block
from zhonghe.web.report_content import category_text, phase_text

CLOSED = (Status.CERTIFIED, Status.WITHDRAWN)
STEPS = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.PLANNED,
    Status.ACCOUNTED,
    Status.OFFSET,
    Status.EVALUATING,
    Status.EVALUATED,
    Status.ACCEPTED,
    Status.CERTIFIED,
)


def status_steps(status: str) -> list[dict]:
    """The workflow as a stepper: each status is done, current or still to come (none when withdrawn)."""
    if status not in STEPS:
        return []
    here = STEPS.index(status)
    states = ["done" if i < here else "current" if i == here else "todo" for i in range(len(STEPS))]
    return [{"status": s, "label": s.label, "state": st} for s, st in zip(STEPS, states, strict=True)]


def with_days_left(events, today=None) -> list[Event]:
    """Attach `days_left` (None when no deadline or the event is closed) and `overdue` to each event."""
    today = today or timezone.localdate()
    rows = list(events)
    for e in rows:
        open_ = e.deadline is not None and e.status not in CLOSED
        e.days_left = days_remaining(e.deadline, today) if open_ else None
        e.overdue = bool(open_ and e.obliged and e.days_left < 0)
    return rows


def home_page() -> dict:
    return {"certificates": certificate_public_list().filter(status=CertificateStatus.VALID)[:12]}


def dashboard_page(actor: Actor) -> dict:
    org = actor.organization
    ctx: dict = {"actor": actor, "roles": actor.roles}
    if Role.ORGANISER in actor.roles:
        ctx["events"] = with_days_left(event_list_for_actor(actor).filter(organization=org).select_related("plan"))
        for e in ctx["events"]:  # what each event still lacks: its next step and why
            e.next_step = event_next_step(
                e, getattr(e, "plan", None), inventory_latest(e), evaluation_current_for_event(e)
            )
    if Role.SELLER in actor.roles:
        ctx["projects"] = [p for p in project_catalogue() if p.seller_id == org.id]
        ctx["holdings"] = holdings_for_org(org)
        ctx["pending_orders"] = orders_for_actor(actor).filter(seller=org, status=OrderStatus.PENDING)
    ctx["verifier_tasks"] = verifier_tasks(actor)
    return ctx


class Bound:
    """Which form of a page is bound to the POSTed data: `Bound("retire", request.POST)`."""

    def __init__(self, key: str = "", data=None, files=None):
        self.key, self.data, self.files, self.form = key, data, files, None

    def make(self, key: str, cls, **kwargs):
        if self.files is not None and key == self.key:
            kwargs["files"] = self.files
        form = cls(self.data if key == self.key else None, **kwargs)
        if key == self.key:
            self.form = form
        return form


def stage_block(event: Event, stage: str, release, *, editable: bool, bound: Bound | None = None) -> dict:
    """One tab of activity data: its records and (when the stage is open) the two add forms."""
    bound = bound or Bound()
    return {
        "stage": stage,
        "label": Stage(stage).label,
        "records": list(activities_for_event(event, stage)),
        "open": editable and event.status in STAGE_OPEN[Stage(stage)],
        # The two add forms share field names (phase, quality…): each gets its own ids.
        "qty_form": bound.make(f"qty:{stage}", QuantityActivityForm, release=release, auto_id=f"id_{stage}_%s"),
        "travel_form": bound.make(f"travel:{stage}", TravelActivityForm, auto_id=f"id_{stage}_travel_%s"),
    }


def activity_stage_page(actor: Actor, code, stage: str) -> dict:
    """The activity tab of one stage alone (the htmx partial after an add or delete)."""
    event = event_get(actor, code)
    can_edit = actor.has(Role.ORGANISER) and event.organization_id == actor.organization.id
    return {"event": event, "st": stage_block(event, stage, current_release(), editable=can_edit)}


def _progress(event: Event, inventory) -> dict:
    retired_t = offset_covered_t(event)  # retired here + confirmed external − invalidated
    required_t = inventory.required_offset_t if inventory else 0
    return {
        "retired_t": retired_t,
        "required_t": required_t,
        "progress_pct": min(100, round(100 * retired_t / required_t)) if required_t else 0,
    }


def _offset_block(actor: Actor, event: Event, inventory, bound: Bound) -> dict:
    progress = _progress(event, inventory)
    catalogue = project_catalogue()
    holdings = holdings_for_org(actor.organization)
    retirements = list(retirements_for_event(event))
    for r in retirements:
        code = r.block.project.code
        r.serial_range = f"{format_serial(code, r.block.serial_first)} – {format_serial(code, r.block.serial_last)}"
    remaining_t = max(progress["required_t"] - progress["retired_t"], 0)
    return {
        **progress,
        "remaining_t": remaining_t,
        "catalogue": catalogue,
        "holdings": holdings,
        "retirements": retirements,
        "event_orders": orders_for_actor(actor).filter(event=event),
        "order_form": bound.make(
            "order", OrderForm, projects=catalogue, initial={"quantity_t": remaining_t or None}, auto_id="id_order_%s"
        ),
        "retire_form": bound.make(
            "retire",
            RetireForm,
            holdings=holdings,
            initial={"quantity_t": remaining_t or None, "reason": _("大型活动碳中和抵消")},
            auto_id="id_retire_%s",
        ),
    }


def event_detail_page(actor: Actor, code, *, tab: str | None = None, bound: Bound | None = None) -> dict:
    """Everything the event page shows; `bound` binds one of its forms to POSTed data (ctx["bound_form"])."""
    bound = bound or Bound()
    event = with_days_left([event_get(actor, code)])[0]
    can_edit = actor.has(Role.ORGANISER) and event.organization_id == actor.organization.id
    plan = getattr(event, "plan", None)  # RelatedObjectDoesNotExist is an AttributeError
    inventory = inventory_latest(event)
    release = current_release()
    if tab not in Stage.values:
        tab = Stage.AFTER if event.status not in (Status.DRAFT, Status.SUBMITTED) else Stage.BEFORE
    plan_initial = (
        {"boundary": plan.boundary, "reduction_measures": plan.reduction_measures, "offset_plan": plan.offset_plan}
        if plan
        else {}
    )
    ctx = {
        "event": event,
        "can_edit": can_edit,
        "transitions": list(transitions_for_event(event)),
        "steps": status_steps(event.status),
        "actions": [(a, ACTION_LABELS[a]) for a in allowed_actions(event.status) if a in BUTTON_ACTIONS]
        if can_edit
        else [],
        "plan": plan,
        "plan_editable": can_edit and event.status in (Status.DRAFT, Status.SUBMITTED),
        "plan_form": bound.make("plan", PlanForm, initial=plan_initial),
        "stages": [stage_block(event, s, release, editable=can_edit, bound=bound) for s in Stage.values],
        "active_tab": tab,
        "inventory": inventory,
        "inventory_charts": inventory_chart_data(inventory) if inventory else None,
        "certificate": certificate_valid_for_event(event),
        "revoked_certificates": list(certificates_revoked_for_event(event)),
        "can_revoke": actor.has(Role.REVIEWER),
        "revoke_form": bound.make("revoke", RevokeForm, auto_id="id_revoke_%s"),
        "release": release,
        "once_token": uuid.uuid4().hex,  # one-time token of the irreversible buttons (certificate issue)
    }
    if can_edit:
        ctx.update(_offset_block(actor, event, inventory, bound))
    else:
        ctx.update(_progress(event, inventory))
    ctx.update(external_block(actor, event, bound, can_edit=can_edit))
    ctx.update(event_evaluation_block(actor, event, inventory, can_edit=can_edit))
    if can_edit:
        ctx["next_step"] = event_next_step(event, plan, inventory, ctx["evaluation"])
        ctx["actions"].sort(key=lambda pair: pair[0] != ctx["next_step"].action)  # the main button first
    if bound.key and bound.form is None:  # a form this page does not offer to this actor (e.g. the bureau's retire)
        raise PermissionDenied(_("当前账号不能使用此表单"))
    ctx["bound_form"] = bound.form
    return ctx


def event_next_step(event: Event, plan, inventory, evaluation) -> NextStep:
    """The organiser's one next step (web/next_step.py) from the event's current state."""
    return next_step(
        EventState(
            status=event.status,
            plan_saved=plan is not None,
            plan_published=bool(plan and plan.published_at),
            required_t=inventory.required_offset_t if inventory else 0,
            covered_t=offset_covered_t(event),
            has_inventory=inventory is not None,
            evaluation_status=evaluation.status if evaluation else "",
        )
    )


def inventory_report_page(actor: Actor, code, version: object) -> InventoryReport:
    """The report of one version of an event the actor may see; NotFound otherwise."""
    inventory = inventory_version(event_get(actor, code), str(version))
    if inventory is None:
        raise NotFound(_("核算版本不存在"))
    return inventory_report(inventory)


def inventory_chart_data(inventory) -> dict:
    """kg CO2e by source and by phase for the page's ECharts (strings: the page never rounds through floats)."""
    report = inventory_report(inventory, recompute=False)
    return {
        "by_source": [{"name": category_text(k), "kg": str(kg)} for k, kg in report.by_source_kg],
        "by_phase": [{"name": phase_text(k), "kg": str(kg)} for k, kg in report.by_phase_kg],
    }


def market_page(actor: Actor, *, data=None) -> dict:
    """The catalogue in the plan's order; the order form is bound to `data` when given."""
    catalogue = project_catalogue()
    events = event_list_for_actor(actor).filter(organization=actor.organization).exclude(status__in=CLOSED)
    return {
        "catalogue": catalogue,
        "can_buy": actor.has(Role.ORGANISER),
        "order_form": OrderForm(data, projects=catalogue, events=events, auto_id="id_order_%s"),
    }


def orders_page(actor: Actor) -> dict:
    org = actor.organization
    orders = list(orders_for_actor(actor))
    for o in orders:
        o.can_decide = actor.has(Role.SELLER) and o.seller_id == org.id and o.status == OrderStatus.PENDING
    return {"orders": orders, "org": org}
