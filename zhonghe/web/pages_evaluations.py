"""Read side of the evaluation pages: the verifier's task list and one evaluation with the event's evidence."""

from __future__ import annotations

from django.utils.translation import get_language

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Role
from zhonghe.evaluations.checklist import item_text
from zhonghe.evaluations.models import EvaluationMode, EvaluationStatus, FindingStatus
from zhonghe.evaluations.offsets import offset_covered_t
from zhonghe.evaluations.selectors import (
    checklist_rows,
    evaluation_current_for_event,
    evaluation_get,
    evaluation_tasks_for_verifier,
    verifier_organisations,
)
from zhonghe.events.models import Event, Stage, Status
from zhonghe.events.selectors import activities_for_event
from zhonghe.registry.selectors import retirements_for_event
from zhonghe.registry.serials import format_serial
from zhonghe.web.forms_evaluations import (
    AcceptForm,
    AssignForm,
    BureauReturnForm,
    CheckForm,
    ConclusionForm,
    FindingForm,
    RequestEvaluationForm,
    ResponseForm,
    ReturnForm,
)


def verifier_tasks(actor: Actor) -> list:
    return list(evaluation_tasks_for_verifier(actor)) if Role.VERIFIER in actor.roles else []


def _retirements(event: Event) -> list:
    rows = list(retirements_for_event(event))
    for r in rows:
        code = r.block.project.code
        r.serial_range = f"{format_serial(code, r.block.serial_first)} – {format_serial(code, r.block.serial_last)}"
    return rows


def _is_evaluator(actor: Actor, evaluation) -> bool:
    if evaluation.mode == EvaluationMode.SELF:
        return actor.has(Role.ORGANISER) and actor.organization.id == evaluation.event.organization_id
    return actor.has(Role.VERIFIER) and actor.organization.id == evaluation.verifier_id


def evaluation_detail_page(actor: Actor, code, *, data=None, form_key: str = "") -> dict:
    """One evaluation: the event's data, inventory, evidence and retirements (read-only), the checklist, the
    findings and the forms the actor may use. `data` binds the form named `form_key`."""
    evaluation = evaluation_get(actor, code)
    event, language = evaluation.event, get_language() or "zh-hans"
    is_organiser = actor.has(Role.ORGANISER) and actor.organization.id == event.organization_id
    status = evaluation.status
    rows = checklist_rows(evaluation)
    for row in rows:
        row["text"] = item_text(row["item"], language)

    def bound(key, cls, **kwargs):
        return cls(data if key == form_key else None, **kwargs)

    findings = list(evaluation.findings.order_by("id"))
    for f in findings:
        f.can_respond = is_organiser and status in (EvaluationStatus.OPEN, EvaluationStatus.RETURNED)
        f.can_respond = f.can_respond and f.status != FindingStatus.CLOSED
        f.can_close = _is_evaluator(actor, evaluation) and status == EvaluationStatus.OPEN
        f.can_close = f.can_close and f.status != FindingStatus.CLOSED
    works = _is_evaluator(actor, evaluation) and status == EvaluationStatus.OPEN
    bureau = actor.has(Role.REVIEWER)
    plan = getattr(event, "plan", None)
    return {
        "evaluation": evaluation,
        "event": event,
        "inventory": evaluation.inventory,
        "plan": plan,
        "activities": list(activities_for_event(event, Stage.AFTER)),
        "retirements": _retirements(event),
        "covered_t": offset_covered_t(event),
        "checklist": rows,
        "findings": findings,
        "can_work": works,
        "can_open_event": is_organiser or bureau,
        "check_form": CheckForm(),
        "finding_form": bound("finding", FindingForm, language=language),
        "return_form": bound("return", ReturnForm),
        "conclusion_form": bound("conclude", ConclusionForm),
        "response_form": ResponseForm(),
        "can_assign": bureau
        and evaluation.mode == EvaluationMode.THIRD_PARTY
        and status in (EvaluationStatus.WAITING, EvaluationStatus.OPEN),
        "assign_form": bound("assign", AssignForm, verifiers=verifier_organisations()),
        "can_decide": bureau and status == EvaluationStatus.CONCLUDED,
        "accept_form": bound("accept", AcceptForm),
        "bureau_return_form": bound("reject", BureauReturnForm),
    }


def event_evaluation_block(actor: Actor, event: Event, inventory, *, can_edit: bool, data=None) -> dict:
    """The event page's evaluation section: the current evaluation and, when the organiser may ask, the form."""
    current = evaluation_current_for_event(event)
    resumable = current is not None and current.status == EvaluationStatus.RETURNED
    fresh = current is None or current.status == EvaluationStatus.ACCEPTED
    covered = inventory is not None and offset_covered_t(event) >= inventory.required_offset_t
    can_request = can_edit and event.status in (Status.OFFSET, Status.ACCOUNTED) and covered and (resumable or fresh)
    return {
        "evaluation": current,
        "can_request_evaluation": can_request,
        "resubmit": resumable,
        "request_form": RequestEvaluationForm(data, verifiers=verifier_organisations(), auto_id="id_eval_%s"),
    }
