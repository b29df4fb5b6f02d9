"""workflow.transition: the only writer of Event.status; every move checked and logged (DB)."""

from __future__ import annotations

import itertools

import pytest
import time_machine
from django.db import transaction

from zhonghe.events.models import EventTransition, Status
from zhonghe.events.workflow import TRANSITIONS, allowed_actions, transition
from zhonghe.footprints.tests.builders import (
    BEFORE_EVENT,
    assert_nothing_written,
    db_snapshot,
    force_status,
    make_event,
)
from zhonghe.lib.errors import Conflict

pytestmark = pytest.mark.django_db

LEGAL = [(status, action) for action, (sources, _t) in TRANSITIONS.items() for status in sorted(sources)]
ILLEGAL = [
    (status, action)
    for status, action in itertools.product(Status.values, TRANSITIONS)
    if status not in TRANSITIONS[action][0]
]


def test_the_transition_table_is_what_the_design_says():
    assert allowed_actions(Status.DRAFT) == ["submit", "withdraw"]
    assert allowed_actions(Status.SUBMITTED) == ["publish_plan", "withdraw"]
    assert allowed_actions(Status.PLANNED) == ["freeze_inventory", "withdraw"]
    assert allowed_actions(Status.ACCOUNTED) == ["freeze_inventory", "complete_offset", "request_evaluation"]
    assert allowed_actions(Status.OFFSET) == ["request_evaluation"]
    assert allowed_actions(Status.EVALUATING) == ["return_for_correction", "conclude_evaluation"]
    assert allowed_actions(Status.EVALUATED) == ["accept_evaluation", "reject_evaluation"]
    assert allowed_actions(Status.ACCEPTED) == ["issue_certificate"]
    assert allowed_actions(Status.CERTIFIED) == ["revoke_certificate", "reopen_for_correction"]
    assert allowed_actions(Status.WITHDRAWN) == []
    assert len(LEGAL) + len(ILLEGAL) == len(Status.values) * len(TRANSITIONS)


@pytest.mark.parametrize(("status", "action"), ILLEGAL, ids=[f"{s}-{a}" for s, a in ILLEGAL])
def test_every_illegal_move_is_refused_and_nothing_is_logged(actors, status, action):
    event = force_status(make_event(actors.organiser), status)
    before = db_snapshot()
    with pytest.raises(Conflict) as info:
        with transaction.atomic():
            transition(event=event, action=action, actor=actors.users.organiser)
    assert info.value.code == "illegal_transition"
    assert info.value.fields == {"status": status, "action": action}
    assert_nothing_written(before)
    event.refresh_from_db()
    assert event.status == status


@pytest.mark.parametrize("action", ["", "approve", "SUBMIT", "delete"])
def test_unknown_action_is_refused(actors, action):
    event = make_event(actors.organiser)
    before = db_snapshot()
    with pytest.raises(Conflict) as info, transaction.atomic():
        transition(event=event, action=action, actor=actors.users.organiser)
    assert info.value.code == "illegal_transition"
    assert_nothing_written(before)


@pytest.mark.parametrize(("status", "action"), LEGAL, ids=[f"{s}-{a}" for s, a in LEGAL])
def test_each_legal_move_logs_who_when_from_to_and_note(actors, status, action):
    event = force_status(make_event(actors.organiser), status)
    target = TRANSITIONS[action][1]
    with time_machine.travel(BEFORE_EVENT, tick=False), transaction.atomic():
        log = transition(event=event, action=action, actor=actors.users.bureau, note="理由：测试")
    event.refresh_from_db()
    assert event.status == target
    row = EventTransition.objects.get(event=event)
    assert row == log
    assert (row.action, row.from_status, row.to_status) == (action, status, target)
    assert row.actor == actors.users.bureau
    assert row.note == "理由：测试"
    assert row.at == BEFORE_EVENT


def test_system_moves_may_have_no_user(actors):
    event = make_event(actors.organiser)
    with transaction.atomic():
        transition(event=event, action="submit", actor=None)
    assert EventTransition.objects.get(event=event).actor is None


def test_log_keeps_every_move_in_order(actors):
    event = make_event(actors.organiser)
    with transaction.atomic():
        for action in ["submit", "publish_plan", "freeze_inventory", "freeze_inventory", "complete_offset"]:
            transition(event=event, action=action, actor=actors.users.organiser)
    moves = list(event.transitions.values_list("from_status", "to_status"))
    assert moves == [
        ("draft", "submitted"),
        ("submitted", "planned"),
        ("planned", "accounted"),
        ("accounted", "accounted"),
        ("accounted", "offset"),
    ]


def test_transition_rows_refuse_update_and_delete(actors):
    event = make_event(actors.organiser)
    with transaction.atomic():
        log = transition(event=event, action="submit", actor=actors.users.organiser)
    log.note = "rewritten history"
    with pytest.raises(ValueError, match="append-only"):
        log.save()
    with pytest.raises(ValueError, match="append-only"):
        log.delete()
    log.refresh_from_db()
    assert log.note == ""
    assert EventTransition.objects.filter(pk=log.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_transition_refuses_to_run_outside_a_transaction(actors):
    event = make_event(actors.organiser)
    with pytest.raises(RuntimeError, match="inside a transaction"):
        transition(event=event, action="submit", actor=actors.users.organiser)
    event.refresh_from_db()
    assert event.status == Status.DRAFT
    assert not EventTransition.objects.exists()
