"""evaluations services: request (modes, rules), assign, checklist, findings, return, conclude, bureau decision."""

from __future__ import annotations

import uuid

import pytest
import time_machine

from zhonghe.evaluations.checklist import CHECKLIST
from zhonghe.evaluations.models import Evaluation, EvaluationStatus, FindingStatus
from zhonghe.evaluations.services import (
    evaluation_accept,
    evaluation_assign,
    evaluation_check,
    evaluation_conclude,
    evaluation_reject,
    evaluation_request,
    evaluation_return,
    finding_add,
    finding_close,
    finding_respond,
)
from zhonghe.evaluations.tests.builders import check_all, concluded_evaluation
from zhonghe.events.models import Status
from zhonghe.footprints.services import inventory_freeze
from zhonghe.footprints.tests.builders import (
    AFTER_EVENT,
    accounted_event,
    add_electricity,
    buy,
    project_with_credits,
    refused,
)
from zhonghe.lib.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhonghe.registry.services import credits_retire

pytestmark = pytest.mark.django_db


def _retire(actors, event, project, quantity_t):
    credits_retire(
        actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=quantity_t, reason="抵消"
    )
    event.refresh_from_db()


@pytest.fixture
def project(actors):
    return project_with_credits(actors, 1000)


@pytest.fixture
def offset(actors, project):
    """An obliged event (municipal agency, class-2 forum, 300 people) with 13 t retired: OFFSET."""
    event, _inventory = accounted_event(actors.organiser)
    buy(actors, project, 100)
    _retire(actors, event, project, 13)
    assert event.status == Status.OFFSET and event.obliged
    return event


def _invite(actors, event, uscc=None):
    return evaluation_request(
        actor=actors.organiser,
        event_code=event.code,
        mode="third_party",
        verifier_uscc=actors.orgs.verifier.uscc if uscc is None else uscc,
    )


def _status(event):
    event.refresh_from_db()
    return event.status


# ---------------------------------------------------------------- request


def test_request_refused_before_the_offset_is_complete(actors, project):
    event, _inventory = accounted_event(actors.organiser)
    buy(actors, project, 20)
    _retire(actors, event, project, 12)  # 12 < 13
    error = refused(Conflict, "insufficient_offset", _invite, actors, event)
    assert "12" in error.message and "13" in error.message


def test_obliged_event_may_not_evaluate_itself(actors, offset):
    refused(
        Conflict,
        "self_evaluation_not_allowed",
        evaluation_request,
        actor=actors.organiser,
        event_code=offset.code,
        mode="self",
    )


def test_voluntary_event_may_evaluate_itself(actors, project):
    # A class-4 meeting is below Chongqing's 一类、二类、三类 threshold: voluntary, so self-evaluation is allowed.
    event, _inventory = accounted_event(actors.organiser, meeting_class=4)
    assert event.obliged is False
    buy(actors, project, 13)
    _retire(actors, event, project, 13)
    refused(ValidationFailed, "validation_failed", evaluation_request, actor=actors.organiser, event_code=event.code,
            mode="self", verifier_uscc=actors.orgs.verifier.uscc)  # fmt: skip
    evaluation = evaluation_request(actor=actors.organiser, event_code=event.code, mode="self")
    assert (evaluation.mode, evaluation.status, evaluation.verifier) == ("self", EvaluationStatus.OPEN, None)
    refused(NotFound, "not_found", evaluation_check, actor=actors.verifier,
            evaluation_code=evaluation.code, item="on_time", result="pass")  # fmt: skip
    check_all(actors.organiser, evaluation)
    evaluation_conclude(actor=actors.organiser, evaluation_code=evaluation.code, conclusion="自评：已实现碳中和")
    assert _status(event) == Status.EVALUATED


def test_request_refusals_write_nothing(actors, offset):
    refused(
        ValidationFailed,
        "validation_failed",
        evaluation_request,
        actor=actors.organiser,
        event_code=offset.code,
        mode="x",
    )
    refused(ValidationFailed, "validation_failed", _invite, actors, offset, actors.orgs.outsider.uscc)  # not a verifier
    refused(ValidationFailed, "validation_failed", _invite, actors, offset, "91500000MA0000000X")
    refused(
        NotFound, "not_found", evaluation_request, actor=actors.outsider, event_code=offset.code, mode="third_party"
    )
    refused(
        NotFound, "not_found", evaluation_request, actor=actors.organiser, event_code=str(uuid.uuid4()), mode="self"
    )
    for who in ("bureau", "verifier", "seller"):
        refused(
            PermissionDenied,
            "permission_denied",
            evaluation_request,
            actor=getattr(actors, who),
            event_code=offset.code,
            mode="third_party",
        )


def test_second_request_while_open_refused(actors, offset):
    _invite(actors, offset)
    refused(Conflict, "evaluation_open", _invite, actors, offset)
    assert Evaluation.objects.count() == 1


def test_invited_verifier_opens_and_moves_the_event(actors, offset):
    evaluation = _invite(actors, offset)
    assert (evaluation.status, evaluation.verifier, evaluation.assigned_by) == (
        "open",
        actors.orgs.verifier,
        "organiser",
    )
    assert _status(offset) == Status.EVALUATING
    assert offset.transitions.order_by("id").last().action == "request_evaluation"


