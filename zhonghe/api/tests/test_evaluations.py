"""API /evaluations: the full review chain, scoping (others → 404), bad input → envelope, nothing written."""

from __future__ import annotations

import uuid

import pytest

from zhonghe.api.tests.support import accounted_event, assert_envelope, credit_project, holding
from zhonghe.certificates.models import Certificate
from zhonghe.evaluations.checklist import CHECKLIST
from zhonghe.evaluations.models import Evaluation, Finding
from zhonghe.footprints.tests.builders import db_snapshot
from zhonghe.registry.services import credits_retire

pytestmark = pytest.mark.django_db

# An API key's last use is stamped on every request, refused or not.
KEY_USE = frozenset({"interop.ApiKey"})


@pytest.fixture
def offset_event(actors):
    event = accounted_event(actors.organiser)  # 12 t
    project = credit_project(actors)
    holding(actors, project, 12)
    credits_retire(actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=12, reason="抵")
    event.refresh_from_db()
    assert event.status == "offset"
    return event


def _invite(api_for, actors, event, uscc=None):
    body = {"event": str(event.code), "mode": "third_party", "verifier_uscc": uscc or actors.orgs.verifier.uscc}
    return api_for("organiser").post("/evaluations", body)


def test_full_review_chain_through_the_api(api_for, actors, offset_event):
    organiser, verifier, bureau = api_for("organiser"), api_for("verifier"), api_for("bureau")
    created = _invite(api_for, actors, offset_event)
    assert created.status_code == 201, created.content
    body = created.json()
    code = body["code"]
    assert (body["status"], body["mode"], body["verifier_uscc"]) == ("open", "third_party", actors.orgs.verifier.uscc)
    assert [row["item"] for row in body["checklist"]] == [item.key for item in CHECKLIST]
    assert all(row["result"] is None and row["text"] and row["source"] for row in body["checklist"])
    # The verifier finds a gap and sends the event back.
    finding = verifier.post(f"/evaluations/{code}/findings", {"severity": "major", "text": "缺少电费单"})
    assert finding.status_code == 201, finding.content
    returned = verifier.post(f"/evaluations/{code}/return", {"note": "请补充"})
    assert returned.json()["status"] == "returned"
    assert organiser.get(f"/events/{offset_event.code}").json()["status"] == "accounted"
    assert_envelope(organiser.post("/evaluations", {"event": str(offset_event.code), "mode": "third_party"}), 409,
                    "findings_unanswered")  # fmt: skip
    response = organiser.post(f"/findings/{finding.json()['code']}/response", {"response": "已补充电费单"})
    assert response.json()["status"] == "responded"
    again = organiser.post("/evaluations", {"event": str(offset_event.code), "mode": "third_party"})
    assert (again.status_code, again.json()["code"], again.json()["rounds"]) == (201, code, 2)
    assert verifier.post(f"/findings/{finding.json()['code']}/close").json()["status"] == "closed"
    for item in CHECKLIST:
        answered = verifier.put(f"/evaluations/{code}/checks/{item.key}", {"result": "pass", "note": "核对无误"})
        assert answered.status_code == 200, answered.content
    concluded = verifier.post(f"/evaluations/{code}/conclude", {"conclusion": "已实现碳中和"})
    assert concluded.json()["status"] == "concluded" and len(concluded.json()["conclusion_digest"]) == 64
    # The bureau returns it once, then accepts.
    rejected = bureau.post(f"/evaluations/{code}/reject", {"reason": "请说明住宿边界"})
    assert (rejected.json()["status"], rejected.json()["bureau_note"]) == ("open", "请说明住宿边界")
    verifier.post(f"/evaluations/{code}/conclude", {"conclusion": "住宿不在边界内，已实现碳中和"})
    accepted = bureau.post(f"/evaluations/{code}/accept", {"note": ""})
    assert accepted.json()["status"] == "accepted"
    issued = organiser.post(f"/events/{offset_event.code}/certificate")
    assert issued.status_code == 201, issued.content
    assert Certificate.objects.get().evaluation.code == uuid.UUID(code)


def test_others_get_404_and_the_verifier_sees_only_its_tasks(api_for, actors, offset_event):
    code = _invite(api_for, actors, offset_event).json()["code"]
    assert_envelope(api_for("outsider").get(f"/evaluations/{code}"), 404, "not_found")
    assert_envelope(api_for("seller").post(f"/evaluations/{code}/findings", {"severity": "minor", "text": "x"}), 404)
    assert api_for("outsider").get("/evaluations").json() == []
    assert [e["code"] for e in api_for("verifier").get("/evaluations").json()] == [code]
    assert api_for("verifier").get(f"/events/{offset_event.code}").status_code == 404  # not its event page
    assert [e["code"] for e in api_for("bureau").get("/evaluations").json()] == [code]
    assert_envelope(api_for("verifier").get(f"/evaluations/{uuid.uuid4()}"), 404, "not_found")
    assert_envelope(api_for("verifier").get("/evaluations/forged"), 404, "not_found")


def test_bad_input_is_an_envelope_and_writes_nothing(api_for, actors, offset_event):
    before = db_snapshot(except_models=KEY_USE)
    assert_envelope(api_for("organiser").post("/evaluations", {"event": str(offset_event.code), "mode": "x"}), 422)
    assert_envelope(_invite(api_for, actors, offset_event, actors.orgs.outsider.uscc), 422, "validation_failed")
    assert_envelope(
        api_for("organiser").post("/evaluations", {"event": str(offset_event.code), "mode": "self"}),
        409,
        "self_evaluation_not_allowed",
    )
    assert_envelope(api_for("organiser").post("/evaluations", {"mode": "self"}), 422)
    assert_envelope(api_for(None).post("/evaluations", {"event": str(offset_event.code), "mode": "self"}), 401)
    assert db_snapshot(except_models=KEY_USE) == before
    code = _invite(api_for, actors, offset_event).json()["code"]
    verifier = api_for("verifier")
    assert_envelope(verifier.put(f"/evaluations/{code}/checks/nope", {"result": "pass"}), 422, "validation_failed")
    assert_envelope(verifier.put(f"/evaluations/{code}/checks/on_time", {"result": "?"}), 422, "validation_failed")
    assert_envelope(verifier.post(f"/evaluations/{code}/conclude", {"conclusion": "x"}), 409, "checklist_incomplete")
    assert_envelope(api_for("organiser").post(f"/evaluations/{code}/accept", {}), 403, "permission_denied")
    assert Finding.objects.count() == 0 and Evaluation.objects.get().checks.count() == 0


def test_bureau_assigns_when_the_organiser_invites_nobody(api_for, actors, offset_event):
    body = {"event": str(offset_event.code), "mode": "third_party"}
    created = api_for("organiser").post("/evaluations", body).json()
    assert (created["status"], created["verifier_uscc"]) == ("waiting", None)
    assert api_for("verifier").get("/evaluations").json() == []
    assigned = api_for("bureau").post(
        f"/evaluations/{created['code']}/assign", {"verifier_uscc": actors.orgs.verifier.uscc}
    )
    assert (assigned.json()["status"], assigned.json()["assigned_by"]) == ("open", "bureau")
    assert [e["code"] for e in api_for("verifier").get("/evaluations").json()] == [created["code"]]
