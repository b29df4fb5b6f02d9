"""Flow, step 1 — apply: an organiser creates and submits events; the bureau sees them, others do not."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from zhonghe.accounts.selectors import actor_for_user
from zhonghe.accounts.services import organization_create, user_create
from zhonghe.accounts.uscc import make_uscc
from zhonghe.events.models import Status
from zhonghe.events.selectors import event_get, event_list_for_actor
from zhonghe.events.services import event_create, event_submit, event_withdraw
from zhonghe.footprints.tests.builders import BEFORE_EVENT, event_fields
from zhonghe.lib.errors import Conflict, NotFound

pytestmark = pytest.mark.django_db


def test_apply_obliged_meeting_then_bureau_review(actors):
    with time_machine.travel(BEFORE_EVENT, tick=False):
        draft = event_create(
            actor=actors.organiser,
            **event_fields(
                name="2027年全市生态环境工作会议", kind="meeting", meeting_class=2, expected_participants=260
            ),
        )
        assert draft.status == Status.DRAFT
        event = event_submit(actor=actors.organiser, code=draft.code)

    assert (event.status, event.obliged, event.obligation_rule) == (Status.SUBMITTED, True, "cq-agency-meeting")
    assert event.deadline == date(2027, 4, 11)
    # The bureau (reviewer) finds it among all events; the outsider cannot even tell it exists.
    assert event_get(actors.bureau, event.code).obligation_reason == event.obligation_reason
    assert event in event_list_for_actor(actors.bureau)
    assert event not in event_list_for_actor(actors.outsider)
    with pytest.raises(NotFound):
        event_get(actors.outsider, event.code)
    with pytest.raises(NotFound):
        event_withdraw(actor=actors.outsider, code=event.code)
    assert [(t.from_status, t.to_status, t.at) for t in event.transitions.all()] == [
        ("draft", "submitted", BEFORE_EVENT)
    ]


def test_apply_chengyu_meeting_of_a_private_company(actors):
    """二（二）: a 成渝 meeting held in Chongqing follows the agency-meeting rule, whoever organises it."""
    company = organization_create(
        name="重庆某会展有限公司",
        kind="other",
        level="municipal",
        district_code="500112",
        uscc=make_uscc("91500112" + "MA7ABCDE"),
    )
    organiser = actor_for_user(
        user_create(username="company", password="pass-1234", organization=company, roles=["organiser"])
    )
    plain = event_create(actor=organiser, **event_fields(kind="meeting", meeting_class=2, expected_participants=200))
    flagged = event_create(
        actor=organiser,
        **event_fields(
            name="成渝双城论坛", kind="meeting", meeting_class=2, expected_participants=200, chengyu_meeting=True
        ),
    )
    assert event_submit(actor=organiser, code=plain.code).obliged is False
    result = event_submit(actor=organiser, code=flagged.code)
    assert (result.obliged, result.obligation_rule) == (True, "cq-agency-meeting")


def test_apply_then_withdraw_and_nothing_more(actors):
    event = event_create(actor=actors.organiser, **event_fields())
    event_submit(actor=actors.organiser, code=event.code)
    event = event_withdraw(actor=actors.organiser, code=event.code, note="活动延期")
    assert event.status == Status.WITHDRAWN
    for call in (event_submit, event_withdraw):
        with pytest.raises(Conflict):
            call(actor=actors.organiser, code=event.code)
    assert list(event.transitions.values_list("to_status", flat=True)) == ["submitted", "withdrawn"]