def test_bureau_assigns_a_verifier_when_none_was_invited(actors, offset):
    evaluation = _invite(actors, offset, "")
    assert evaluation.status == EvaluationStatus.WAITING
    refused(NotFound, "not_found", evaluation_check, actor=actors.verifier,
            evaluation_code=evaluation.code, item="on_time", result="pass")  # fmt: skip
    refused(PermissionDenied, "permission_denied", evaluation_assign, actor=actors.organiser,
            evaluation_code=evaluation.code, verifier_uscc=actors.orgs.verifier.uscc)  # fmt: skip
    refused(ValidationFailed, "validation_failed", evaluation_assign, actor=actors.bureau,
            evaluation_code=evaluation.code, verifier_uscc=actors.orgs.seller.uscc)  # fmt: skip
    assigned = evaluation_assign(
        actor=actors.bureau, evaluation_code=evaluation.code, verifier_uscc=actors.orgs.verifier.uscc
    )
    assert (assigned.status, assigned.verifier, assigned.assigned_by) == ("open", actors.orgs.verifier, "bureau")
    evaluation_check(actor=actors.verifier, evaluation_code=evaluation.code, item="on_time", result="pass")


# ---------------------------------------------------------------- checklist and findings


def test_only_the_assigned_verifier_works_on_the_checklist(actors, offset):
    evaluation = _invite(actors, offset)
    refused(NotFound, "not_found", evaluation_check, actor=actors.outsider, evaluation_code=evaluation.code,
            item="on_time", result="pass")  # fmt: skip
    refused(PermissionDenied, "permission_denied", evaluation_check, actor=actors.organiser,
            evaluation_code=evaluation.code, item="on_time", result="pass")  # fmt: skip
    refused(ValidationFailed, "validation_failed", evaluation_check, actor=actors.verifier,
            evaluation_code=evaluation.code, item="nope", result="pass")  # fmt: skip
    refused(ValidationFailed, "validation_failed", evaluation_check, actor=actors.verifier,
            evaluation_code=evaluation.code, item="on_time", result="maybe")  # fmt: skip
    refused(ValidationFailed, "validation_failed", finding_add, actor=actors.verifier,
            evaluation_code=evaluation.code, severity="major", text="  ")  # fmt: skip
    refused(ValidationFailed, "validation_failed", finding_add, actor=actors.verifier,
            evaluation_code=evaluation.code, severity="fatal", text="x")  # fmt: skip
    check = evaluation_check(actor=actors.verifier, evaluation_code=evaluation.code, item="on_time", result="fail")
    again = evaluation_check(actor=actors.verifier, evaluation_code=evaluation.code, item="on_time", result="pass")
    assert check.pk == again.pk and again.result == "pass"


def test_conclusion_needs_a_complete_passing_checklist_and_closed_major_findings(actors, offset):
    evaluation = _invite(actors, offset)
    conclude = dict(actor=actors.verifier, evaluation_code=evaluation.code, conclusion="已实现碳中和")
    error = refused(Conflict, "checklist_incomplete", evaluation_conclude, **conclude)
    assert set(error.fields["items"]) == {item.key for item in CHECKLIST}
    check_all(actors.verifier, evaluation)
    evaluation_check(actor=actors.verifier, evaluation_code=evaluation.code, item="factors_cited", result="fail")
    assert refused(Conflict, "checklist_failed", evaluation_conclude, **conclude).fields["items"] == ["factors_cited"]
    evaluation_check(actor=actors.verifier, evaluation_code=evaluation.code, item="factors_cited", result="na")
    finding = finding_add(actor=actors.verifier, evaluation_code=evaluation.code, severity="major", text="缺少电费单")
    refused(Conflict, "major_findings_open", evaluation_conclude, **conclude)
    finding_respond(actor=actors.organiser, finding_code=finding.code, response="已上传电费单")
    refused(Conflict, "major_findings_open", evaluation_conclude, **conclude)  # answered is not closed
    finding_close(actor=actors.verifier, finding_code=finding.code)
    concluded = evaluation_conclude(**conclude)
    assert concluded.status == EvaluationStatus.CONCLUDED and len(concluded.conclusion_digest) == 64
    assert concluded.concluded_by == actors.users.verifier
    assert _status(offset) == Status.EVALUATED


def test_findings_respond_and_close_rules(actors, offset):
    evaluation = _invite(actors, offset)
    finding = finding_add(actor=actors.verifier, evaluation_code=evaluation.code, severity="minor", text="说明不足")
    refused(PermissionDenied, "permission_denied", finding_respond, actor=actors.verifier, finding_code=finding.code,
            response="x")  # fmt: skip
    refused(NotFound, "not_found", finding_respond, actor=actors.outsider, finding_code=finding.code, response="x")
    refused(PermissionDenied, "permission_denied", finding_close, actor=actors.organiser, finding_code=finding.code)
    refused(ValidationFailed, "validation_failed", finding_respond, actor=actors.organiser, finding_code=finding.code,
            response="")  # fmt: skip
    finding_close(actor=actors.verifier, finding_code=finding.code)
    refused(Conflict, "finding_closed", finding_close, actor=actors.verifier, finding_code=finding.code)
    refused(Conflict, "finding_closed", finding_respond, actor=actors.organiser, finding_code=finding.code,
            response="x")  # fmt: skip


