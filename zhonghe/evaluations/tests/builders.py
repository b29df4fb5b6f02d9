"""Evaluation builders for tests of later steps (certificates, pages): all through the services."""

from __future__ import annotations

from zhonghe.evaluations.checklist import CHECKLIST
from zhonghe.evaluations.models import Evaluation
from zhonghe.evaluations.services import evaluation_accept, evaluation_check, evaluation_conclude, evaluation_request


def check_all(actor, evaluation, result: str = "pass") -> None:
    for item in CHECKLIST:
        evaluation_check(actor=actor, evaluation_code=evaluation.code, item=item.key, result=result)


def concluded_evaluation(actors, event) -> Evaluation:
    """An OFFSET event evaluated by the test verifier (invited by the organiser); conclusion signed."""
    evaluation = evaluation_request(
        actor=actors.organiser, event_code=event.code, mode="third_party", verifier_uscc=actors.orgs.verifier.uscc
    )
    check_all(actors.verifier, evaluation)
    return evaluation_conclude(actor=actors.verifier, evaluation_code=evaluation.code, conclusion="已实现碳中和")


def accepted_evaluation(actors, event) -> Evaluation:
    """An OFFSET event brought to ACCEPTED: third-party evaluation concluded and accepted by the bureau."""
    evaluation = concluded_evaluation(actors, event)
    accepted = evaluation_accept(actor=actors.bureau, evaluation_code=evaluation.code)
    event.refresh_from_db()
    return accepted
