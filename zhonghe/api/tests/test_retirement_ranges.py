"""Retirement API: exact serial ranges in display form and a named beneficiary."""

from __future__ import annotations

import pytest

from zhonghe.api.tests.support import accounted_event, assert_envelope, credit_project, holding
from zhonghe.registry.models import Retirement

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(actors):
    event = accounted_event(actors.organiser)
    project = credit_project(actors)
    holding(actors, project, 20)
    return event, project


def test_range_and_beneficiary(api_for, setup):
    event, project = setup
    body = {
        "project_code": project.code,
        "quantity_t": 3,
        "reason": "抵消",
        "beneficiary_name": "张三",
        "serial_first": f"{project.code}-000000006",
        "serial_last": f"{project.code}-000000008",
    }
    response = api_for("organiser").post(f"/events/{event.code}/retirements", body)
    assert response.status_code == 201, response.content
    [r] = response.json()
    assert (r["serial_first"], r["serial_last"]) == (body["serial_first"], body["serial_last"])
    assert r["beneficiary"] == {"name": "张三", "uscc": ""}


@pytest.mark.parametrize(
    ("extra", "status", "code"),
    [
        ({"serial_first": "WRONG-000000001", "serial_last": "WRONG-000000003"}, 422, "validation_failed"),
        ({"serial_first": "{p}-000000001"}, 422, "validation_failed"),
        ({"serial_first": "{p}-000000019", "serial_last": "{p}-000000021"}, 409, "serials_not_held"),
        ({"beneficiary_name": "某单位", "beneficiary_uscc": "123"}, 422, "validation_failed"),
    ],
)
def test_refusals_write_nothing(api_for, setup, extra, status, code):
    event, project = setup
    body = {"project_code": project.code, "quantity_t": 3, "reason": "抵消"}
    body.update({k: v.format(p=project.code) for k, v in extra.items()})
    assert_envelope(api_for("organiser").post(f"/events/{event.code}/retirements", body), status, code)
    assert Retirement.objects.count() == 0
