"""Retirements against an event's frozen inventory; serial ranges in display form."""

from __future__ import annotations

import pytest

from zhonghe.api.tests.support import accounted_event, assert_envelope, credit_project, holding
from zhonghe.registry.models import BlockStatus, CreditBlock, Retirement

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(actors):
    event = accounted_event(actors.organiser)  # requires 12 t
    project = credit_project(actors)
    holding(actors, project, 20)
    return event, project


def _body(project, quantity_t, reason="抵消活动排放"):
    return {"project_code": project.code, "quantity_t": quantity_t, "reason": reason}


def test_partial_then_rest_moves_event_to_offset(api_for, actors, setup):
    event, project = setup
    org = api_for("organiser")
    response = org.post(f"/events/{event.code}/retirements", _body(project, 5))
    assert response.status_code == 201, response.content
    [first] = response.json()
    assert first["serial_first"] == "CQCER-2024-WL01-000000001"
    assert first["serial_last"] == "CQCER-2024-WL01-000000005"
    assert first["quantity_t"] == 5 and first["reason"] == "抵消活动排放"
    assert first["project"] == {"code": project.code, "name": project.name, "credit_type": "CQCER", "vintage": 2024}
    assert first["beneficiary"] == {"name": actors.orgs.organiser.name, "uscc": actors.orgs.organiser.uscc}
    assert first["purpose"] == f"大型活动碳中和：{event.name}"
    assert first["number"].startswith("ZH-R-")
    detail = org.get(f"/events/{event.code}").json()
    assert detail["status"] == "accounted" and detail["retired_t"] == 5
    [rest] = org.post(f"/events/{event.code}/retirements", _body(project, 7)).json()
    assert (rest["serial_first"], rest["serial_last"]) == ("CQCER-2024-WL01-000000006", "CQCER-2024-WL01-000000012")
    detail = org.get(f"/events/{event.code}").json()
    assert detail["status"] == "offset" and detail["retired_t"] == 12
    listed = org.get(f"/events/{event.code}/retirements").json()
    assert [r["number"] for r in listed] == [first["number"], rest["number"]]
    assert api_for("organiser").get("/holdings").json()[0]["quantity_t"] == 8
    assert_envelope(org.post(f"/events/{event.code}/retirements", _body(project, 1)), 409, "not_accounted")


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"quantity_t": 0}, 422, "validation_failed", "quantity_t"),
        ({"quantity_t": "3"}, 422, "validation_failed", "quantity_t"),
        ({"reason": "  "}, 422, "validation_failed", "reason"),
        ({"reason": None}, 422, "validation_failed", "reason"),
    ],
)
def test_bad_input_writes_nothing(api_for, setup, body, status, code, field):
    event, project = setup
    payload = {**_body(project, 3), **body}
    error = assert_envelope(api_for("organiser").post(f"/events/{event.code}/retirements", payload), status, code)
    assert field in error["fields"]
    assert Retirement.objects.count() == 0


def test_more_than_held_is_409(api_for, setup):
    event, project = setup
    assert_envelope(
        api_for("organiser").post(f"/events/{event.code}/retirements", _body(project, 21)), 409, "insufficient_credits"
    )
    assert Retirement.objects.count() == 0
    assert not CreditBlock.objects.filter(status=BlockStatus.RETIRED).exists()


def test_other_organisation_is_404_and_nothing_retired(api_for, actors, setup):
    event, project = setup
    holding(actors, project, 10, buyer=actors.outsider)
    outsider = api_for("outsider")
    assert_envelope(outsider.post(f"/events/{event.code}/retirements", _body(project, 3)), 404, "not_found")
    assert_envelope(outsider.get(f"/events/{event.code}/retirements"), 404, "not_found")
    assert_envelope(outsider.post("/events/xyz/retirements", _body(project, 3)), 404, "not_found")
    assert Retirement.objects.count() == 0


def test_read_only_key_cannot_retire(api_for, setup):
    event, project = setup
    response = api_for("organiser_read").post(f"/events/{event.code}/retirements", _body(project, 3))
    assert_envelope(response, 403, "insufficient_scope")
    assert Retirement.objects.count() == 0


def test_unknown_project_is_404(api_for, setup):
    event, _project = setup
    body = {"project_code": "NOPE", "quantity_t": 3, "reason": "x"}
    assert_envelope(api_for("organiser").post(f"/events/{event.code}/retirements", body), 404, "not_found")
    assert Retirement.objects.count() == 0


def test_a_retried_retirement_with_the_same_key_retires_once(api_for, setup):
    event, project = setup
    org, headers = api_for("organiser"), {"Idempotency-Key": "retire-42"}
    first = org.post(f"/events/{event.code}/retirements", _body(project, 12), headers=headers)
    assert first.status_code == 201, first.content
    again = org.post(f"/events/{event.code}/retirements", _body(project, 12), headers=headers)
    assert again.status_code == 200 and again.json() == first.json()
    assert_envelope(
        org.post(f"/events/{event.code}/retirements", _body(project, 3), headers=headers), 409, "idempotency_key_reused"
    )
    assert sum(r.quantity_t for r in Retirement.objects.all()) == 12
