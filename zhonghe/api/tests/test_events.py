"""Events: create, list, detail, submit (obligation, deadline), plan, withdraw, transitions."""

from __future__ import annotations

import uuid

import pytest

from zhonghe.api.tests.support import assert_envelope, event_body, event_for, planned_event
from zhonghe.events.models import ActivityRecord, Event, EventTransition, Plan

pytestmark = pytest.mark.django_db


def test_create_returns_201_with_detail(api_for, actors):
    response = api_for("organiser").post("/events", event_body())
    assert response.status_code == 201, response.content
    body = response.json()
    event = Event.objects.get()
    assert body["code"] == str(event.code)
    assert body["status"] == "draft"
    assert body["area_m2"] == "1200.50"  # Decimal as string, never a float
    assert body["start_date"] == "2025-03-10" and body["end_date"] == "2025-03-12"
    assert body["obliged"] is None and body["deadline"] is None
    assert body["allowed_actions"] == ["submit", "withdraw"]
    assert body["plan"] is None and body["latest_inventory"] is None and body["retired_t"] == 0
    assert body["organization"] == {"code": str(actors.orgs.organiser.code), "name": actors.orgs.organiser.name}
    assert event.organization == actors.orgs.organiser
    assert event.created_by == actors.users.organiser


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"name": "  "}, "name"),
        ({"kind": "party"}, "kind"),
        ({"venue_district": "110101"}, "venue_district"),
        ({"end_date": "2025-03-01"}, "end_date"),
        ({"expected_participants": 0}, "expected_participants"),
        ({"expected_participants": "300"}, "expected_participants"),
        ({"area_m2": 1200.5}, "area_m2"),
        ({"area_m2": "abc"}, "area_m2"),
        ({"area_m2": "1.234"}, "area_m2"),
        ({"start_date": "next week"}, "start_date"),
        ({"meeting_class": 7}, "meeting_class"),
    ],
)
def test_create_bad_input_is_422_with_fields_and_writes_nothing(api_for, override, field):
    error = assert_envelope(api_for("organiser").post("/events", event_body(**override)), 422, "validation_failed")
    assert field in error["fields"], error
    assert Event.objects.count() == 0


def test_create_missing_field_is_422(api_for):
    body = event_body()
    del body["venue_district"]
    error = assert_envelope(api_for("organiser").post("/events", body), 422, "validation_failed")
    assert "venue_district" in error["fields"]
    assert Event.objects.count() == 0


def test_seller_cannot_create_events(api_for):
    assert_envelope(api_for("seller").post("/events", event_body()), 403, "permission_denied")
    assert Event.objects.count() == 0


def test_list_is_scoped_to_the_organisation_and_reviewer_sees_all(api_for, actors):
    mine = event_for(actors.organiser, name="本单位活动")
    theirs = event_for(actors.outsider, name="其他单位活动")
    assert [e["code"] for e in api_for("organiser").get("/events").json()] == [str(mine.code)]
    assert [e["code"] for e in api_for("outsider").get("/events").json()] == [str(theirs.code)]
    assert {e["code"] for e in api_for("bureau").get("/events").json()} == {str(mine.code), str(theirs.code)}


def test_other_organisations_event_is_404(api_for, actors):
    event = event_for(actors.outsider)
    assert_envelope(api_for("organiser").get(f"/events/{event.code}"), 404, "not_found")
    assert_envelope(api_for("organiser").post(f"/events/{event.code}/submit"), 404, "not_found")
    assert_envelope(api_for("organiser").post(f"/events/{event.code}/withdraw"), 404, "not_found")
    body = {"boundary": "x"}
    assert_envelope(api_for("organiser").put(f"/events/{event.code}/plan", body), 404, "not_found")
    event.refresh_from_db()
    assert event.status == "draft" and event.obliged is None
    assert not EventTransition.objects.exists() and not Plan.objects.exists()


