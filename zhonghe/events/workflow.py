"""The only writer of Event.status. Every move is checked against TRANSITIONS and logged."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from zhonghe.accounts.models import User
from zhonghe.events.models import Event, EventTransition, Status
from zhonghe.lib.errors import Conflict

# action -> (allowed source statuses, target status)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({Status.DRAFT}), Status.SUBMITTED),
    "publish_plan": (frozenset({Status.SUBMITTED}), Status.PLANNED),
    "freeze_inventory": (frozenset({Status.PLANNED, Status.ACCOUNTED}), Status.ACCOUNTED),
    "complete_offset": (frozenset({Status.ACCOUNTED}), Status.OFFSET),
    # Evaluation (碳中和评价, evaluations/services.py): asked for once the offset is complete, or again from
    # accounting after the evaluator sent the event back for corrections (the service checks the offset).
    "request_evaluation": (frozenset({Status.OFFSET, Status.ACCOUNTED}), Status.EVALUATING),
    # Findings send the event back to the organiser: accounting reopens (re-freeze, further retirements).
    "return_for_correction": (frozenset({Status.EVALUATING}), Status.ACCOUNTED),
    "conclude_evaluation": (frozenset({Status.EVALUATING}), Status.EVALUATED),
    "accept_evaluation": (frozenset({Status.EVALUATED}), Status.ACCEPTED),
    # The bureau returns the conclusion to the evaluator with its reasons.
    "reject_evaluation": (frozenset({Status.EVALUATED}), Status.EVALUATING),
    "issue_certificate": (frozenset({Status.ACCEPTED}), Status.CERTIFIED),
    # The bureau revokes the certificate: the result no longer stands and goes back to accounting, where a
    # corrected inventory (re-freeze) or further retirements complete the offset again.
    "revoke_certificate": (frozenset({Status.CERTIFIED}), Status.ACCOUNTED),
    # The organiser corrects a certified inventory (certificates/services.py certificate_correction_open): the
    # certificate stays valid until the corrected one, evaluated and accepted again, supersedes it.
    "reopen_for_correction": (frozenset({Status.CERTIFIED}), Status.ACCOUNTED),
    "withdraw": (frozenset({Status.DRAFT, Status.SUBMITTED, Status.PLANNED}), Status.WITHDRAWN),
}


def allowed_actions(status: str) -> list[str]:
    return [action for action, (sources, _target) in TRANSITIONS.items() if status in sources]


def transition(*, event: Event, action: str, actor: User | None, note: str = "") -> EventTransition:
    """Move `event` by `action`; refuses (Conflict) any move not in TRANSITIONS.

    The caller must hold the event row lock (select_for_update) inside a transaction.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("workflow.transition must run inside a transaction")
    if action not in TRANSITIONS:
        raise Conflict(_("未知操作：%(action)s") % {"action": action}, code="illegal_transition")
    sources, target = TRANSITIONS[action]
    if event.status not in sources:
        raise Conflict(
            _("当前状态“%(status)s”下不能执行此操作") % {"status": Status(event.status).label},
            code="illegal_transition",
            fields={"status": event.status, "action": action},
        )
    log = EventTransition.objects.create(
        event=event, action=action, from_status=event.status, to_status=target, actor=actor, note=note
    )
    event.status = target
    event.save(update_fields=["status"])
    return log
