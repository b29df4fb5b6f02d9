"""`/api/v1/events/{code}/imports`: multipart upload, places, commit; 404 for others; envelopes for bad input."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhonghe.events.models import ActivityRecord
from zhonghe.footprints.tests.builders import make_event
from zhonghe.imports.models import Import
from zhonghe.imports.tests.spreadsheets import ZH, csv_bytes

pytestmark = pytest.mark.django_db

ROWS = [
    ZH,
    ["张三", "成都", "", "高铁", "是", "2", "", "", ""],
    ["李四", "朝阳区", "", "高铁", "是", "1", "", "", ""],
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }


@pytest.fixture
def event(actors):
    return make_event(actors.organiser)


def post_file(client, key, event, data, *, kind="attendees", stage="before", headers=None):
    upload = SimpleUploadedFile("名单.csv", data, content_type="text/csv")
    return client.post(
        f"/api/v1/events/{event.code}/imports",
        data={"file": upload, "kind": kind, "stage": stage},
        headers={"Authorization": f"Bearer {key}", **(headers or {})},
    )


def test_upload_confirm_commit_happy_path(client, keys, api_for, event):
    response = post_file(client, keys.organiser, event, csv_bytes(ROWS))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "confirming" and body["rows_total"] == 2 and body["rows_done"] == 2
    assert body["id"] == body["code"] and body["encoding"] == "utf-8"
    assert [(e["row"], e["code"]) for e in body["errors"]] == [(3, "ambiguous_place")]
    places = {p["text"]: p for p in body["places"]}
    assert places["成都"]["label"] == "四川省成都市" and places["朝阳区"]["status"] == "ambiguous"
    api = api_for("organiser")
    path = f"/events/{event.code}/imports/{body['code']}"
    assert api.post(path + "/commit").status_code == 409 and ActivityRecord.objects.count() == 0
    confirmed = api.post(path + "/places", {"corrections": {"朝阳区": "110105"}})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "ready", confirmed.content
    committed = api.post(path + "/commit")
    assert committed.status_code == 200 and committed.json()["status"] == "committed"
    assert ActivityRecord.objects.filter(event=event).count() == 2
    assert api.get(path).json()["status"] == "committed"


def test_same_file_twice_is_409_duplicate_file(client, keys, event):
    assert post_file(client, keys.organiser, event, csv_bytes(ROWS)).status_code == 201
    again = post_file(client, keys.organiser, event, csv_bytes(ROWS))
    assert again.status_code == 409 and again.json()["error"]["code"] == "duplicate_file"
    assert Import.objects.count() == 1


def test_idempotency_key_replays_with_200(client, keys, event):
    headers = {"Idempotency-Key": "upload-1"}
    first = post_file(client, keys.organiser, event, csv_bytes(ROWS), headers=headers)
    second = post_file(client, keys.organiser, event, csv_bytes(ROWS), headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["code"] == second.json()["code"] and Import.objects.count() == 1


def test_other_organisation_and_forged_ids_get_404(client, keys, api_for, event):
    created = post_file(client, keys.organiser, event, csv_bytes(ROWS)).json()
    outsider = api_for("outsider")
    path = f"/events/{event.code}/imports/{created['code']}"
    for response in (outsider.get(path), outsider.post(path + "/commit"), outsider.get(path + "/annotated")):
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert post_file(client, keys.outsider, event, csv_bytes([ZH, ROWS[1]])).status_code == 404
    organiser = api_for("organiser")
    for forged in (str(uuid.uuid4()), "1", "not-a-uuid"):
        assert organiser.get(f"/events/{event.code}/imports/{forged}").status_code == 404
    assert Import.objects.count() == 1


def test_bad_input_is_an_envelope_never_a_500(client, keys, api_for, event):
    bad_kind = post_file(client, keys.organiser, event, csv_bytes(ROWS), kind="people")
    assert bad_kind.status_code == 422 and "error" in bad_kind.json()
    no_file = client.post(
        f"/api/v1/events/{event.code}/imports",
        data={"kind": "attendees", "stage": "before"},
        headers={"Authorization": f"Bearer {keys.organiser}"},
    )
    assert no_file.status_code == 422 and "error" in no_file.json()
    empty = post_file(client, keys.organiser, event, b"")
    assert empty.status_code in (400, 422) and "error" in empty.json()
    assert Import.objects.count() == 0
    created = post_file(client, keys.organiser, event, csv_bytes(ROWS)).json()
    path = f"/events/{event.code}/imports/{created['code']}/places"
    api = api_for("organiser")
    unknown_code = api.post(path, {"corrections": {"朝阳区": "999999"}})
    assert unknown_code.status_code == 422 and unknown_code.json()["error"]["code"] == "unknown_place"
    control = api.post(path, {"corrections": {"朝阳区\x00": "110105"}})
    assert control.status_code == 422 and "error" in control.json()
    assert Import.objects.get().corrections == {}


def test_refused_file_comes_back_with_an_error_column(client, keys, api_for, event):
    created = post_file(client, keys.organiser, event, csv_bytes([ZH, ["a", "成都", "", "火箭", "是", "1"]])).json()
    assert created["status"] == "refused" and created["errors"][0]["row"] == 2
    response = api_for("organiser").get(f"/events/{event.code}/imports/{created['code']}/annotated")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig").splitlines()
    assert text[0].endswith("错误") and "火箭" in text[1]


@pytest.mark.parametrize("name", ["attendees.xlsx", "attendees.csv", "activities.xlsx", "activities.csv"])
def test_templates_download(api_for, name):
    response = api_for("organiser").get(f"/import-templates/{name}")
    assert response.status_code == 200 and response.content
    assert response["Content-Disposition"].startswith("attachment")


def test_unknown_template_is_404(api_for):
    assert api_for("organiser").get("/import-templates/people.xlsx").status_code == 404
