"""Activity data: add (BEFORE/AFTER), list, delete; refusals write nothing."""

from __future__ import annotations

import pytest

from zhonghe.api.tests.support import assert_envelope, event_for, planned_event
from zhonghe.events.models import ActivityRecord

pytestmark = pytest.mark.django_db

ELECTRICITY = {"stage": "before", "category": "electricity", "factor_key": "electricity.grid", "quantity": "1500.5"}


def test_add_list_delete(api_for, actors):
    event = event_for(actors.organiser)
    org = api_for("organiser")
    response = org.post(f"/events/{event.code}/activities", {**ELECTRICITY, "description": "主会场"})
    assert response.status_code == 201, response.content
    added = response.json()
    assert added["quantity"] == "1500.5000" and added["unit"] == "kWh"  # default unit of the factor
    assert added["factor_key"] == "electricity.grid" and added["description"] == "主会场"
    listed = org.get(f"/events/{event.code}/activities").json()
    assert [a["code"] for a in listed] == [added["code"]]
    deleted = org.delete(f"/events/{event.code}/activities/{added['code']}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert ActivityRecord.objects.count() == 0


def test_travel_by_airports(api_for, actors):
    event = event_for(actors.organiser)
    body = {
        "stage": "before", "category": "travel", "travel_mode": "flight_domestic", "person_trips": 50,
        "place_kind": "airport", "origin": "CKG", "destination": "PEK", "round_trip": True,
    }  # fmt: skip
    response = api_for("organiser").post(f"/events/{event.code}/activities", body)
    assert response.status_code == 201, response.content
    added = response.json()
    assert added["factor_key"] == "travel.flight_domestic" and added["person_trips"] == 50
    assert added["round_trip"] is True and added["distance_km"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**ELECTRICITY, "factor_key": "meals.standard"}, "factor_key"),
        ({**ELECTRICITY, "factor_key": "electricity.nuclear"}, "factor_key"),
        ({**ELECTRICITY, "quantity": 12.5}, "quantity"),
        ({**ELECTRICITY, "quantity": "lots"}, "quantity"),
        ({**ELECTRICITY, "quantity": "1.123456"}, "quantity"),
        ({k: v for k, v in ELECTRICITY.items() if k != "quantity"}, "quantity"),
        ({**ELECTRICITY, "stage": "during"}, "stage"),
        ({**ELECTRICITY, "category": "magic"}, "category"),
        ({"stage": "before", "category": "travel", "travel_mode": "hsr", "distance_km": "300"}, "person_trips"),
        ({"stage": "before", "category": "travel", "travel_mode": "hsr", "person_trips": 1.5}, "person_trips"),
    ],
)
def test_bad_input_is_422_and_writes_nothing(api_for, actors, body, field):
    event = event_for(actors.organiser)
    error = assert_envelope(api_for("organiser").post(f"/events/{event.code}/activities", body), 422)
    assert field in error["fields"], error
    assert ActivityRecord.objects.count() == 0


def test_unit_mismatch_and_unknown_place_are_422(api_for, actors):
    event = event_for(actors.organiser)
    org = api_for("organiser")
    assert_envelope(org.post(f"/events/{event.code}/activities", {**ELECTRICITY, "unit": "t"}), 422, "unit_mismatch")
    travel = {
        "stage": "before", "category": "travel", "travel_mode": "flight_domestic", "person_trips": 2,
        "place_kind": "airport", "origin": "CKG", "destination": "XXX",
    }  # fmt: skip
    assert_envelope(org.post(f"/events/{event.code}/activities", travel), 422, "unknown_place")
    assert ActivityRecord.objects.count() == 0


def test_after_stage_is_closed_before_the_plan_is_published(api_for, actors):
    event = event_for(actors.organiser)
    response = api_for("organiser").post(f"/events/{event.code}/activities", {**ELECTRICITY, "stage": "after"})
    assert_envelope(response, 409, "stage_closed")
    assert ActivityRecord.objects.count() == 0


def test_before_stage_is_closed_after_publication(api_for, actors):
    event = planned_event(actors.organiser)
    before = event.activities.get()
    org = api_for("organiser")
    assert_envelope(org.post(f"/events/{event.code}/activities", ELECTRICITY), 409, "stage_closed")
    assert_envelope(org.delete(f"/events/{event.code}/activities/{before.code}"), 409, "stage_closed")
    assert ActivityRecord.objects.count() == 1


def test_other_organisation_is_404_and_nothing_changes(api_for, actors):
    event = event_for(actors.outsider)
    record_body = {**ELECTRICITY}
    org = api_for("organiser")
    assert_envelope(org.post(f"/events/{event.code}/activities", record_body), 404, "not_found")
    assert_envelope(org.get(f"/events/{event.code}/activities"), 404, "not_found")
    api_for("outsider").post(f"/events/{event.code}/activities", record_body)
    record = ActivityRecord.objects.get()
    assert_envelope(org.delete(f"/events/{event.code}/activities/{record.code}"), 404, "not_found")
    assert ActivityRecord.objects.count() == 1


