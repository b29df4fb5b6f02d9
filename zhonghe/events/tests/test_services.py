"""events services: event_create, event_submit, plan_save, plan_publish, event_withdraw; selectors (DB)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
import time_machine

from zhonghe.events.models import Event, EventTransition, Plan, Status
from zhonghe.events.selectors import event_get, event_list_for_actor
from zhonghe.events.services import (
    event_create,
    event_submit,
    event_update,
    event_withdraw,
    plan_publish,
    plan_save,
)
from zhonghe.footprints.services import plan_estimate
from zhonghe.footprints.tests.builders import (
    BEFORE_EVENT,
    EVENT_END,
    add_electricity,
    assert_nothing_written,
    db_snapshot,
    event_fields,
    force_status,
    make_event,
    refused,
    save_plan,
    submitted_event,
)
from zhonghe.lib.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- event_create


def test_event_create_happy_path(actors):
    event = event_create(actor=actors.organiser, **event_fields(name="  论坛  ", chengyu_meeting=True))
    event.refresh_from_db()
    assert event.organization == actors.orgs.organiser
    assert event.created_by == actors.users.organiser
    assert event.status == Status.DRAFT
    assert event.name == "论坛"
    assert (event.kind, event.meeting_class, event.expected_participants) == ("forum", 2, 300)
    assert event.area_m2 == Decimal("2500.00")
    assert event.chengyu_meeting is True
    assert event.jurisdiction == "cq-2025"
    assert event.obliged is None and event.deadline is None and event.submitted_at is None
    assert not EventTransition.objects.filter(event=event).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": " "}, "name"),
        ({"kind": "party"}, "kind"),
        ({"meeting_class": 5}, "meeting_class"),
        ({"expected_participants": 0}, "expected_participants"),
        ({"expected_participants": -5}, "expected_participants"),
        ({"expected_participants": 10_000_001}, "expected_participants"),
        ({"expected_participants": "300"}, "expected_participants"),
        ({"expected_participants": 300.0}, "expected_participants"),
        ({"area_m2": "-1"}, "area_m2"),
        ({"area_m2": "NaN"}, "area_m2"),
        ({"area_m2": "Infinity"}, "area_m2"),
        ({"area_m2": "abc"}, "area_m2"),
        ({"area_m2": "100000000.01"}, "area_m2"),
        ({"venue_district": "110105"}, "venue_district"),
        ({"venue_district": ""}, "venue_district"),
        ({"start_date": "2027-03-10"}, "start_date"),
        ({"end_date": date(2027, 3, 9)}, "end_date"),
    ],
)
def test_event_create_refuses_bad_fields(actors, overrides, field):
    before = db_snapshot()
    with pytest.raises(ValidationFailed) as info:
        event_create(actor=actors.organiser, **event_fields(**overrides))
    assert info.value.code == "validation_failed"
    assert field in info.value.fields
    assert_nothing_written(before)


def test_non_numeric_meeting_class_refused(actors):
    with pytest.raises(ValidationFailed):
        event_create(actor=actors.organiser, **event_fields(meeting_class="二类"))


def test_bool_participants_refused(actors):
    with pytest.raises(ValidationFailed):
        event_create(actor=actors.organiser, **event_fields(expected_participants=True))


def test_overlong_event_name_refused(actors):
    with pytest.raises(ValidationFailed):
        event_create(actor=actors.organiser, **event_fields(name="论" * 201))


@pytest.mark.parametrize("who", ["seller", "bureau", "verifier"])
def test_event_create_needs_the_organiser_role(actors, who):
    before = db_snapshot()
    with pytest.raises(PermissionDenied):
        event_create(actor=getattr(actors, who), **event_fields())
    assert_nothing_written(before)


# ---------------------------------------------------------------- event_update


def test_event_update_replaces_a_drafts_facts(actors):
    event = make_event(actors.organiser)
    updated = event_update(
        actor=actors.organiser,
        code=event.code,
        **event_fields(name=" 更正后的论坛 ", kind="meeting", meeting_class=1, expected_participants=900, area_m2=None),
    )
    updated.refresh_from_db()
    assert (updated.pk, updated.name, updated.kind, updated.meeting_class) == (event.pk, "更正后的论坛", "meeting", 1)
    assert (updated.expected_participants, updated.area_m2, updated.status) == (900, None, Status.DRAFT)
    assert not EventTransition.objects.filter(event=event).exists()
    # Submission decides the obligation on the corrected facts.
    assert event_submit(actor=actors.organiser, code=event.code).obligation_rule == "cq-agency-meeting"


def test_event_update_with_the_same_facts_writes_nothing(actors):
    event = make_event(actors.organiser)
    before = db_snapshot()
    event_update(actor=actors.organiser, code=event.code, **event_fields())
    assert_nothing_written(before)


@pytest.mark.parametrize("status", [s for s in Status.values if s != Status.DRAFT])
def test_event_update_refused_once_submitted(actors, status):
    event = force_status(make_event(actors.organiser), status)
    refused(
        Conflict, "event_not_draft", event_update, actor=actors.organiser, code=event.code, **event_fields(name="改名")
    )


def test_event_update_refusals_write_nothing(actors):
    event = make_event(actors.organiser)
    before = db_snapshot()
    with pytest.raises(ValidationFailed) as info:
        event_update(actor=actors.organiser, code=event.code, **event_fields(expected_participants=0, kind="party"))
    assert {"expected_participants", "kind"} <= set(info.value.fields)
    for code in (str(uuid.uuid4()), "forged", None):
        with pytest.raises(NotFound):
            event_update(actor=actors.organiser, code=code, **event_fields())
    with pytest.raises(NotFound):  # another organisation's event is not revealed
        event_update(actor=actors.outsider, code=event.code, **event_fields())
    for who in ("seller", "bureau"):
        with pytest.raises(PermissionDenied):
            event_update(actor=getattr(actors, who), code=event.code, **event_fields())
    assert_nothing_written(before)


# ---------------------------------------------------------------- event_submit


def test_event_submit_obliged_agency_meeting(actors):
    event = make_event(actors.organiser, kind="meeting", meeting_class=2, expected_participants=200)
    with time_machine.travel(BEFORE_EVENT, tick=False):
        event = event_submit(actor=actors.organiser, code=event.code)
    event.refresh_from_db()
    assert event.status == Status.SUBMITTED
    assert event.obliged is True
    assert event.obligation_rule == "cq-agency-meeting"
    assert "200人及以上" in event.obligation_reason
    assert event.obligation_reason_en.startswith("Obliged: class 1–3 meetings of agencies")
    assert event.deadline == date(2027, 4, 11)
    assert event.submitted_at == BEFORE_EVENT
    log = EventTransition.objects.get(event=event)
    assert (log.action, log.from_status, log.to_status) == ("submit", "draft", "submitted")
    assert log.actor == actors.users.organiser
    assert log.note == event.obligation_reason


def test_event_submit_voluntary(actors):
    event = make_event(actors.organiser, kind="meeting", meeting_class=4, expected_participants=5000)
    event = event_submit(actor=actors.organiser, code=event.code)
    assert (event.obliged, event.obligation_rule) == (False, "")
    assert "自愿实施" in event.obligation_reason
    assert event.obligation_reason_en.endswith(": voluntary")
    assert event.deadline == date(2027, 4, 11)


def test_event_submit_uses_the_organisers_kind_and_level(actors):
    # The outsider is a municipal SOE: any kind with 200+ people is obliged.
    event = make_event(actors.outsider, kind="sports", meeting_class=None, expected_participants=200)
    assert event_submit(actor=actors.outsider, code=event.code).obligation_rule == "cq-municipal-soe"


@pytest.mark.parametrize(
    ("end", "deadline"),
    [
        (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        (date(2027, 1, 31), date(2027, 2, 28)),
        (date(2027, 3, 31), date(2027, 4, 30)),
        (date(2027, 4, 30), date(2027, 5, 30)),
        (date(2027, 12, 31), date(2028, 1, 31)),
        (date(2027, 6, 15), date(2027, 7, 15)),
    ],
)
def test_deadline_is_end_plus_one_calendar_month(actors, end, deadline):
    event = make_event(actors.organiser, start_date=end, end_date=end)
    assert event_submit(actor=actors.organiser, code=event.code).deadline == deadline


def test_event_submit_twice_is_refused(actors):
    event = submitted_event(actors.organiser)
    refused(Conflict, "illegal_transition", event_submit, actor=actors.organiser, code=event.code)


@pytest.mark.parametrize("status", [Status.WITHDRAWN, Status.PLANNED, Status.CERTIFIED])
def test_event_submit_refused_outside_draft(actors, status):
    event = force_status(make_event(actors.organiser), status)
    before = db_snapshot()
    with pytest.raises(Conflict):
        event_submit(actor=actors.organiser, code=event.code)
    assert_nothing_written(before)


# ---------------------------------------------------------------- other organisations and forged codes

EVENT_SERVICES = {
    "event_submit": lambda actor, code: event_submit(actor=actor, code=code),
    "plan_save": lambda actor, code: plan_save(actor=actor, code=code, boundary="边界"),
    "plan_publish": lambda actor, code: plan_publish(actor=actor, code=code),
    "event_withdraw": lambda actor, code: event_withdraw(actor=actor, code=code),
}
FORGED_CODES = ["not-a-uuid", "", None, 42, str(uuid.uuid4()), "'; DROP TABLE events_event; --"]


@pytest.mark.parametrize("service", EVENT_SERVICES)
def test_other_organisations_event_is_not_found(actors, service):
    event = make_event(actors.organiser)
    before = db_snapshot()
    with pytest.raises(NotFound) as info:
        EVENT_SERVICES[service](actors.outsider, event.code)
    assert info.value.code == "not_found"
    assert_nothing_written(before)


@pytest.mark.parametrize("service", EVENT_SERVICES)
@pytest.mark.parametrize("code", FORGED_CODES, ids=repr)
def test_forged_or_malformed_code_is_not_found(actors, service, code):
    make_event(actors.organiser)
    before = db_snapshot()
    with pytest.raises(NotFound):
        EVENT_SERVICES[service](actors.organiser, code)
    assert_nothing_written(before)


@pytest.mark.parametrize("service", EVENT_SERVICES)
def test_reviewer_cannot_act_for_the_organiser(actors, service):
    event = make_event(actors.organiser)
    with pytest.raises(PermissionDenied):
        EVENT_SERVICES[service](actors.bureau, event.code)


def test_selectors_scope_events_by_organisation(actors):
    mine = make_event(actors.organiser)
    theirs = make_event(actors.outsider, name="另一单位的活动")
    assert list(event_list_for_actor(actors.organiser)) == [mine]
    assert event_get(actors.organiser, str(mine.code)) == mine
    with pytest.raises(NotFound):
        event_get(actors.organiser, theirs.code)
    with pytest.raises(NotFound):
        event_get(actors.organiser, "garbage")
    # The bureau (reviewer) sees every event; the platform admin has every role.
    assert set(event_list_for_actor(actors.bureau)) == {mine, theirs}
    assert event_get(actors.bureau, theirs.code) == theirs
    assert set(event_list_for_actor(actors.platform)) == {mine, theirs}


# ---------------------------------------------------------------- plan_save / plan_publish


def test_plan_save_creates_then_updates(actors):
    event = make_event(actors.organiser)
    plan = plan_save(actor=actors.organiser, code=event.code, boundary=" 会场 ", reduction_measures=" 无纸化 ")
    assert (plan.boundary, plan.reduction_measures, plan.offset_plan) == ("会场", "无纸化", "")
    event_submit(actor=actors.organiser, code=event.code)
    plan_save(actor=actors.organiser, code=event.code, boundary="会场+交通", offset_plan="CQCER")
    plan = Plan.objects.get(event=event)
    assert (plan.boundary, plan.reduction_measures, plan.offset_plan) == ("会场+交通", "", "CQCER")
    assert Plan.objects.count() == 1


def test_plan_save_requires_a_boundary(actors):
    event = make_event(actors.organiser)
    before = db_snapshot()
    with pytest.raises(ValidationFailed) as info:
        plan_save(actor=actors.organiser, code=event.code, boundary="   ")
    assert info.value.fields == {"boundary": "required"}
    assert_nothing_written(before)


@pytest.mark.parametrize("status", [Status.PLANNED, Status.ACCOUNTED, Status.OFFSET, Status.CERTIFIED])
def test_plan_save_refused_after_publication(actors, status):
    event = make_event(actors.organiser)
    save_plan(actors.organiser, event.code)
    force_status(event, status)
    refused(Conflict, "plan_published", plan_save, actor=actors.organiser, code=event.code, boundary="改写")


def test_plan_publish_happy_path(actors):
    event = submitted_event(actors.organiser)
    save_plan(actors.organiser, event.code)
    add_electricity(actors.organiser, event.code, "before", "1000")
    plan_estimate(actor=actors.organiser, code=event.code)
    with time_machine.travel(BEFORE_EVENT, tick=False):
        event = plan_publish(actor=actors.organiser, code=event.code)
    event.refresh_from_db()
    assert event.status == Status.PLANNED
    assert event.plan.published_at == BEFORE_EVENT
    assert event.plan.estimate_kg_co2e == Decimal("558.100")
    log = event.transitions.last()
    assert (log.action, log.from_status, log.to_status) == ("publish_plan", "submitted", "planned")


def test_plan_publish_refused_without_plan(actors):
    event = submitted_event(actors.organiser)
    refused(Conflict, "plan_missing", plan_publish, actor=actors.organiser, code=event.code)


def test_plan_publish_refused_without_estimate(actors):
    event = submitted_event(actors.organiser)
    save_plan(actors.organiser, event.code)
    add_electricity(actors.organiser, event.code, "before", "1000")  # activities, but no estimate yet
    refused(Conflict, "estimate_missing", plan_publish, actor=actors.organiser, code=event.code)


def test_plan_publish_refused_for_a_draft(actors):
    event = make_event(actors.organiser)
    save_plan(actors.organiser, event.code)
    add_electricity(actors.organiser, event.code, "before", "1000")
    plan_estimate(actor=actors.organiser, code=event.code)
    refused(Conflict, "illegal_transition", plan_publish, actor=actors.organiser, code=event.code)


def test_plan_publish_never_publishes_a_stale_estimate(actors):
    event = submitted_event(actors.organiser)
    save_plan(actors.organiser, event.code)
    add_electricity(actors.organiser, event.code, "before", "1000")
    plan_estimate(actor=actors.organiser, code=event.code)
    add_electricity(actors.organiser, event.code, "before", "9000")  # the estimate is now 10,000 kWh
    try:
        plan_publish(actor=actors.organiser, code=event.code)
    except Conflict:
        return  # refusing a stale estimate is fine too
    assert Plan.objects.get(event=event).estimate_kg_co2e == Decimal("5581.000")


# ---------------------------------------------------------------- event_withdraw


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.PLANNED])
def test_event_withdraw_from_each_open_status(actors, status):
    event = force_status(make_event(actors.organiser), status)
    event = event_withdraw(actor=actors.organiser, code=event.code, note="活动取消")
    event.refresh_from_db()
    assert event.status == Status.WITHDRAWN
    log = event.transitions.get()
    assert (log.from_status, log.to_status, log.note) == (status, "withdrawn", "活动取消")


@pytest.mark.parametrize("status", [Status.ACCOUNTED, Status.OFFSET, Status.CERTIFIED, Status.WITHDRAWN])
def test_event_withdraw_refused_once_accounted(actors, status):
    event = force_status(make_event(actors.organiser), status)
    refused(Conflict, "illegal_transition", event_withdraw, actor=actors.organiser, code=event.code)


def test_events_keep_their_own_deadline_after_withdrawal(actors):
    event = submitted_event(actors.organiser)
    event_withdraw(actor=actors.organiser, code=event.code)
    event = Event.objects.get(pk=event.pk)
    assert event.deadline == date(EVENT_END.year, EVENT_END.month + 1, EVENT_END.day)
