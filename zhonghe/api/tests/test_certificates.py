"""Public certificates: list (paginated), detail with a signature verifiable from GET /keys; issuing."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from zhonghe.api.tests.support import accounted_event, assert_envelope, certified_event, credit_project, holding
from zhonghe.certificates.models import Certificate
from zhonghe.certificates.signing import load_public_key_pem, verify_canonical
from zhonghe.footprints.tests.builders import assert_nothing_written, db_snapshot
from zhonghe.registry.services import credits_retire

pytestmark = pytest.mark.django_db

CONTRACT_KEYS = {"number", "status", "payload", "payload_canonical", "signature", "key_id", "verify_url", "pdf_url"}
# extensions; the contract stays (the Beijing times and the supersession links came with zhonghe.certificate/4)
DETAIL_KEYS = (
    CONTRACT_KEYS
    | {"issued_at", "revoked_at", "revoke_reason"}
    | {
        "issued_at_beijing",
        "revoked_at_beijing",
        "superseded_by",
        "superseded_at",
        "superseded_at_beijing",
        "supersedes",
    }
)


def test_detail_shape_and_signature_verifies_with_published_key(client, actors):
    event, certificate = certified_event(actors)
    response = client.get(f"/api/v1/certificates/{certificate.number}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == DETAIL_KEYS
    assert body["number"] == certificate.number and body["status"] == "valid"
    assert (body["revoked_at"], body["revoke_reason"]) == (None, "")
    assert body["verify_url"] == f"http://testserver/verify/{certificate.number}/"
    assert body["pdf_url"] == f"http://testserver/verify/{certificate.number}/certificate.pdf"
    assert body["payload"]["event"]["code"] == str(event.code)
    assert body["payload"]["offsets"]["retired_t"] == 12
    keys = {k["key_id"]: k for k in client.get("/api/v1/keys").json()}
    public_key = load_public_key_pem(keys[body["key_id"]]["public_key_pem"])
    assert verify_canonical(body["payload_canonical"], body["signature"], public_key)
    assert not verify_canonical(body["payload_canonical"] + " ", body["signature"], public_key)


def test_list_items(client, actors):
    event, certificate = certified_event(actors)
    body = client.get("/api/v1/certificates").json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item == {
        "number": certificate.number,
        "status": "valid",
        "event_name": event.name,
        "organiser_name": actors.orgs.organiser.name,
        "total_t_co2e": "11.162",
        "retired_t": 12,
        "issued_at": item["issued_at"],
        "issued_at_beijing": certificate.issued_at.astimezone(ZoneInfo("Asia/Shanghai")).isoformat(),
        "verify_url": f"http://testserver/verify/{certificate.number}/",
    }
    assert item["issued_at"].startswith(str(certificate.issued_at.year))


def test_list_is_paginated_by_20(client, actors):
    _event, certificate = certified_event(actors)
    fields = {f: getattr(certificate, f) for f in ("event", "inventory", "payload", "payload_canonical", "signature")}
    for i in range(22):
        Certificate.objects.create(
            number=f"ZH-TEST-{i:04d}", status="revoked", key_id=certificate.key_id,
            issued_at=certificate.issued_at, **fields,
        )  # fmt: skip
    first = client.get("/api/v1/certificates").json()
    assert first["count"] == 23 and len(first["items"]) == 20
    second = client.get("/api/v1/certificates?page=2").json()
    assert len(second["items"]) == 3
    assert not {i["number"] for i in first["items"]} & {i["number"] for i in second["items"]}
    assert_envelope(client.get("/api/v1/certificates?page=0"), 422, "validation_failed")


@pytest.mark.parametrize("number", ["ZH-2099-000001", "nope", "%E2%80%AE"])
def test_unknown_number_is_404(client, actors, number):
    assert_envelope(client.get(f"/api/v1/certificates/{number}"), 404, "not_found")


def test_issue_refused_without_enough_offset(api_for, actors):
    event = accounted_event(actors.organiser)
    project = credit_project(actors)
    holding(actors, project, 20)
    credits_retire(
        actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=5, reason="部分"
    )
    assert_envelope(api_for("organiser").post(f"/events/{event.code}/certificate"), 409, "insufficient_offset")
    assert Certificate.objects.count() == 0


def test_issue_returns_201_and_second_issue_is_refused(api_for, actors):
    event = accounted_event(actors.organiser)
    project = credit_project(actors)
    holding(actors, project, 12)
    credits_retire(
        actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=12, reason="全部"
    )
    org = api_for("organiser")
    assert_envelope(api_for("organiser_read").post(f"/events/{event.code}/certificate"), 403, "insufficient_scope")
    assert_envelope(api_for("outsider").post(f"/events/{event.code}/certificate"), 404, "not_found")
    assert_envelope(org.post(f"/events/{event.code}/certificate"), 409, "evaluation_not_accepted")
    assert Certificate.objects.count() == 0
    from zhonghe.evaluations.tests.builders import accepted_evaluation

    accepted_evaluation(actors, event)
    response = org.post(f"/events/{event.code}/certificate")
    assert response.status_code == 201, response.content
    assert set(response.json()) == DETAIL_KEYS
    assert org.get(f"/events/{event.code}").json()["status"] == "certified"
    assert_envelope(org.post(f"/events/{event.code}/certificate"), 409, "illegal_transition")
    assert Certificate.objects.count() == 1


def test_keys_endpoint_shape(client):
    body = client.get("/api/v1/keys").json()
    assert len(body) >= 1
    for key in body:
        assert set(key) == {"key_id", "algorithm", "public_key_pem", "status", "created_at", "retired_at"}
        assert (key["status"], key["retired_at"]) == ("active", None)
        assert key["algorithm"] == "Ed25519" and key["key_id"].startswith("ed25519:")
        assert key["public_key_pem"].startswith("-----BEGIN PUBLIC KEY-----")
        load_public_key_pem(key["public_key_pem"])


def test_bureau_revokes_and_the_public_detail_says_revoked(client, api_for, actors):
    event, certificate = certified_event(actors)
    url = f"/certificates/{certificate.number}/revoke"
    before = db_snapshot(except_models=frozenset({"interop.ApiKey"}))  # keys record their last use
    for who, status, code in [
        ("organiser", 403, "permission_denied"),
        ("seller", 403, "permission_denied"),
        ("verifier", 403, "permission_denied"),
        (None, 401, "unauthenticated"),
    ]:
        assert_envelope(api_for(who).post(url, {"reason": "x"}), status, code)
    assert_envelope(api_for("bureau").post(url, {"reason": "   "}), 422, "validation_failed")
    assert_envelope(api_for("bureau").post(url, {}), 422, "validation_failed")
    assert_envelope(api_for("bureau").post("/certificates/ZH-2099-000001/revoke", {"reason": "x"}), 404, "not_found")
    assert_nothing_written(before)

    response = api_for("bureau").post(url, {"reason": "核查发现重复计算"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["revoke_reason"]) == ("revoked", "核查发现重复计算")
    assert body["revoked_at"] is not None
    public = client.get(f"/api/v1/certificates/{certificate.number}").json()
    assert (public["status"], public["signature"]) == ("revoked", body["signature"])
    assert api_for("organiser").get(f"/events/{event.code}").json()["status"] == "accounted"
    assert_envelope(api_for("bureau").post(url, {"reason": "again"}), 409, "already_revoked")


def test_issue_with_an_idempotency_key_issues_once(api_for, actors):
    event = accounted_event(actors.organiser)
    project = credit_project(actors)
    holding(actors, project, 12)
    credits_retire(
        actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=12, reason="全部"
    )
    from zhonghe.evaluations.tests.builders import accepted_evaluation

    accepted_evaluation(actors, event)
    org, headers = api_for("organiser"), {"Idempotency-Key": "issue-1"}
    first = org.post(f"/events/{event.code}/certificate", headers=headers)
    assert first.status_code == 201, first.content
    before = db_snapshot(except_models=frozenset({"interop.ApiKey"}))  # its last use
    again = org.post(f"/events/{event.code}/certificate", headers=headers)  # a retried request, a double click
    assert again.status_code == 200, again.content
    assert again.json()["number"] == first.json()["number"]
    assert_nothing_written(before)
    assert Certificate.objects.count() == 1
    too_long = org.post(f"/events/{event.code}/certificate", headers={"Idempotency-Key": "k" * 81})
    assert too_long.status_code == 422


def test_correction_reopens_accounting_and_keeps_the_certificate_valid(api_for, actors):
    event, certificate = certified_event(actors)
    org = api_for("organiser")
    before = db_snapshot(except_models=frozenset({"interop.ApiKey"}))
    assert_envelope(org.post(f"/events/{event.code}/certificate/correction", {"reason": ""}), 422, "validation_failed")
    outsider = api_for("outsider").post(f"/events/{event.code}/certificate/correction", {"reason": "更正"})
    assert_envelope(outsider, 404, "not_found")
    assert_nothing_written(before)
    response = org.post(f"/events/{event.code}/certificate/correction", {"reason": "遗漏了一张电费单"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accounted"
    certificate.refresh_from_db()
    assert certificate.status == "valid"
