"""The application form shows the obligation verdict as the deciding fields change, before submitting."""

from __future__ import annotations

import pytest

from zhonghe.events.models import Event
from zhonghe.tests.browser.chromium import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_verdict_changes_live_with_the_meeting_class(chromium_context, live_server, actors):
    page = chromium_context.new_page()
    sign_in(page, live_server, "organiser")
    page.goto(live_server.url + "/events/new/")
    verdict = page.get_by_test_id("preview-verdict")
    page.locator("select[name=kind]").select_option("forum")
    page.locator("input[name=expected_participants]").fill("600")
    page.locator("select[name=meeting_class]").select_option("")
    page.wait_for_selector('[data-testid=preview-verdict][data-obliged="no"]')
    assert "自愿实施" in verdict.inner_text()

    page.locator("select[name=meeting_class]").select_option("2")
    page.wait_for_selector('[data-testid=preview-verdict][data-obliged="yes"]')
    assert "强制实施" in verdict.inner_text()

    page.locator("input[name=start_date]").fill("2026-06-10")
    page.locator("input[name=end_date]").fill("2026-06-01")
    page.locator("input[name=end_date]").dispatch_event("change")
    page.wait_for_selector("[data-testid=preview-error]")
    assert not Event.objects.exists()  # the verdict is computed, never saved
