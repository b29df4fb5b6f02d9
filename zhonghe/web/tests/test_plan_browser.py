"""Chromium: the organiser tries a scenario, adopts it, publishes the plan, and the public page shows it."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest

from zhonghe.lib.numbers import format_number
from zhonghe.plans.models import ReductionMeasure
from zhonghe.plans.tests.builders import estimated_event
from zhonghe.tests.browser.chromium import chromium_context, page  # noqa: F401 - the Chromium fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_scenario_adopted_and_published(page, live_server, actors):  # noqa: F811
    event = estimated_event(actors.organiser)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(live_server.url + "/login/")
    page.get_by_test_id("login-username").fill("organiser")
    page.get_by_test_id("login-password").fill("pass-1234")
    page.get_by_test_id("login-submit").click()
    page.goto(f"{live_server.url}/events/{event.code}/")
    page.get_by_test_id("plan-tools-link").click()
    card = page.locator('[data-testid=scenario][data-key="vegetarian_meals"]')
    card.get_by_test_id("scenario-parameter").fill("60")
    card.get_by_role("button", name="试算").click()
    card = page.locator('[data-testid=scenario][data-key="vegetarian_meals"]')
    saving = card.get_by_test_id("scenario-saving").inner_text()
    card.get_by_test_id("scenario-adopt").click()
    assert page.get_by_test_id("measure-saving").inner_text() == saving
    if os.environ.get("ZHONGHE_SCREENSHOTS"):
        page.screenshot(path=os.environ["ZHONGHE_SCREENSHOTS"] + "/tools.png", full_page=True)
    page.goto(f"{live_server.url}/events/{event.code}/")
    page.get_by_test_id("action-publish_plan").click()
    page.get_by_test_id("plan-public-link").click()
    assert page.get_by_test_id("plan-measure-saving").inner_text() == saving
    if os.environ.get("ZHONGHE_SCREENSHOTS"):
        page.screenshot(path=os.environ["ZHONGHE_SCREENSHOTS"] + "/public.png", full_page=True)
    stored = ReductionMeasure.objects.get(plan__event=event).saving_kg_co2e
    assert format_number(stored, "kg") == saving and Decimal(saving.replace(",", "")) == stored.quantize(Decimal("0.1"))
    assert errors == []
