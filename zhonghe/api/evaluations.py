"""Evaluations (碳中和评价): request, bureau assignment, checklist, findings, return, conclusion, bureau decision.

Visible to the event's organiser, the assigned verifier and the bureau; everyone else gets 404.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Router, Schema, Status
from pydantic import Field

from zhonghe.api.auth import actor_of
from zhonghe.api.schemas import responses
from zhonghe.evaluations import selectors, services
from zhonghe.evaluations.checklist import item_text
from zhonghe.evaluations.models import Evaluation, Finding

router = Router(tags=["evaluations"])


class FindingOut(Schema):
    code: UUID
    item: str
    severity: str
    text: str
    status: str
    response: str
    created_at: datetime
    responded_at: datetime | None
    closed_at: datetime | None


class CheckOut(Schema):
    item: str
    text: str
    source: str
    result: str | None
    note: str


class EvaluationOut(Schema):
    code: UUID
    event_code: UUID
    event_name: str
    inventory_version: int
    inventory_hash: str
    mode: str
    verifier_name: str | None
    verifier_uscc: str | None
    assigned_by: str
    status: str
    rounds: int
    requested_at: datetime
    return_note: str
    conclusion: str
    conclusion_digest: str
    concluded_at: datetime | None
    bureau_note: str
    accepted_at: datetime | None
    checklist: list[CheckOut]
    findings: list[FindingOut]

    @staticmethod
    def resolve_event_code(obj: Evaluation) -> UUID:
        return obj.event.code

    @staticmethod
    def resolve_event_name(obj: Evaluation) -> str:
        return obj.event.name

    @staticmethod
    def resolve_inventory_version(obj: Evaluation) -> int:
        return obj.inventory.version

    @staticmethod
    def resolve_inventory_hash(obj: Evaluation) -> str:
        return obj.inventory.data_hash

    @staticmethod
    def resolve_verifier_name(obj: Evaluation) -> str | None:
        return obj.verifier.name if obj.verifier else None

    @staticmethod
    def resolve_verifier_uscc(obj: Evaluation) -> str | None:
        return obj.verifier.uscc if obj.verifier else None

    @staticmethod
    def resolve_checklist(obj: Evaluation) -> list[dict]:
        language = get_language() or "zh-hans"
        return [
            {
                "item": row["item"].key,
                "text": item_text(row["item"], language),
                "source": row["item"].source,
                "result": row["check"].result if row["check"] else None,
                "note": row["check"].note if row["check"] else "",
            }
            for row in selectors.checklist_rows(obj)
        ]

    @staticmethod
    def resolve_findings(obj: Evaluation) -> list[Finding]:
        return list(obj.findings.order_by("id"))


class RequestIn(Schema):
    event: UUID
    mode: str = Field(description="self or third_party")
    verifier_uscc: str = Field("", max_length=18, description="the invited verifier; empty: the bureau assigns one")


class AssignIn(Schema):
    verifier_uscc: str = Field(max_length=18)


class CheckIn(Schema):
    result: str = Field(description="pass, fail or na")
    note: str = Field("", max_length=2000)


class FindingIn(Schema):
    severity: str = Field(description="major (must be corrected), minor or observation")
    text: str = Field(max_length=2000)
    item: str = Field("", max_length=40)


class ResponseIn(Schema):
    response: str = Field(max_length=2000)


class TextIn(Schema):
    note: str = Field("", max_length=2000)


class ConclusionIn(Schema):
    conclusion: str = Field(max_length=2000)


class ReasonIn(Schema):
    reason: str = Field(max_length=2000)


@router.get("/evaluations", response=list[EvaluationOut], summary="Evaluations the caller may see")
def list_evaluations(request: HttpRequest):
    return list(selectors.evaluation_list_for_actor(actor_of(request))[:200])


@router.post("/evaluations", response=responses(201, EvaluationOut), summary="Ask for evaluation (organiser)")
def request_evaluation(request: HttpRequest, payload: RequestIn):
    actor = actor_of(request)
    evaluation = services.evaluation_request(
        actor=actor, event_code=payload.event, mode=payload.mode, verifier_uscc=payload.verifier_uscc
    )
    return Status(201, selectors.evaluation_get(actor, evaluation.code))


@router.get("/evaluations/{code}", response=responses(200, EvaluationOut))
def get_evaluation(request: HttpRequest, code: str):
    return selectors.evaluation_get(actor_of(request), code)


def _act(request: HttpRequest, code: str, call, **kwargs):
    """Run one service for the caller, then answer with the evaluation as the caller now sees it."""
    actor = actor_of(request)
    call(actor=actor, **kwargs)
    return selectors.evaluation_get(actor, code)


@router.post("/evaluations/{code}/assign", response=responses(200, EvaluationOut), summary="Assign (bureau)")
def assign(request: HttpRequest, code: str, payload: AssignIn):
    return _act(request, code, services.evaluation_assign, evaluation_code=code, verifier_uscc=payload.verifier_uscc)


@router.put("/evaluations/{code}/checks/{item}", response=responses(200, EvaluationOut), summary="Answer an item")
def check(request: HttpRequest, code: str, item: str, payload: CheckIn):
    return _act(
        request,
        code,
        services.evaluation_check,
        evaluation_code=code,
        item=item,
        result=payload.result,
        note=payload.note,
    )


@router.post("/evaluations/{code}/findings", response=responses(201, FindingOut), summary="Record a finding")
def add_finding(request: HttpRequest, code: str, payload: FindingIn):
    finding = services.finding_add(
        actor=actor_of(request), evaluation_code=code, severity=payload.severity, text=payload.text, item=payload.item
    )
    return Status(201, finding)


@router.post("/findings/{finding}/response", response=responses(200, FindingOut), summary="Respond (organiser)")
def respond(request: HttpRequest, finding: str, payload: ResponseIn):
    return services.finding_respond(actor=actor_of(request), finding_code=finding, response=payload.response)


@router.post("/findings/{finding}/close", response=responses(200, FindingOut), summary="Close (evaluator)")
def close(request: HttpRequest, finding: str):
    return services.finding_close(actor=actor_of(request), finding_code=finding)


@router.post("/evaluations/{code}/return", response=responses(200, EvaluationOut), summary="Send back for corrections")
def return_for_correction(request: HttpRequest, code: str, payload: TextIn):
    return _act(request, code, services.evaluation_return, evaluation_code=code, note=payload.note)


@router.post("/evaluations/{code}/conclude", response=responses(200, EvaluationOut), summary="Sign the conclusion")
def conclude(request: HttpRequest, code: str, payload: ConclusionIn):
    return _act(request, code, services.evaluation_conclude, evaluation_code=code, conclusion=payload.conclusion)


@router.post("/evaluations/{code}/accept", response=responses(200, EvaluationOut), summary="Accept (bureau)")
def accept(request: HttpRequest, code: str, payload: TextIn):
    return _act(request, code, services.evaluation_accept, evaluation_code=code, note=payload.note)


@router.post("/evaluations/{code}/reject", response=responses(200, EvaluationOut), summary="Return (bureau)")
def reject(request: HttpRequest, code: str, payload: ReasonIn):
    return _act(request, code, services.evaluation_reject, evaluation_code=code, reason=payload.reason)