@pytest.mark.parametrize("code", ["not-a-uuid", "123", str(uuid.uuid4()), "%27%20OR%201%3D1"])
def test_malformed_or_unknown_code_is_404(api_for, actors, code):
    event_for(actors.organiser)
    assert_envelope(api_for("organiser").get(f"/events/{code}"), 404, "not_found")
    assert_envelope(api_for("organiser").post(f"/events/{code}/submit"), 404, "not_found")
    assert Event.objects.get().status == "draft"


def test_submit_300_person_class2_meeting_of_municipal_agency_is_obliged(api_for, actors):
    event = event_for(actors.organiser, expected_participants=300, meeting_class=2)
    response = api_for("organiser").post(f"/events/{event.code}/submit")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert body["obliged"] is True
    assert body["obligation_rule"] == "cq-agency-meeting"
    assert "强制实施范围" in body["obligation_reason"]
    assert body["obligation_reason_en"].startswith("Obliged: class 1–3 meetings")
    assert body["deadline"] == "2025-04-12"
    assert body["allowed_actions"] == ["publish_plan", "withdraw"]


def test_submit_150_person_meeting_is_voluntary(api_for, actors):
    event = event_for(actors.organiser, expected_participants=150, meeting_class=2)
    body = api_for("organiser").post(f"/events/{event.code}/submit").json()
    assert body["obliged"] is False
    assert body["obligation_rule"] == ""
    assert "自愿" in body["obligation_reason"]


def test_deadline_is_one_calendar_month_after_end_clamped(api_for):
    created = api_for("organiser").post("/events", event_body(start_date="2027-01-30", end_date="2027-01-31")).json()
    body = api_for("organiser").post(f"/events/{created['code']}/submit").json()
    assert body["deadline"] == "2027-02-28"
    assert api_for("organiser").get(f"/events/{created['code']}").json()["deadline"] == "2027-02-28"


def test_read_only_key_cannot_submit(api_for, actors):
    event = event_for(actors.organiser)
    assert_envelope(api_for("organiser_read").post(f"/events/{event.code}/submit"), 403, "insufficient_scope")
    event.refresh_from_db()
    assert event.status == "draft"


def test_submit_twice_is_409_illegal_transition(api_for, actors):
    event = event_for(actors.organiser)
    api_for("organiser").post(f"/events/{event.code}/submit")
    error = assert_envelope(api_for("organiser").post(f"/events/{event.code}/submit"), 409, "illegal_transition")
    assert error["fields"] == {"status": "submitted", "action": "submit"}
    assert EventTransition.objects.count() == 1


def test_plan_save_estimate_publish(api_for, actors):
    from zhonghe.footprints.services import activity_add

    event = event_for(actors.organiser)
    org = api_for("organiser")
    org.post(f"/events/{event.code}/submit")
    plan = org.put(
        f"/events/{event.code}/plan",
        {"boundary": " 会场用电 ", "reduction_measures": "无纸化", "offset_plan": "购买CQCER"},
    )
    assert plan.status_code == 200, plan.content
    assert plan.json()["boundary"] == "会场用电" and plan.json()["estimate_kg_co2e"] is None
    assert_envelope(org.post(f"/events/{event.code}/plan/publish"), 409, "estimate_missing")
    assert_envelope(org.post(f"/events/{event.code}/plan/estimate"), 409, "no_activities")
    activity_add(
        actor=actors.organiser, code=event.code, stage="before", category="electricity",
        factor_key="electricity.grid", quantity="1000", unit="kWh",
    )  # fmt: skip
    estimate = org.post(f"/events/{event.code}/plan/estimate").json()
    assert estimate["estimate_kg_co2e"] == "558.100"
    assert estimate["estimate_release"] == "CQ-2025.2"  # the default release
    [line] = estimate["estimate_lines"]
    assert line["kg_co2e"] == "558.100" and line["factor_doc_no"] == "生态环境部 国家统计局公告2025年第47号"
    published = org.post(f"/events/{event.code}/plan/publish").json()
    assert published["status"] == "planned"
    assert published["plan"]["estimate_kg_co2e"] == "558.100"
    assert published["plan"]["published_at"] is not None
    assert_envelope(org.put(f"/events/{event.code}/plan", {"boundary": "改"}), 409, "plan_published")