# ---------------------------------------------------------------- return and correct


def test_return_for_correction_then_a_corrected_inventory_resumes_the_same_evaluation(actors, project, offset):
    evaluation = _invite(actors, offset)
    refused(Conflict, "no_open_findings", evaluation_return, actor=actors.verifier, evaluation_code=evaluation.code)
    finding = finding_add(
        actor=actors.verifier,
        evaluation_code=evaluation.code,
        severity="major",
        text="漏计了备用发电",
        item="boundary_complete",
    )
    returned = evaluation_return(actor=actors.verifier, evaluation_code=evaluation.code, note="请补录")
    assert returned.status == EvaluationStatus.RETURNED and _status(offset) == Status.ACCOUNTED
    refused(PermissionDenied, "permission_denied", evaluation_check, actor=actors.organiser,
            evaluation_code=evaluation.code, item="on_time", result="pass")  # fmt: skip
    refused(Conflict, "illegal_evaluation_state", evaluation_check, actor=actors.verifier,
            evaluation_code=evaluation.code, item="on_time", result="pass")  # fmt: skip
    # Unanswered major finding: resubmission refused.
    refused(Conflict, "findings_unanswered", _invite, actors, offset)
    finding_respond(actor=actors.organiser, finding_code=finding.code, response="已补录柴油发电 2000 kWh")
    # The correction raises the inventory: 25,000 kWh → 14 t; 13 retired is not enough until one more is retired.
    add_electricity(actors.organiser, offset.code, "after", "2000")
    with time_machine.travel(AFTER_EVENT, tick=False):
        v2 = inventory_freeze(actor=actors.organiser, code=offset.code)
    assert v2.required_offset_t == 14
    refused(Conflict, "insufficient_offset", _invite, actors, offset)
    _retire(actors, offset, project, 1)
    resumed = _invite(actors, offset)
    assert (resumed.pk, resumed.status, resumed.rounds, resumed.inventory) == (evaluation.pk, "open", 2, v2)
    assert Evaluation.objects.count() == 1
    finding_close(actor=actors.verifier, finding_code=finding.code)
    check_all(actors.verifier, resumed)
    evaluation_conclude(actor=actors.verifier, evaluation_code=evaluation.code, conclusion="整改后已实现碳中和")
    assert _status(offset) == Status.EVALUATED


# ---------------------------------------------------------------- bureau decision


def test_bureau_returns_with_reasons_then_accepts(actors, offset):
    evaluation = concluded_evaluation(actors, offset)
    refused(
        PermissionDenied, "permission_denied", evaluation_accept, actor=actors.verifier, evaluation_code=evaluation.code
    )
    refused(
        PermissionDenied,
        "permission_denied",
        evaluation_accept,
        actor=actors.organiser,
        evaluation_code=evaluation.code,
    )
    refused(ValidationFailed, "validation_failed", evaluation_reject, actor=actors.bureau,
            evaluation_code=evaluation.code, reason=" ")  # fmt: skip
    rejected = evaluation_reject(actor=actors.bureau, evaluation_code=evaluation.code, reason="未核对住宿数据")
    assert (rejected.status, rejected.bureau_note, rejected.conclusion_digest) == ("open", "未核对住宿数据", "")
    assert _status(offset) == Status.EVALUATING
    refused(
        Conflict, "illegal_evaluation_state", evaluation_accept, actor=actors.bureau, evaluation_code=evaluation.code
    )
    evaluation_conclude(actor=actors.verifier, evaluation_code=evaluation.code, conclusion="已核对住宿数据")
    accepted = evaluation_accept(actor=actors.bureau, evaluation_code=evaluation.code, note="同意")
    assert accepted.status == EvaluationStatus.ACCEPTED and accepted.decided_by == actors.users.bureau
    assert _status(offset) == Status.ACCEPTED
    actions = list(offset.transitions.order_by("id").values_list("action", flat=True))
    assert actions[-5:] == [
        "request_evaluation",
        "conclude_evaluation",
        "reject_evaluation",
        "conclude_evaluation",
        "accept_evaluation",
    ]
    assert FindingStatus.OPEN  # the enum stays importable for the API schemas


def test_the_verifiers_task_list_puts_open_tasks_first(actors, project, offset):
    from zhonghe.evaluations.selectors import evaluation_tasks_for_verifier
    from zhonghe.evaluations.tests.builders import accepted_evaluation

    accepted = accepted_evaluation(actors, offset)
    second, _inventory = accounted_event(actors.organiser, name="第二个活动")
    buy(actors, project, 13)
    _retire(actors, second, project, 13)
    open_task = _invite(actors, second)
    assert list(evaluation_tasks_for_verifier(actors.verifier)) == [open_task, accepted]
