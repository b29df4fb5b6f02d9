"""Authentication and scopes, shared by every organisation endpoint; plus GET /me."""

from __future__ import annotations

import pytest
from django.utils import timezone

from zhonghe.api.tests.support import Api, assert_envelope, event_body
from zhonghe.events.models import ActivityRecord, Event, EventTransition
from zhonghe.interop.models import ApiKey

pytestmark = pytest.mark.django_db


def test_no_key_is_401_envelope(api_for):
    error = assert_envelope(api_for(None).get("/me"), 401, "unauthenticated")
    assert error["fields"] == {}


@pytest.mark.parametrize("token", ["nonsense", "zh_deadbeef_wrong", "zh__", ""])
def test_invalid_key_is_401(client, actors, token):
    assert_envelope(Api(client, token).get("/me"), 401, "unauthenticated")
    assert_envelope(Api(client, token, header="x-api-key").get("/events"), 401, "unauthenticated")


def test_wrong_secret_of_a_real_key_is_401(api_for, keys):
    prefix, key_id, _secret = keys.organiser.split("_", 2)
    assert_envelope(Api(api_for(None).client, f"{prefix}_{key_id}_forged").get("/me"), 401, "unauthenticated")


def test_revoked_key_is_401(api_for, keys):
    ApiKey.objects.filter(key_id=keys.organiser.split("_")[1]).update(revoked_at=timezone.now())
    assert_envelope(api_for("organiser").get("/me"), 401, "unauthenticated")


def test_no_key_post_is_401_and_writes_nothing(api_for):
    assert_envelope(api_for(None).post("/events", event_body()), 401, "unauthenticated")
    assert Event.objects.count() == 0


def test_read_only_key_cannot_write(api_for):
    response = api_for("organiser_read").post("/events", event_body())
    error = assert_envelope(response, 403, "insufficient_scope")
    assert error["fields"] == {"scope": "write"}
    assert Event.objects.count() == 0


def test_write_only_key_cannot_read(api_for):
    assert_envelope(api_for("organiser_write").get("/events"), 403, "insufficient_scope")
    assert api_for("organiser_write").post("/events", event_body()).status_code == 201


def test_x_api_key_header_works(api_for, actors):
    response = api_for("organiser", header="x-api-key").get("/me")
    assert response.status_code == 200
    assert response.json()["organization"]["name"] == actors.orgs.organiser.name


def test_me_names_organisation_and_roles(api_for, actors, keys):
    body = api_for("organiser").get("/me").json()
    org = actors.orgs.organiser
    assert body["organization"] == {
        "code": str(org.code),
        "name": org.name,
        "uscc": org.uscc,
        "kind": "agency",
        "level": "municipal",
        "district_code": "500103",
    }
    assert body["roles"] == ["organiser"]
    assert body["api_key_id"] == keys.organiser.split("_")[1]
    assert api_for("bureau").get("/me").json()["roles"] == ["reviewer"]


def test_session_user_may_use_the_api(client, actors):
    client.force_login(actors.users.organiser)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["organization"]["code"] == str(actors.orgs.organiser.code)


def test_session_write_needs_csrf_token(actors):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(actors.users.organiser)
    response = strict.post("/api/v1/events", event_body(), content_type="application/json")
    assert_envelope(response, 403, "forbidden")
    assert Event.objects.count() == 0


def test_unknown_api_url_is_404_envelope(api_for):
    assert_envelope(api_for("organiser").get("/no-such-thing"), 404, "not_found")


def test_malformed_json_is_400_envelope(client, keys):
    response = client.post(
        "/api/v1/events", data="{not json", content_type="application/json",
        headers={"Authorization": f"Bearer {keys.organiser}"},
    )  # fmt: skip
    assert_envelope(response, 400, "bad_request")
    assert Event.objects.count() == 0


def test_openapi_document_is_3_1_and_lists_events(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.1.")
    assert doc["info"]["title"] == "Zhonghe API"
    assert doc["info"]["version"] == "1"
    assert "/api/v1/events" in doc["paths"]
    assert {"get", "post"} <= set(doc["paths"]["/api/v1/events"])
    assert "/api/v1/certificates/{number}" in doc["paths"]


def test_docs_page_is_served(client):
    assert client.get("/api/v1/docs").status_code == 200


def test_key_without_creator_can_create_an_event(client, actors):
    from zhonghe.interop.services import api_key_create

    _row, key = api_key_create(organization=actors.orgs.organiser, scopes=["read", "write"])
    api = Api(client, key)
    response = api.post("/events", event_body())
    assert response.status_code == 201, response.content
    event = Event.objects.get(code=response.json()["code"])
    assert (event.organization, event.created_by) == (actors.orgs.organiser, None)
    assert api.post(f"/events/{event.code}/submit").status_code == 200
    assert EventTransition.objects.get(event=event).actor is None
    body = {"stage": "before", "category": "electricity", "factor_key": "electricity.grid", "quantity": "10"}
    response = api.post(f"/events/{event.code}/activities", body)
    assert response.status_code == 201, response.content
    assert ActivityRecord.objects.get(event=event).created_by is None
