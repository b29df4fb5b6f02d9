"""External cancellations, invalidations and the claims list over the API (multipart upload for the proof)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhonghe.api.tests.support import accounted_event, assert_envelope, credit_project, holding
from zhonghe.events.models import Status
from zhonghe.registry.models import CreditInvalidation, ExternalCancellation
from zhonghe.registry.tests.external_builders import proof_pdf

pytestmark = pytest.mark.django_db


def _post(api, event, *, proof=None, **fields):
    body = {
        "registry": "ccer_national",
        "serial_first": 5001,
        "serial_last": 5012,
        "quantity_t": 12,
        "cancelled_on": dt.date.today().isoformat(),
        "proof_number": "NCSC-ZX-2027-0001",
        **fields,
        "proof": SimpleUploadedFile("proof.pdf", proof if proof is not None else proof_pdf("api")),
    }
    return api.client.post(f"/api/v1/events/{event.code}/external-cancellations", body, headers=api.headers())


def test_record_review_and_list(api_for, actors):
    event = accounted_event(actors.organiser)  # needs 12 t
    response = _post(api_for("organiser"), event)
    assert response.status_code == 201, response.content
    record = response.json()
    assert (record["status"], record["quantity_t"], record["proof_content_type"]) == ("pending", 12, "application/pdf")
    queue = api_for("bureau").get("/external-cancellations").json()
    assert [x["number"] for x in queue] == [record["number"]]
    assert_envelope(api_for("organiser").get("/external-cancellations"), 403, "permission_denied")
    confirmed = api_for("bureau").post(f"/external-cancellations/{record['code']}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    event.refresh_from_db()
    assert event.status == Status.OFFSET
    listed = api_for("organiser").get(f"/events/{event.code}/external-cancellations").json()
    assert [x["status"] for x in listed] == ["confirmed"]
    claims = api_for("bureau").get("/claims").json()
    assert claims == [
        {
            "registry": "ccer_national",
            "batch": "",
            "serial_first": 5001,
            "serial_last": 5012,
            "quantity_t": 12,
            "kind": "external",
            "reference": record["number"],
            "claimed_on": record["cancelled_on"],
        }
    ]


def test_refusals_are_envelopes_and_write_nothing(api_for, actors):
    event = accounted_event(actors.organiser)
    other = accounted_event(actors.outsider)
    assert_envelope(_post(api_for("organiser"), event, proof=b"GIF89a...."), 422, "validation_failed")
    assert_envelope(_post(api_for("organiser"), event, registry="verra"), 422, "validation_failed")
    assert_envelope(_post(api_for("organiser"), event, quantity_t=11), 422, "validation_failed")
    assert_envelope(_post(api_for("organiser"), other), 404, "not_found")
    assert_envelope(_post(api_for("organiser"), event, proof_number="A\x07B"), 422, "validation_failed")
    assert ExternalCancellation.objects.count() == 0
    assert _post(api_for("organiser"), event).status_code == 201
    assert_envelope(_post(api_for("outsider"), other, serial_first=5010, serial_last=5021), 409, "already_claimed")
    assert ExternalCancellation.objects.count() == 1
    code = ExternalCancellation.objects.get().code
    assert_envelope(
        api_for("bureau").post(f"/external-cancellations/{code}/reject", {"note": ""}), 422, "validation_failed"
    )


def test_operator_invalidates_over_the_api(api_for, actors):
    project = credit_project(actors)
    holding(actors, project, 20)
    body = {"serial_first": 3, "serial_last": 7, "reason": "项目核证撤销"}
    assert_envelope(
        api_for("organiser").post(f"/projects/{project.code}/invalidations", body), 403, "permission_denied"
    )
    response = api_for("platform").post(f"/projects/{project.code}/invalidations", body)
    assert response.status_code == 201, response.content
    assert (response.json()["quantity_t"], response.json()["events_flagged"]) == (5, [])
    assert_envelope(api_for("platform").post(f"/projects/{project.code}/invalidations", body), 409, "not_invalidatable")
    assert CreditInvalidation.objects.count() == 1


def test_invalidated_retirements_are_listed_for_the_event(api_for, actors):
    from zhonghe.registry.services import credits_retire

    event = accounted_event(actors.organiser)
    project = credit_project(actors)
    holding(actors, project, 20)
    [retirement] = credits_retire(
        actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=5, reason="抵消"
    )
    assert api_for("organiser").get(f"/events/{event.code}/invalidation-impacts").json() == []
    body = {"serial_first": 4, "serial_last": 8, "reason": "项目核证撤销"}
    response = api_for("platform").post(f"/projects/{project.code}/invalidations", body)
    assert response.json()["events_flagged"] == [str(event.code)]
    [impact] = api_for("organiser").get(f"/events/{event.code}/invalidation-impacts").json()
    assert (impact["retirement"], impact["quantity_t"], impact["certificate_number"]) == (retirement.number, 2, None)
    assert_envelope(api_for("outsider").get(f"/events/{event.code}/invalidation-impacts"), 404, "not_found")
