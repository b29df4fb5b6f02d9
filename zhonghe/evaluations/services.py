"""Evaluation services: request, assign, check, findings, return, conclude, bureau accept/return.

Lock order: the event row (select_for_update), then the evaluation row (as registry/services.py documents for
the event). Each service moves the event through events/workflow.py where the status changes.
"""

from __future__ import annotations

import hashlib
import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Organization, Role
from zhonghe.audit.services import audit_append
from zhonghe.evaluations.checklist import ITEM_KEYS
from zhonghe.evaluations.models import (
    AssignedBy,
    CheckResult,
    Evaluation,
    EvaluationCheck,
    EvaluationMode,
    EvaluationStatus,
    Finding,
    FindingStatus,
    Severity,
)
from zhonghe.evaluations.offsets import offset_covered_t
from zhonghe.evaluations.selectors import verifier_organisations
from zhonghe.events import workflow
from zhonghe.events.models import Event
from zhonghe.events.obligation import self_evaluation_allowed
from zhonghe.lib.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhonghe.lib.ids import parse_code
from zhonghe.lib.numbers import format_number

TEXT_MAX_CHARS = 2000


def _text(value: object, field: str, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(_("请填写此项"), fields={field: "required"})
    if len(text) > TEXT_MAX_CHARS:
        raise ValidationFailed(_("不能超过%(n)d个字符") % {"n": TEXT_MAX_CHARS}, fields={field: "too_long"})
    return text


def _verifier(uscc: object) -> Organization:
    org = verifier_organisations().filter(uscc=str(uscc or "").strip().upper()).first()
    if org is None:
        raise ValidationFailed(_("请选择已登记的第三方核查机构"), fields={"verifier": str(uscc or "")})
    return org


def _locked(code: object) -> tuple[Event, Evaluation]:
    """The evaluation and its event, both locked (event first)."""
    found = Evaluation.objects.filter(code=parse_code(code, "evaluation")).values_list("event_id", flat=True).first()
    if found is None:
        raise NotFound(_("评价不存在"))
    event = Event.objects.select_for_update(of=("self",)).select_related("organization").get(pk=found)
    return event, Evaluation.objects.select_for_update(of=("self",)).get(code=parse_code(code, "evaluation"))


def _visible(actor: Actor, event: Event, evaluation: Evaluation) -> None:
    """Other organisations' evaluations are NotFound, as their events are."""
    org_id = actor.organization.id
    if not (actor.has(Role.REVIEWER) or org_id in (event.organization_id, evaluation.verifier_id)):
        raise NotFound(_("评价不存在"))


def _evaluator(actor: Actor, event: Event, evaluation: Evaluation) -> None:
    """The assigned verifier (third party) or the organiser (self-evaluation) may work on the checklist."""
    _visible(actor, event, evaluation)
    if evaluation.mode == EvaluationMode.SELF:
        ok = actor.has(Role.ORGANISER) and actor.organization.id == event.organization_id
    else:
        ok = actor.has(Role.VERIFIER) and actor.organization.id == evaluation.verifier_id
    if not ok:
        raise PermissionDenied(_("只有承担本次评价的机构可以执行此操作"))


def _status(evaluation: Evaluation, *allowed: str) -> None:
    if evaluation.status not in allowed:
        raise Conflict(
            _("评价当前状态“%(s)s”下不能执行此操作") % {"s": EvaluationStatus(evaluation.status).label},
            code="illegal_evaluation_state",
            fields={"status": evaluation.status},
        )


def _require_covered(event: Event):
    inventory = event.inventories.order_by("-version").first()
    if inventory is None:
        raise Conflict(_("请先冻结核算结果"), code="no_inventory")
    covered_t = offset_covered_t(event)
    if covered_t < inventory.required_offset_t:
        raise Conflict(
            _("注销量（%(r)s吨）少于排放量（%(n)s吨），不能申请评价")
            % {"r": format_number(covered_t, "credits"), "n": format_number(inventory.required_offset_t, "credits")},
            code="insufficient_offset",
        )
    return inventory


@transaction.atomic
def evaluation_request(*, actor: Actor, event_code: object, mode: str, verifier_uscc: str = "") -> Evaluation:
    """The organiser asks for evaluation once the offset covers the latest inventory.

    `mode` self: only where the jurisdiction's rules allow it (obligation rules' `self_evaluation`).
    `mode` third_party: the invited verifier (by USCC), or none yet for the bureau to assign. After the evaluator
    sent the event back, the same evaluation resumes (on the latest inventory) once every finding that must be
    corrected has a response. Raises NotFound, PermissionDenied, ValidationFailed, Conflict.
    """
    actor.require(Role.ORGANISER)
    event = (
        Event.objects.select_for_update(of=("self",))
        .filter(code=parse_code(event_code, "event"), organization=actor.organization)
        .first()
    )
    if event is None:
        raise NotFound(_("活动不存在"))
    current = Evaluation.objects.select_for_update().filter(event=event).exclude(status=EvaluationStatus.ACCEPTED)
    current = current.first()
    if current is not None and current.status != EvaluationStatus.RETURNED:
        raise Conflict(_("评价已在进行中"), code="evaluation_open")
    inventory = _require_covered(event)
    if current is not None:
        return _resubmit(actor, event, current, inventory)
    if mode not in EvaluationMode.values:
        raise ValidationFailed(_("请选择评价方式"), fields={"mode": str(mode)})
    verifier = None
    if mode == EvaluationMode.SELF:
        if verifier_uscc:
            raise ValidationFailed(_("自我评价不需要核查机构"), fields={"verifier": verifier_uscc})
        if not self_evaluation_allowed(event.jurisdiction, obliged=event.obliged):
            raise Conflict(
                _("按本地规则，本活动须由第三方核查机构评价"), code="self_evaluation_not_allowed", fields={"mode": mode}
            )
    elif verifier_uscc:
        verifier = _verifier(verifier_uscc)
        if verifier.id == event.organization_id:
            raise ValidationFailed(_("核查机构不能是活动组织方本身"), fields={"verifier": verifier_uscc})
    workflow.transition(event=event, action="request_evaluation", actor=actor.user, note=EvaluationMode(mode).label)
    evaluation = Evaluation.objects.create(
        event=event,
        inventory=inventory,
        mode=mode,
        verifier=verifier,
        assigned_by=AssignedBy.ORGANISER if verifier else "",
        status=EvaluationStatus.OPEN if mode == EvaluationMode.SELF or verifier else EvaluationStatus.WAITING,
        requested_by=actor.user,
    )
    audit_append(actor=actor, action="evaluation.request", target=evaluation)
    return evaluation


def _resubmit(actor: Actor, event: Event, evaluation: Evaluation, inventory) -> Evaluation:
    unanswered = evaluation.findings.filter(severity=Severity.MAJOR, status=FindingStatus.OPEN).count()
    if unanswered:
        raise Conflict(_("还有%(n)d项须整改的核查发现未回复") % {"n": unanswered}, code="findings_unanswered")
    workflow.transition(event=event, action="request_evaluation", actor=actor.user, note=_("整改后重新提交评价"))
    evaluation.inventory = inventory
    evaluation.status = EvaluationStatus.OPEN
    evaluation.rounds += 1
    evaluation.save(update_fields=["inventory", "status", "rounds"])
    audit_append(actor=actor, action="evaluation.resubmit", target=evaluation)
    return evaluation


@transaction.atomic
def evaluation_assign(*, actor: Actor, evaluation_code: object, verifier_uscc: str) -> Evaluation:
    """The bureau assigns (or replaces) the third-party verifier before a conclusion is signed."""
    actor.require(Role.REVIEWER)
    event, evaluation = _locked(evaluation_code)
    if evaluation.mode != EvaluationMode.THIRD_PARTY:
        raise Conflict(_("自我评价不指派核查机构"), code="self_evaluation")
    _status(evaluation, EvaluationStatus.WAITING, EvaluationStatus.OPEN)
    verifier = _verifier(verifier_uscc)
    if verifier.id == event.organization_id:
        raise ValidationFailed(_("核查机构不能是活动组织方本身"), fields={"verifier": verifier_uscc})
    evaluation.verifier, evaluation.assigned_by, evaluation.status = verifier, AssignedBy.BUREAU, EvaluationStatus.OPEN
    evaluation.save(update_fields=["verifier", "assigned_by", "status"])
    audit_append(actor=actor, action="evaluation.assign", target=evaluation)
    return evaluation


@transaction.atomic
def evaluation_check(
    *, actor: Actor, evaluation_code: object, item: str, result: str, note: str = ""
) -> EvaluationCheck:
    """The evaluator answers one checklist item (pass / fail / not applicable); answering again replaces it."""
    event, evaluation = _locked(evaluation_code)
    _evaluator(actor, event, evaluation)
    _status(evaluation, EvaluationStatus.OPEN)
    if item not in ITEM_KEYS:
        raise ValidationFailed(_("未知的核查项"), fields={"item": str(item)})
    if result not in CheckResult.values:
        raise ValidationFailed(_("请选择核查结果"), fields={"result": str(result)})
    check, _created = EvaluationCheck.objects.update_or_create(
        evaluation=evaluation,
        item=item,
        defaults={"result": result, "note": _text(note, "note", required=False), "checked_by": actor.user},
    )
    audit_append(actor=actor, action="evaluation.check", target=check)
    return check


@transaction.atomic
def finding_add(*, actor: Actor, evaluation_code: object, severity: str, text: str, item: str = "") -> Finding:
    """The evaluator records a finding (major ones must be corrected before a conclusion)."""
    event, evaluation = _locked(evaluation_code)
    _evaluator(actor, event, evaluation)
    _status(evaluation, EvaluationStatus.OPEN)
    if item and item not in ITEM_KEYS:
        raise ValidationFailed(_("未知的核查项"), fields={"item": str(item)})
    if severity not in Severity.values:
        raise ValidationFailed(_("请选择严重程度"), fields={"severity": str(severity)})
    finding = Finding.objects.create(
        evaluation=evaluation, item=item, severity=severity, text=_text(text, "text"), created_by=actor.user
    )
    audit_append(actor=actor, action="finding.add", target=finding)
    return finding


def _locked_finding(actor: Actor, finding_code: object) -> tuple[Event, Evaluation, Finding]:
    found = Finding.objects.filter(code=parse_code(finding_code, "finding")).values_list("evaluation__code", flat=True)
    if not found:
        raise NotFound(_("核查发现不存在"))
    event, evaluation = _locked(found[0])
    _visible(actor, event, evaluation)
    return event, evaluation, Finding.objects.select_for_update().get(code=parse_code(finding_code, "finding"))


@transaction.atomic
def finding_respond(*, actor: Actor, finding_code: object, response: str) -> Finding:
    """The organiser answers a finding (what was corrected, or why it stands); it can answer again."""
    event, evaluation, finding = _locked_finding(actor, finding_code)
    if not (actor.has(Role.ORGANISER) and actor.organization.id == event.organization_id):
        raise PermissionDenied(_("只有活动组织方可以回复核查发现"))
    _status(evaluation, EvaluationStatus.OPEN, EvaluationStatus.RETURNED)
    if finding.status == FindingStatus.CLOSED:
        raise Conflict(_("该核查发现已关闭"), code="finding_closed")
    finding.response, finding.responded_at = _text(response, "response"), timezone.now()
    finding.status = FindingStatus.RESPONDED
    finding.save(update_fields=["response", "responded_at", "status"])
    audit_append(actor=actor, action="finding.respond", target=finding)
    return finding


@transaction.atomic
def finding_close(*, actor: Actor, finding_code: object) -> Finding:
    """The evaluator closes a finding it is satisfied with."""
    event, evaluation, finding = _locked_finding(actor, finding_code)
    _evaluator(actor, event, evaluation)
    _status(evaluation, EvaluationStatus.OPEN)
    if finding.status == FindingStatus.CLOSED:
        raise Conflict(_("该核查发现已关闭"), code="finding_closed")
    finding.status, finding.closed_at = FindingStatus.CLOSED, timezone.now()
    finding.save(update_fields=["status", "closed_at"])
    audit_append(actor=actor, action="finding.close", target=finding)
    return finding


@transaction.atomic
def evaluation_return(*, actor: Actor, evaluation_code: object, note: str = "") -> Evaluation:
    """The evaluator sends the event back to the organiser for corrections; needs a finding still open."""
    event, evaluation = _locked(evaluation_code)
    _evaluator(actor, event, evaluation)
    _status(evaluation, EvaluationStatus.OPEN)
    if not evaluation.findings.exclude(status=FindingStatus.CLOSED).exists():
        raise Conflict(_("退回整改前请先记录核查发现"), code="no_open_findings")
    note = _text(note, "note", required=False)
    workflow.transition(event=event, action="return_for_correction", actor=actor.user, note=note)
    evaluation.status, evaluation.return_note = EvaluationStatus.RETURNED, note
    evaluation.save(update_fields=["status", "return_note"])
    audit_append(actor=actor, action="evaluation.return", target=evaluation)
    return evaluation


def conclusion_digest(evaluation: Evaluation, *, conclusion: str, signer: str, at: str) -> str:
    """SHA-256 over what the signer concludes on: the inventory hash, every answer, every finding and the text."""
    statement = {
        "evaluation": str(evaluation.code),
        "event": str(evaluation.event.code),
        "inventory_hash": evaluation.inventory.data_hash,
        "mode": evaluation.mode,
        "verifier": evaluation.verifier.uscc if evaluation.verifier else "",
        "checks": sorted([c.item, c.result, c.note] for c in evaluation.checks.all()),
        "findings": [[str(f.code), f.severity, f.text, f.status, f.response] for f in evaluation.findings.all()],
        "conclusion": conclusion,
        "signer": signer,
        "at": at,
    }
    canonical = json.dumps(statement, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@transaction.atomic
def evaluation_conclude(*, actor: Actor, evaluation_code: object, conclusion: str) -> Evaluation:
    """The evaluator signs the conclusion that the event is carbon neutral.

    Needs every checklist item answered pass or not applicable, no major finding left unclosed, the latest
    inventory evaluated and the offset still covering it. Raises Conflict naming the first gap.
    """
    event, evaluation = _locked(evaluation_code)
    _evaluator(actor, event, evaluation)
    _status(evaluation, EvaluationStatus.OPEN)
    conclusion = _text(conclusion, "conclusion")
    answers = dict(evaluation.checks.values_list("item", "result"))
    missing = sorted(ITEM_KEYS - set(answers))
    if missing:
        raise Conflict(_("还有核查项未完成"), code="checklist_incomplete", fields={"items": missing})
    failed = sorted(item for item, result in answers.items() if result == CheckResult.FAIL)
    if failed:
        raise Conflict(_("有核查项不符合，请退回整改"), code="checklist_failed", fields={"items": failed})
    if evaluation.findings.filter(severity=Severity.MAJOR).exclude(status=FindingStatus.CLOSED).exists():
        raise Conflict(_("须整改的核查发现尚未关闭"), code="major_findings_open")
    if _require_covered(event).pk != evaluation.inventory_id:
        raise Conflict(_("核算结果已更新，请组织方重新提交评价"), code="inventory_changed")
    now = timezone.now().replace(microsecond=0)
    signer = f"{actor.organization.name} / {actor.user or actor.api_key_id}"
    evaluation.conclusion, evaluation.concluded_by, evaluation.concluded_at = conclusion, actor.user, now
    evaluation.conclusion_digest = conclusion_digest(
        evaluation, conclusion=conclusion, signer=signer, at=now.isoformat()
    )
    evaluation.status = EvaluationStatus.CONCLUDED
    evaluation.save(update_fields=["conclusion", "concluded_by", "concluded_at", "conclusion_digest", "status"])
    workflow.transition(event=event, action="conclude_evaluation", actor=actor.user, note=conclusion[:200])
    audit_append(actor=actor, action="evaluation.conclude", target=evaluation)
    return evaluation


@transaction.atomic
def evaluation_accept(*, actor: Actor, evaluation_code: object, note: str = "") -> Evaluation:
    """The bureau accepts a signed conclusion; the organiser may then have the certificate issued."""
    actor.require(Role.REVIEWER)
    event, evaluation = _locked(evaluation_code)
    _status(evaluation, EvaluationStatus.CONCLUDED)
    note = _text(note, "note", required=False)
    evaluation.status, evaluation.accepted_at, evaluation.decided_by = (
        EvaluationStatus.ACCEPTED,
        timezone.now(),
        actor.user,
    )
    evaluation.bureau_note = note
    evaluation.save(update_fields=["status", "accepted_at", "decided_by", "bureau_note"])
    workflow.transition(event=event, action="accept_evaluation", actor=actor.user, note=note)
    audit_append(actor=actor, action="evaluation.accept", target=evaluation)
    return evaluation


@transaction.atomic
def evaluation_reject(*, actor: Actor, evaluation_code: object, reason: str) -> Evaluation:
    """The bureau returns a signed conclusion to the evaluator with its reasons; the conclusion is withdrawn."""
    actor.require(Role.REVIEWER)
    event, evaluation = _locked(evaluation_code)
    _status(evaluation, EvaluationStatus.CONCLUDED)
    reason = _text(reason, "reason")
    evaluation.status, evaluation.bureau_note, evaluation.decided_by = EvaluationStatus.OPEN, reason, actor.user
    evaluation.conclusion_digest, evaluation.concluded_at = "", None
    evaluation.save(update_fields=["status", "bureau_note", "decided_by", "conclusion_digest", "concluded_at"])
    workflow.transition(event=event, action="reject_evaluation", actor=actor.user, note=reason)
    audit_append(actor=actor, action="evaluation.reject", target=evaluation)
    return evaluation
