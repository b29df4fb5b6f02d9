"""No 500 from input: control characters, absurd dates, huge pages, unknown URLs and methods — each answers with
the envelope (4xx) and writes nothing; the OpenAPI document states the constraints the server enforces."""

from __future__ import annotations

from datetime import date

import pytest

from zhonghe.api.certificates import MAX_PAGE
from zhonghe.api.main import api
from zhonghe.api.tests.support import assert_envelope, event_body, event_for
from zhonghe.events.models import Event
from zhonghe.footprints.tests.builders import assert_nothing_written, db_snapshot
from zhonghe.lib.text import LINE_PATTERN, TEXT_PATTERN

pytestmark = pytest.mark.django_db

KEY_USE = frozenset({"interop.ApiKey"})  # a refused request still records the key's last use


def refused(response, status: int, code: str, before) -> dict:
    error = assert_envelope(response, status, code)
    assert_nothing_written(before)
    return error


# ---------------------------------------------------------------- control characters


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", "大会\x00"),
        ("name", "大会\x1b[31m"),
        ("name", "第一行\n第二行"),  # a name is one line
        ("venue_address", "渝中区\x7f"),
        ("venue_address", "\ud83d"),  # a lone surrogate: not even storable as UTF-8 (pydantic refuses it first)
    ],
    ids=["nul", "escape", "newline in a line", "delete", "lone surrogate"],
)
def test_control_characters_in_a_body_are_a_field_error(api_for, field, value):
    before = db_snapshot(except_models=KEY_USE)
    response = api_for("organiser").post("/events", event_body(**{field: value}))
    error = refused(response, 422, "validation_failed", before)
    assert list(error["fields"]) == [field]
    assert "U+" in error["fields"][field] or "\ud83d" in value


def test_multiline_fields_keep_their_newlines_but_not_other_controls(api_for, actors):
    event = event_for(actors.organiser)
    client = api_for("organiser")
    ok = client.put(f"/events/{event.code}/plan", {"boundary": "会场用电\n差旅\t住宿\r\n餐饮"})
    assert ok.status_code == 200, ok.content
    before = db_snapshot(except_models=KEY_USE)
    bad = client.put(f"/events/{event.code}/plan", {"boundary": "会场用电\x07"})
    assert refused(bad, 422, "validation_failed", before)["fields"] == {"boundary": "不能包含控制字符（U+0007）"}


def test_control_characters_in_a_header_and_a_path_are_refused(api_for, actors):
    before = db_snapshot(except_models=KEY_USE)
    response = api_for("organiser").post("/events", event_body(), headers={"Idempotency-Key": "a\tb"})
    assert "idempotency_key" in refused(response, 422, "validation_failed", before)["fields"]
    response = api_for("organiser").get("/events/%01")
    assert response.status_code in (404, 422) and "error" in response.json()


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"start_date": "1999-12-31"}, "start_date"),
        ({"end_date": "2101-01-01"}, "end_date"),
        ({"start_date": "9999-12-01", "end_date": "9999-12-31"}, "end_date"),
    ],
    ids=["before 2000", "after 2100", "year 9999"],
)
def test_dates_outside_the_window_are_a_field_error(api_for, overrides, field):
    before = db_snapshot(except_models=KEY_USE)
    response = api_for("organiser").post("/events", event_body(**overrides))
    assert field in refused(response, 422, "validation_failed", before)["fields"]


def test_submitting_a_draft_that_ends_in_9999_is_a_field_error_not_a_500(api_for, actors):
    event = event_for(actors.organiser)
    Event.objects.filter(pk=event.pk).update(start_date=date(9999, 12, 1), end_date=date(9999, 12, 31))
    before = db_snapshot(except_models=KEY_USE)
    response = api_for("organiser").post(f"/events/{event.code}/submit")
    assert "end_date" in refused(response, 422, "validation_failed", before)["fields"]


# ---------------------------------------------------------------- pages


@pytest.mark.parametrize(
    "query", [f"page={MAX_PAGE + 1}", "page=100000000000000000000000000000", "page=0", "page_size=101"]
)
def test_out_of_bounds_pages_are_refused_with_the_envelope(client, db, query):
    response = client.get(f"/api/v1/certificates?{query}")
    assert_envelope(response, 422, "validation_failed")


def test_the_last_allowed_page_is_simply_empty(client, db):
    response = client.get(f"/api/v1/certificates?page={MAX_PAGE}&page_size=100")
    assert response.status_code == 200 and response.json()["items"] == []


# ---------------------------------------------------------------- unknown URLs and methods


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v2/events", "/api/", "/api"])
def test_unknown_api_urls_are_the_json_404_for_every_method(method, path, db):
    from django.test import Client

    response = getattr(Client(enforce_csrf_checks=True), method)(path)
    assert response["Content-Type"].startswith("application/json")
    assert_envelope(response, 404, "not_found")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_an_unsupported_method_is_the_json_405(client, method, db):
    response = getattr(client, method)("/api/v1/keys")
    assert_envelope(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"


# ---------------------------------------------------------------- the document states the constraints


def _components():
    return api.get_openapi_schema()["components"]["schemas"]


def test_input_strings_carry_the_text_rule_and_outputs_do_not():
    schemas = _components()
    assert schemas["EventIn"]["properties"]["name"]["pattern"] == LINE_PATTERN
    assert schemas["PlanIn"]["properties"]["boundary"]["pattern"] == TEXT_PATTERN
    assert schemas["RetirementIn"]["properties"]["reason"]["pattern"] == TEXT_PATTERN
    assert "pattern" not in schemas["KeyOut"]["properties"]["public_key_pem"]  # PEM has newlines: an output


def test_the_document_states_the_services_limits():
    from zhonghe.certificates.services import REVOKE_REASON_MAX_CHARS
    from zhonghe.data.districts import all_districts
    from zhonghe.events.models import EventKind
    from zhonghe.events.services import MAX_PARTICIPANTS
    from zhonghe.registry.services import MAX_QUANTITY_T

    schemas = _components()
    event = schemas["EventIn"]["properties"]
    assert event["kind"]["enum"] == list(EventKind.values)
    assert event["venue_district"]["enum"] == [d.adcode for d in all_districts()]
    assert (event["expected_participants"]["minimum"], event["expected_participants"]["maximum"]) == (
        1,
        MAX_PARTICIPANTS,
    )
    assert event["name"]["minLength"] == 1
    for name in ("OrderIn", "RetirementIn"):
        quantity = schemas[name]["properties"]["quantity_t"]
        assert (quantity["minimum"], quantity["maximum"]) == (1, MAX_QUANTITY_T)
    assert schemas["RevokeIn"]["properties"]["reason"]["maxLength"] == REVOKE_REASON_MAX_CHARS
