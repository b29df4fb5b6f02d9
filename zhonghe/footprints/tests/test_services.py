"""footprints services: activity_add, activity_delete, plan_estimate, inventory_freeze (DB)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine

from zhonghe.engine.hashing import inventory_hash
from zhonghe.events.models import ActivityRecord, Event, EventTransition, Plan, Status
from zhonghe.footprints.selectors import inventory_latest
from zhonghe.footprints.services import (
    activity_add,
    activity_delete,
    current_release,
    inventory_freeze,
    plan_estimate,
)
from zhonghe.footprints.tests.builders import (
    AFTER_EVENT,
    DURING_EVENT,
    EVENT_END,
    KWH_FOR_13_T,
    TZ,
    accounted_event,
    add_electricity,
    electricity_fields,
    force_status,
    make_event,
    planned_event,
    refused,
    save_plan,
    submitted_event,
)
from zhonghe.footprints.translate import to_engine
from zhonghe.lib.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(actors):
    return make_event(actors.organiser)


# ---------------------------------------------------------------- activity_add


def _electricity(actors, event, **overrides):
    return electricity_fields(event, **{"actor": actors.organiser, "quantity": "100", **overrides})


def _travel(actors, event, **overrides):
    fields = dict(
        actor=actors.organiser,
        code=event.code,
        stage="before",
        category="travel",
        travel_mode="flight_domestic",
        person_trips=10,
        place_kind="airport",
        origin="PEK",
        destination="CKG",
    )
    fields.update(overrides)
    return fields


def test_activity_add_electricity(actors, draft):
    record = activity_add(**_electricity(actors, draft, quantity="1,000.5", description="会场用电" * 60))
    record.refresh_from_db()
    assert record.event == draft
    assert (record.stage, record.category, record.factor_key) == ("before", "electricity", "electricity.grid")
    assert record.quantity == Decimal("1000.5")
    assert record.unit == "kWh"  # the factor's unit when none is given
    assert len(record.description) == 200
    assert record.created_by == actors.users.organiser


def test_activity_add_converts_a_given_unit(actors, draft):
    record = activity_add(**_electricity(actors, draft, quantity="2", unit="MWh"))
    assert record.unit == "MWh"
    save_plan(actors.organiser, draft.code)
    assert plan_estimate(actor=actors.organiser, code=draft.code).estimate_kg_co2e == Decimal("1116.200")


def test_activity_add_travel_between_places(actors, draft):
    record = activity_add(**_travel(actors, draft, person_trips=60, origin="pek", round_trip=True))
    record.refresh_from_db()
    assert (record.factor_key, record.person_trips, record.round_trip) == ("travel.flight_domestic", 60, True)
    assert (record.place_kind, record.origin, record.destination) == ("airport", "pek", "CKG")
    assert record.quantity is None and record.distance_km is None
    city = activity_add(
        actor=actors.organiser,
        code=draft.code,
        stage="before",
        category="travel",
        travel_mode="hsr",
        person_trips="120",
        origin="成都市",
        destination="渝中区",
    )
    assert city.place_kind == "city" and city.person_trips == 120


def test_activity_add_travel_with_declared_distance(actors, draft):
    record = activity_add(
        actor=actors.organiser,
        code=draft.code,
        stage="before",
        category="travel",
        travel_mode="metro",
        person_trips=300,
        distance_km="12",
    )
    assert record.distance_km == Decimal("12")


@pytest.mark.parametrize(
    ("quantity", "code"),
    [
        ("-1", "invalid_activity"),
        (-0.5, "invalid_activity"),
        ("1e13", "invalid_activity"),
        ("10000000000000", "invalid_activity"),
        ("abc", "validation_failed"),
        ("12kWh", "validation_failed"),
        ("NaN", "validation_failed"),
        ("nan", "validation_failed"),
        (float("nan"), "validation_failed"),
        ("Infinity", "validation_failed"),
        ("-inf", "validation_failed"),
        (float("inf"), "validation_failed"),
        ("sNaN", "validation_failed"),
        (None, "validation_failed"),
        ("", "validation_failed"),
    ],
    ids=repr,
)
def test_activity_add_refuses_bad_quantities(actors, draft, quantity, code):
    error = refused(ValidationFailed, code, activity_add, **_electricity(actors, draft, quantity=quantity))
    if code == "validation_failed":
        assert "quantity" in error.fields


@pytest.mark.parametrize(
    ("overrides", "code", "zh_headline", "en_headline"),
    [
        ({"quantity": "1e13"}, "invalid_activity", "活动数据无效", "Invalid activity data"),
        (
            {"factor_key": "electricity.nuclear"},
            "unknown_factor",
            "排放因子库中没有对应的因子",
            "The factor release has",
        ),
        ({"unit": "banana"}, "unit_mismatch", "单位与排放因子不匹配", "The unit does not match the emission factor"),
    ],
)
def test_engine_refusals_speak_the_users_language_and_keep_the_detail(
    actors, draft, overrides, code, zh_headline, en_headline
):
    from django.utils import translation

    error = refused(ValidationFailed, code, activity_add, **_electricity(actors, draft, **overrides))
    assert error.message.startswith(zh_headline)
    # The engine's words stay in the detail (for API clients), never in the sentence a page shows.
    assert error.fields["detail"] and error.fields["detail"] not in error.message
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-|[a-z]{4,}", error.message), error.message
    with translation.override("en"):
        error = refused(ValidationFailed, code, activity_add, **_electricity(actors, draft, **overrides))
    assert error.message.startswith(en_headline)


def test_an_engine_refusal_names_the_row_and_the_field_in_chinese(actors, draft):
    error = refused(ValidationFailed, "invalid_activity", activity_add, **_electricity(actors, draft, quantity="1e13"))
    assert "本条活动数据的“数量”" in error.message and "超过合理上限" in error.message


def test_activity_add_accepts_the_ceiling_itself(actors, draft):
    assert activity_add(**_electricity(actors, draft, quantity="1000000000000")).quantity == Decimal("1e12")


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"factor_key": "electricity.nuclear"}, "unknown_factor"),
        ({"factor_key": ""}, "validation_failed"),
        ({"factor_key": "fuel.diesel"}, "validation_failed"),  # factor of another category
        ({"category": "fuel", "factor_key": "electricity.grid"}, "validation_failed"),
        ({"category": "rocket"}, "validation_failed"),
        ({"stage": "during"}, "validation_failed"),
        ({"unit": "banana"}, "unit_mismatch"),
        ({"unit": "kg"}, "unit_mismatch"),  # kg of electricity
    ],
)
def test_activity_add_refuses_bad_factor_category_or_unit(actors, draft, overrides, code):
    refused(ValidationFailed, code, activity_add, **_electricity(actors, draft, **overrides))


@pytest.mark.parametrize(
    "overrides",
    [
        {"origin": "XXX"},
        {"destination": "ZZZ"},
        {"origin": "PEKING"},
        {"place_kind": "city", "origin": "火星市", "destination": "渝中区"},
        {"place_kind": "city", "origin": "成都市", "destination": "月球区"},
        {"place_kind": "city", "origin": "999999", "destination": "渝中区"},
        {"place_kind": "city", "origin": "朝阳区", "destination": "渝中区"},  # ambiguous
        {"origin": ""},
    ],
)
def test_activity_add_refuses_unknown_places(actors, draft, overrides):
    error = refused(ValidationFailed, "unknown_place", activity_add, **_travel(actors, draft, **overrides))
    assert "place" in error.fields


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"person_trips": 0}, "invalid_activity"),
        ({"person_trips": "0"}, "invalid_activity"),
        ({"person_trips": -3}, "invalid_activity"),
        ({"person_trips": 10**10}, "invalid_activity"),
        ({"person_trips": "ten"}, "validation_failed"),
        ({"person_trips": 2.5}, "validation_failed"),
        ({"person_trips": None}, "validation_failed"),
        ({"travel_mode": "rocket"}, "invalid_activity"),
        ({"travel_mode": ""}, "invalid_activity"),
        ({"distance_km": "-5", "origin": "", "destination": ""}, "invalid_activity"),
        ({"distance_km": "100001", "origin": "", "destination": ""}, "invalid_activity"),
        ({"distance_km": "NaN", "origin": "", "destination": ""}, "validation_failed"),
        ({"distance_km": "far", "origin": "", "destination": ""}, "validation_failed"),
        ({"origin": "CKG", "destination": "CKG"}, "invalid_activity"),
    ],
)
def test_activity_add_refuses_bad_travel(actors, draft, overrides, code):
    refused(ValidationFailed, code, activity_add, **_travel(actors, draft, **overrides))


def test_activity_add_refuses_bool_person_trips(actors, draft):
    with pytest.raises(ValidationFailed):
        activity_add(**_travel(actors, draft, person_trips=True))


def test_activity_add_refuses_superscript_digits_as_person_trips(actors, draft):
    with pytest.raises(ValidationFailed):
        activity_add(**_travel(actors, draft, person_trips="²"))


@pytest.mark.parametrize("status", [Status.PLANNED, Status.ACCOUNTED, Status.OFFSET, Status.WITHDRAWN])
def test_before_stage_closed_once_the_plan_is_published(actors, draft, status):
    force_status(draft, status)
    refused(Conflict, "stage_closed", activity_add, **_electricity(actors, draft))


def test_before_stage_closed_after_a_real_publication(actors):
    event = planned_event(actors.organiser)
    refused(Conflict, "stage_closed", activity_add, **_electricity(actors, event))
    refused(Conflict, "stage_closed", activity_add, **_travel(actors, event))


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.OFFSET, Status.CERTIFIED])
def test_after_stage_closed_unless_planned_or_accounted(actors, draft, status):
    force_status(draft, status)
    refused(Conflict, "stage_closed", activity_add, **_electricity(actors, draft, stage="after"))


@pytest.mark.parametrize("status", [Status.PLANNED, Status.ACCOUNTED])
def test_after_stage_open_when_planned_or_accounted(actors, draft, status):
    force_status(draft, status)
    assert activity_add(**_electricity(actors, draft, stage="after")).stage == "after"


def test_activity_services_hide_other_organisations_events(actors, draft):
    record = activity_add(**_electricity(actors, draft))
    for call, kwargs in [
        (activity_add, _electricity(actors, draft, actor=actors.outsider)),
        (activity_delete, dict(actor=actors.outsider, code=draft.code, activity_code=record.code)),
        (plan_estimate, dict(actor=actors.outsider, code=draft.code)),
        (inventory_freeze, dict(actor=actors.outsider, code=draft.code)),
    ]:
        refused(NotFound, "not_found", call, **kwargs)


@pytest.mark.parametrize("code", ["nope", None, "", 7, str(uuid.uuid4())], ids=repr)
def test_footprint_services_refuse_forged_codes(actors, draft, code):
    record = activity_add(**_electricity(actors, draft))
    refused(NotFound, "not_found", activity_add, **_electricity(actors, draft, code=code))
    refused(NotFound, "not_found", activity_delete, actor=actors.organiser, code=code, activity_code=record.code)
    refused(NotFound, "not_found", activity_delete, actor=actors.organiser, code=draft.code, activity_code=code)
    refused(NotFound, "not_found", plan_estimate, actor=actors.organiser, code=code)
    refused(NotFound, "not_found", inventory_freeze, actor=actors.organiser, code=code)


def test_footprint_services_need_the_organiser_role(actors, draft):
    refused(PermissionDenied, "permission_denied", activity_add, **_electricity(actors, draft, actor=actors.seller))
    refused(PermissionDenied, "permission_denied", plan_estimate, actor=actors.bureau, code=draft.code)


# ---------------------------------------------------------------- activity_delete


def test_activity_delete_removes_only_that_record(actors, draft):
    keep = activity_add(**_electricity(actors, draft))
    drop = activity_add(**_electricity(actors, draft, quantity="5"))
    activity_delete(actor=actors.organiser, code=draft.code, activity_code=str(drop.code))
    assert list(ActivityRecord.objects.all()) == [keep]


def test_activity_delete_refuses_an_activity_of_another_event(actors, draft):
    other = make_event(actors.organiser, name="同单位另一活动")
    record = activity_add(**_electricity(actors, other))
    refused(NotFound, "not_found", activity_delete, actor=actors.organiser, code=draft.code, activity_code=record.code)


def test_activity_delete_refused_when_the_stage_is_closed(actors):
    event = planned_event(actors.organiser)
    record = event.activities.get(stage="before")
    refused(
        Conflict, "stage_closed", activity_delete, actor=actors.organiser, code=event.code, activity_code=record.code
    )


# ---------------------------------------------------------------- plan_estimate


def test_plan_estimate_equals_the_hand_computed_value(actors, draft, settings):
    settings.DEFAULT_FACTOR_RELEASE = "CQ-2025"  # hand-computed with CQ-2025's factors (method/1)
    save_plan(actors.organiser, draft.code)
    add_electricity(actors.organiser, draft.code, "before", "1000")  # 1000 × 0.5581 = 558.100 kg
    activity_add(
        actor=actors.organiser,
        code=draft.code,
        stage="before",
        category="lodging",
        factor_key="lodging.hotel_room_night",
        quantity="10",
    )  # 10 × 66.52 = 665.200 kg
    activity_add(
        actor=actors.organiser,
        code=draft.code,
        stage="before",
        category="travel",
        travel_mode="metro",
        person_trips=100,
        distance_km="10",
        round_trip=True,
    )  # a declared distance is used as is: 10 km × 2 × 100 × 0.04314 = 86.280 kg
    force_status(draft, Status.PLANNED)
    add_electricity(actors.organiser, draft.code, "after", "999999")  # AFTER data is not part of the estimate
    force_status(draft, Status.DRAFT)
    plan = plan_estimate(actor=actors.organiser, code=draft.code)
    plan.refresh_from_db()
    assert plan.estimate_kg_co2e == Decimal("1309.580")
    assert plan.estimate_release == "CQ-2025"
    assert [line["kg_co2e"] for line in plan.estimate_lines] == ["558.100", "665.200", "86.280"]
    assert plan.estimate_lines[0]["factor_value"] == "0.5581"
    assert plan.published_at is None


def test_plan_estimate_can_be_recomputed_before_publication(actors, draft):
    save_plan(actors.organiser, draft.code)
    add_electricity(actors.organiser, draft.code, "before", "1000")
    plan_estimate(actor=actors.organiser, code=draft.code)
    add_electricity(actors.organiser, draft.code, "before", "1000")
    assert plan_estimate(actor=actors.organiser, code=draft.code).estimate_kg_co2e == Decimal("1116.200")


@pytest.mark.parametrize("change", ["add", "delete"])
def test_changing_before_data_clears_the_estimate(actors, draft, change):
    save_plan(actors.organiser, draft.code)
    first = add_electricity(actors.organiser, draft.code, "before", "1000")
    add_electricity(actors.organiser, draft.code, "before", "2000")
    assert plan_estimate(actor=actors.organiser, code=draft.code).estimate_kg_co2e == Decimal("1674.300")
    force_status(draft, Status.PLANNED)
    add_electricity(actors.organiser, draft.code, "after", "5")  # AFTER data leaves the estimate alone
    force_status(draft, Status.DRAFT)
    assert Plan.objects.get(event=draft).estimate_kg_co2e == Decimal("1674.300")
    if change == "add":
        add_electricity(actors.organiser, draft.code, "before", "1")
    else:
        activity_delete(actor=actors.organiser, code=draft.code, activity_code=first.code)
    plan = Plan.objects.get(event=draft)
    assert (plan.estimate_kg_co2e, plan.estimate_release, plan.estimate_lines) == (None, "", [])


def test_plan_estimate_refused_for_a_withdrawn_event(actors, draft):
    save_plan(actors.organiser, draft.code)
    add_electricity(actors.organiser, draft.code, "before", "1000")
    force_status(draft, Status.WITHDRAWN)
    refused(Conflict, "stage_closed", plan_estimate, actor=actors.organiser, code=draft.code)


def test_plan_estimate_refused_without_a_plan(actors, draft):
    add_electricity(actors.organiser, draft.code, "before", "1000")
    refused(Conflict, "plan_missing", plan_estimate, actor=actors.organiser, code=draft.code)


def test_plan_estimate_refused_without_activities(actors, draft):
    save_plan(actors.organiser, draft.code)
    force_status(draft, Status.PLANNED)
    add_electricity(actors.organiser, draft.code, "after", "1000")  # only AFTER data
    force_status(draft, Status.DRAFT)
    refused(Conflict, "no_activities", plan_estimate, actor=actors.organiser, code=draft.code)


def test_plan_estimate_refused_after_publication(actors):
    event = planned_event(actors.organiser)
    refused(Conflict, "plan_published", plan_estimate, actor=actors.organiser, code=event.code)


def test_plan_publish_refused_without_activities(actors):
    from zhonghe.events.services import plan_publish

    event = submitted_event(actors.organiser)
    save_plan(actors.organiser, event.code)
    refused(Conflict, "no_activities", plan_estimate, actor=actors.organiser, code=event.code)
    refused(Conflict, "estimate_missing", plan_publish, actor=actors.organiser, code=event.code)


# ---------------------------------------------------------------- inventory_freeze


@pytest.fixture
def planned(actors):
    event = planned_event(actors.organiser)
    add_electricity(actors.organiser, event.code, "after", KWH_FOR_13_T)
    return event


@pytest.mark.parametrize(
    "now",
    [datetime(2027, 3, 1, 9, 0, tzinfo=TZ), DURING_EVENT, datetime(2027, 3, 10, 23, 59, tzinfo=TZ)],
    ids=["before", "first day", "first day late"],
)
def test_inventory_freeze_refused_before_the_end_date(actors, planned, now):
    with time_machine.travel(now, tick=False):
        refused(Conflict, "event_not_ended", inventory_freeze, actor=actors.organiser, code=planned.code)


def test_inventory_freeze_uses_the_local_date(actors, planned):
    # 2027-03-11 16:30 UTC is already 2027-03-12 00:30 in Chongqing: after the end date.
    with time_machine.travel(datetime(2027, 3, 11, 16, 30, tzinfo=UTC), tick=False):
        assert inventory_freeze(actor=actors.organiser, code=planned.code).version == 1


def test_inventory_freeze_refused_without_after_data(actors):
    event = planned_event(actors.organiser)  # BEFORE data only
    with time_machine.travel(AFTER_EVENT, tick=False):
        refused(Conflict, "no_activities", inventory_freeze, actor=actors.organiser, code=event.code)


def test_inventory_freeze_happy_path(actors, planned, settings):
    settings.DEFAULT_FACTOR_RELEASE = "CQ-2025"  # hand-computed with CQ-2025's factors (method/1)
    activity_add(
        actor=actors.organiser,
        code=planned.code,
        stage="after",
        category="meals",
        factor_key="meals.standard",
        quantity="900",
    )
    with time_machine.travel(AFTER_EVENT, tick=False):
        inventory = inventory_freeze(actor=actors.organiser, code=planned.code)
    inventory.refresh_from_db()
    planned.refresh_from_db()
    assert planned.status == Status.ACCOUNTED
    assert inventory.version == 1
    assert inventory.created_by == actors.users.organiser
    assert inventory.created_at == AFTER_EVENT
    # 23,000 × 0.5581 = 12,836.300; 900 × 2.0 = 1,800.000 → 14,636.300 kg → 14.636 t → 15 t
    assert inventory.total_kg_co2e == Decimal("14636.300")
    assert inventory.total_t_co2e == Decimal("14.636")
    assert inventory.required_offset_t == 15
    assert sum(Decimal(line["kg_co2e"]) for line in inventory.lines) == inventory.total_kg_co2e
    release = current_release()
    assert (inventory.release_code, inventory.release_hash) == ("CQ-2025", release.content_hash())
    assert inventory.method_version == release.method_version
    grid = next(line for line in inventory.lines if line["factor_key"] == "electricity.grid")
    assert grid["factor_doc_no"] == "公告2025年第47号"
    assert grid["factor_year"] == 2023
    assert "重庆" in grid["factor_source"]
    for line in inventory.lines:
        assert line["factor_doc_no"] and line["factor_source"] and isinstance(line["factor_year"], int)
    # The hash is the engine's hash of exactly the frozen AFTER activities, and it is stable.
    records = list(planned.activities.filter(stage="after"))
    assert inventory.data_hash == inventory_hash([to_engine(r) for r in records], release)
    assert inventory.data_hash == inventory_hash([to_engine(r) for r in reversed(records)], release)
    assert len(inventory.data_hash) == 64
    assert {a["ref"] for a in inventory.activities} == {str(r.code) for r in records}
    log = planned.transitions.last()
    assert (log.action, log.from_status, log.to_status) == ("freeze_inventory", "planned", "accounted")
    assert inventory_latest(planned) == inventory


def test_inventory_freeze_refused_when_data_unchanged(actors, planned):
    with time_machine.travel(AFTER_EVENT, tick=False):
        inventory_freeze(actor=actors.organiser, code=planned.code)
        refused(Conflict, "inventory_unchanged", inventory_freeze, actor=actors.organiser, code=planned.code)


def test_inventory_freeze_second_version_when_data_changed(actors, planned):
    with time_machine.travel(AFTER_EVENT, tick=False):
        first = inventory_freeze(actor=actors.organiser, code=planned.code)
        add_electricity(actors.organiser, planned.code, "after", "2000")
        second = inventory_freeze(actor=actors.organiser, code=planned.code)
    assert (first.version, second.version) == (1, 2)
    assert second.data_hash != first.data_hash
    assert second.total_kg_co2e == first.total_kg_co2e + Decimal("1116.200")
    assert second.required_offset_t == 14
    first.refresh_from_db()
    assert first.total_kg_co2e == Decimal("12836.300")  # the old version is untouched
    assert inventory_latest(planned) == second
    actions = list(planned.transitions.values_list("action", "from_status", "to_status"))
    assert actions[-2:] == [
        ("freeze_inventory", "planned", "accounted"),
        ("freeze_inventory", "accounted", "accounted"),
    ]


def test_inventory_freeze_refused_once_offset(actors):
    event, _inventory = accounted_event(actors.organiser)
    force_status(event, Status.OFFSET)
    with time_machine.travel(AFTER_EVENT, tick=False):
        refused(Conflict, "inventory_unchanged", inventory_freeze, actor=actors.organiser, code=event.code)
    # Even with new data (forced in), an OFFSET event cannot be re-accounted.
    force_status(event, Status.ACCOUNTED)
    add_electricity(actors.organiser, event.code, "after", "1")
    force_status(event, Status.OFFSET)
    with time_machine.travel(AFTER_EVENT, tick=False):
        refused(Conflict, "illegal_transition", inventory_freeze, actor=actors.organiser, code=event.code)


def test_inventory_versions_refuse_update_and_delete(actors):
    _event, inventory = accounted_event(actors.organiser)
    inventory.total_kg_co2e = Decimal("1")
    with pytest.raises(ValueError, match="immutable"):
        inventory.save()
    with pytest.raises(ValueError, match="immutable"):
        inventory.delete()
    inventory.refresh_from_db()
    assert inventory.total_kg_co2e == Decimal("12836.300")


def test_freeze_leaves_activities_and_plan_alone(actors, planned):
    plan_before = Plan.objects.filter(event=planned).values().get()
    count = ActivityRecord.objects.count()
    with time_machine.travel(AFTER_EVENT, tick=False):
        inventory_freeze(actor=actors.organiser, code=planned.code)
    assert Plan.objects.filter(event=planned).values().get() == plan_before
    assert ActivityRecord.objects.count() == count
    assert EventTransition.objects.filter(event=planned).count() == 3
    assert Event.objects.get(pk=planned.pk).end_date == EVENT_END
