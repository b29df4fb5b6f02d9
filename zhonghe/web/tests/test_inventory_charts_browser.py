"""Chromium draws the inventory's ECharts (by source, by phase) from the static script, without page errors."""

from __future__ import annotations

import pytest
import time_machine

from zhonghe.footprints.services import activity_add, inventory_freeze
from zhonghe.footprints.tests.builders import AFTER_EVENT, planned_event
from zhonghe.tests.browser.chromium import chromium_context, page  # noqa: F401 - the Chromium fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inventory_charts_render(page, live_server, actors):  # noqa: F811
    event = planned_event(actors.organiser)
    for phase, kwh in (("preparation", "1200"), ("holding", "9000"), ("closing", "300")):
        activity_add(
            actor=actors.organiser, code=event.code, stage="after", category="electricity",
            factor_key="electricity.grid", quantity=kwh, phase=phase,
        )  # fmt: skip
    with time_machine.travel(AFTER_EVENT, tick=False):
        inventory_freeze(actor=actors.organiser, code=event.code)

    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/login/")
    page.get_by_test_id("login-username").fill("organiser")
    page.get_by_test_id("login-password").fill("pass-1234")
    page.get_by_test_id("login-submit").click()
    page.goto(f"{live_server.url}/events/{event.code}/")
    for testid in ("chart-by-source", "chart-by-phase"):
        canvas = page.get_by_test_id(testid).locator("canvas")
        canvas.first.wait_for(state="attached", timeout=10_000)
        box = canvas.first.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100
    assert errors == []
