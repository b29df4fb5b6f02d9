"""Inventory freeze and frozen versions with per-line provenance."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhonghe.api.tests.support import accounted_event, assert_envelope, event_for, planned_event
from zhonghe.footprints.models import InventoryVersion
from zhonghe.footprints.services import activity_add

pytestmark = pytest.mark.django_db


def _after_electricity(actor, event, kwh="20000"):
    activity_add(
        actor=actor, code=event.code, stage="after", category="electricity",
        factor_key="electricity.grid", quantity=kwh, unit="kWh",
    )  # fmt: skip


def test_freeze_returns_201_with_lines_and_provenance(api_for, actors):
    event = planned_event(actors.organiser)
    _after_electricity(actors.organiser, event)
    response = api_for("organiser").post(f"/events/{event.code}/inventory")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 1
    assert body["total_kg_co2e"] == "11162.000" and body["total_t_co2e"] == "11.162"
    assert body["required_offset_t"] == 12
    assert body["release_code"] == "CQ-2025.2" and len(body["data_hash"]) == 64
    [line] = body["lines"]
    assert line["factor_doc_no"] == "生态环境部 国家统计局公告2025年第47号"
    assert line["factor_year"] == 2023 and line["factor_value"] == "0.5581"
    assert line["kg_co2e"] == "11162.000" and line["quantity"] == "20000.0000"
    assert "电力二氧化碳排放因子" in line["factor_source"] and "MEE" in line["factor_source_en"]  # zh + en citation
    assert sum(Decimal(x["kg_co2e"]) for x in body["lines"]) == Decimal(body["total_kg_co2e"])
    detail = api_for("organiser").get(f"/events/{event.code}").json()
    assert detail["status"] == "accounted" and detail["latest_inventory"]["version"] == 1


def test_list_and_get_versions(api_for, actors):
    event = accounted_event(actors.organiser)
    _after_electricity(actors.organiser, event, "100")
    org = api_for("organiser")
    assert org.post(f"/events/{event.code}/inventory").json()["version"] == 2
    listed = org.get(f"/events/{event.code}/inventories").json()
    assert [v["version"] for v in listed] == [1, 2]
    assert "lines" not in listed[0]
    v1 = org.get(f"/events/{event.code}/inventories/1").json()
    assert v1["total_kg_co2e"] == "11162.000" and len(v1["lines"]) == 1
    assert len(org.get(f"/events/{event.code}/inventories/2").json()["lines"]) == 2
    assert org.get(f"/events/{event.code}").json()["latest_inventory"]["version"] == 2


@pytest.mark.parametrize("version", ["3", "0", "x", "1.0", "99999999999999999999"])
def test_unknown_version_is_404(api_for, actors, version):
    event = accounted_event(actors.organiser)
    assert_envelope(api_for("organiser").get(f"/events/{event.code}/inventories/{version}"), 404, "not_found")


def test_freeze_before_the_event_ended_is_refused(api_for, actors):
    event = planned_event(actors.organiser, start_date="2099-05-01", end_date="2099-05-02")
    _after_electricity(actors.organiser, event)
    assert_envelope(api_for("organiser").post(f"/events/{event.code}/inventory"), 409, "event_not_ended")
    assert InventoryVersion.objects.count() == 0


def test_freeze_without_data_and_unchanged_data_are_refused(api_for, actors):
    event = planned_event(actors.organiser)
    org = api_for("organiser")
    assert_envelope(org.post(f"/events/{event.code}/inventory"), 409, "no_activities")
    _after_electricity(actors.organiser, event)
    org.post(f"/events/{event.code}/inventory")
    assert_envelope(org.post(f"/events/{event.code}/inventory"), 409, "inventory_unchanged")
    assert InventoryVersion.objects.count() == 1


def test_draft_event_cannot_be_frozen(api_for, actors):
    event = event_for(actors.organiser)
    assert_envelope(api_for("organiser").post(f"/events/{event.code}/inventory"), 409)
    assert InventoryVersion.objects.count() == 0


def test_other_organisation_is_404_and_nothing_frozen(api_for, actors):
    event = planned_event(actors.outsider)
    _after_electricity(actors.outsider, event)
    org = api_for("organiser")
    assert_envelope(org.post(f"/events/{event.code}/inventory"), 404, "not_found")
    assert_envelope(org.get(f"/events/{event.code}/inventories"), 404, "not_found")
    assert_envelope(org.get(f"/events/{event.code}/inventories/1"), 404, "not_found")
    assert_envelope(org.post("/events/garbage/inventory"), 404, "not_found")
    assert InventoryVersion.objects.count() == 0
    event.refresh_from_db()
    assert event.status == "planned"


def test_read_only_key_cannot_freeze(api_for, actors):
    event = planned_event(actors.organiser)
    _after_electricity(actors.organiser, event)
    assert_envelope(api_for("organiser_read").post(f"/events/{event.code}/inventory"), 403, "insufficient_scope")
    assert InventoryVersion.objects.count() == 0


def test_reviewer_reads_inventories(api_for, actors):
    event = accounted_event(actors.organiser)
    assert len(api_for("bureau").get(f"/events/{event.code}/inventories").json()) == 1