def test_plan_needs_boundary(api_for, actors):
    event = event_for(actors.organiser)
    error = assert_envelope(api_for("organiser").put(f"/events/{event.code}/plan", {"boundary": " "}), 422)
    assert "boundary" in error["fields"]
    error = assert_envelope(api_for("organiser").put(f"/events/{event.code}/plan", {}), 422, "validation_failed")
    assert "boundary" in error["fields"]
    assert not Plan.objects.exists()


def test_withdraw_and_transitions_log(api_for, actors):
    event = event_for(actors.organiser)
    org = api_for("organiser")
    org.post(f"/events/{event.code}/submit")
    withdrawn = org.post(f"/events/{event.code}/withdraw", {"note": "取消举办"})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["allowed_actions"] == []
    log = org.get(f"/events/{event.code}/transitions").json()
    assert [(t["action"], t["from_status"], t["to_status"]) for t in log] == [
        ("submit", "draft", "submitted"),
        ("withdraw", "submitted", "withdrawn"),
    ]
    assert log[1]["note"] == "取消举办" and log[0]["actor"] == "organiser"


def test_withdraw_without_body(api_for, actors):
    event = event_for(actors.organiser)
    assert api_for("organiser").post(f"/events/{event.code}/withdraw").json()["status"] == "withdrawn"


def test_transitions_of_other_organisation_is_404(api_for, actors):
    event = event_for(actors.outsider)
    assert_envelope(api_for("organiser").get(f"/events/{event.code}/transitions"), 404, "not_found")


def test_reviewer_reads_any_event_but_cannot_act(api_for, actors):
    event = planned_event(actors.organiser)
    body = api_for("bureau").get(f"/events/{event.code}").json()
    assert body["status"] == "planned" and body["plan"]["boundary"]
    assert_envelope(api_for("bureau").post(f"/events/{event.code}/withdraw"), 403, "permission_denied")
    assert ActivityRecord.objects.count() == 1


def test_put_replaces_a_draft_and_is_refused_once_submitted(api_for, actors):
    event = event_for(actors.organiser)
    org = api_for("organiser")
    response = org.put(f"/events/{event.code}", event_body(name="更正后的大会", expected_participants=150))
    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["expected_participants"]) == ("更正后的大会", 150)
    assert_envelope(org.put(f"/events/{event.code}", event_body(expected_participants=0)), 422, "validation_failed")
    assert_envelope(api_for("outsider").put(f"/events/{event.code}", event_body()), 404, "not_found")
    assert_envelope(api_for("organiser_read").put(f"/events/{event.code}", event_body()), 403, "insufficient_scope")
    org.post(f"/events/{event.code}/submit")
    assert_envelope(org.put(f"/events/{event.code}", event_body(name="再改")), 409, "event_not_draft")
    event.refresh_from_db()
    assert (event.name, event.expected_participants, event.obliged) == ("更正后的大会", 150, False)


def test_idempotency_key_makes_event_creation_safe_to_retry(api_for):
    org = api_for("organiser")
    headers = {"Idempotency-Key": "batch-7"}
    first = org.post("/events", event_body(), headers=headers)
    assert first.status_code == 201, first.content
    again = org.post("/events", event_body(), headers=headers)
    assert again.status_code == 200 and again.json()["code"] == first.json()["code"]
    assert_envelope(org.post("/events", event_body(name="别的活动"), headers=headers), 409, "idempotency_key_reused")
    assert Event.objects.count() == 1
    assert org.post("/events", event_body()).status_code == 201  # no key: a new event each time
    assert Event.objects.count() == 2