def test_malformed_activity_code_is_404(api_for, actors):
    event = event_for(actors.organiser)
    org = api_for("organiser")
    assert_envelope(org.delete(f"/events/{event.code}/activities/nope"), 404, "not_found")
    assert_envelope(org.post("/events/nope/activities", ELECTRICITY), 404, "not_found")
    assert ActivityRecord.objects.count() == 0


def test_read_only_key_cannot_add_or_delete(api_for, actors):
    event = event_for(actors.organiser)
    read = api_for("organiser_read")
    assert_envelope(read.post(f"/events/{event.code}/activities", ELECTRICITY), 403, "insufficient_scope")
    api_for("organiser").post(f"/events/{event.code}/activities", ELECTRICITY)
    record = ActivityRecord.objects.get()
    assert_envelope(read.delete(f"/events/{event.code}/activities/{record.code}"), 403, "insufficient_scope")
    assert ActivityRecord.objects.count() == 1
    assert_envelope(api_for(None).get(f"/events/{event.code}/activities"), 401, "unauthenticated")


def test_a_retried_add_with_the_same_key_counts_once(api_for, actors):
    event = event_for(actors.organiser)
    org, headers = api_for("organiser"), {"Idempotency-Key": "row-17"}
    first = org.post(f"/events/{event.code}/activities", ELECTRICITY, headers=headers)
    again = org.post(f"/events/{event.code}/activities", ELECTRICITY, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["code"] == first.json()["code"]
    long_key = {"Idempotency-Key": "k" * 81}
    assert_envelope(
        org.post(f"/events/{event.code}/activities", ELECTRICITY, headers=long_key), 422, "validation_failed"
    )
    assert ActivityRecord.objects.count() == 1


NEW_FIELDS = {
    "phase": "preparation",
    "quality": "metered",
    "green_kwh": "500",
    "green_certificates": ["GEC-2025-0001"],
}


def test_the_new_accounting_inputs_are_accepted_and_returned(api_for, actors):
    event = event_for(actors.organiser)
    org = api_for("organiser")
    added = org.post(f"/events/{event.code}/activities", {**ELECTRICITY, **NEW_FIELDS})
    assert added.status_code == 201, added.content
    body = added.json()
    assert (body["phase"], body["quality"], body["green_kwh"]) == ("preparation", "metered", "500.0000")
    assert (body["green_share"], body["green_certificates"]) == (None, ["GEC-2025-0001"])
    car = {"stage": "before", "category": "travel", "travel_mode": "car", "person_trips": 4, "distance_km": "30",
           "fuel": "petrol", "occupancy": "2"}  # fmt: skip
    body = org.post(f"/events/{event.code}/activities", car).json()
    assert (body["fuel"], body["occupancy"], body["cabin"], body["phase"]) == ("petrol", "2.00", "", "holding")


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"phase": "during"}, "phase"),
        ({"quality": "guessed"}, "quality"),
        ({"green_share": "1.5"}, "green_share"),
        ({"green_share": "0.5", "green_kwh": "10"}, "green_share"),
        ({"green_certificates": "GEC-1"}, "green_certificates"),
        ({"green_certificates": [""]}, "green_certificates.0"),
        ({"cabin": "economy"}, "cabin"),
        ({"occupancy": "0"}, "occupancy"),
    ],
)
def test_bad_new_inputs_are_422_naming_the_field(api_for, actors, extra, field):
    event = event_for(actors.organiser)
    error = assert_envelope(
        api_for("organiser").post(f"/events/{event.code}/activities", {**ELECTRICITY, **extra}), 422
    )
    assert field in error["fields"], error
    assert ActivityRecord.objects.count() == 0


def test_openapi_states_the_enums_and_the_round_trip_default(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    fields = schema["ActivityIn"]["properties"]
    assert fields["phase"]["enum"] == ["preparation", "holding", "closing"] and fields["phase"]["default"] == "holding"
    assert set(fields["quality"]["enum"]) == {"metered", "invoiced", "surveyed", "estimated", "default"}
    assert set(fields["cabin"]["enum"]) == {"economy", "premium_economy", "business", "first", ""}
    assert set(fields["fuel"]["enum"]) == {"petrol", "diesel", "electric", ""}
    assert fields["round_trip"]["default"] is True
    assert fields["green_certificates"]["maxItems"] == 1000
    calculator = schema["CalculatorActivityIn"]["properties"]
    assert "ref" in schema["CalculatorActivityIn"]["required"] and "stage" not in calculator


def test_round_trip_defaults_to_true_in_the_api_and_on_the_page(api_for, actors, client):
    """One default: an API travel row without round_trip is a round trip; the page's checkbox starts ticked."""
    from zhonghe.web.forms import TravelActivityForm

    event = event_for(actors.organiser)
    hsr = {"stage": "before", "category": "travel", "travel_mode": "hsr", "person_trips": 5, "distance_km": "300"}
    body = api_for("organiser").post(f"/events/{event.code}/activities", hsr).json()
    assert body["round_trip"] is True
    assert client.login(username="organiser", password="pass-1234")
    page = client.get(f"/events/{event.code}/?tab=before").content.decode()
    checkbox = next(tag for tag in page.split("<input") if 'name="round_trip"' in tag)
    assert " checked" in checkbox.split(">")[0]
    assert TravelActivityForm().fields["round_trip"].initial is True
