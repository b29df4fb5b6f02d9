"""Chromium: the bureau opens the audit log from the supervision dashboard, filters by object and pages on."""

import pytest

from zhonghe.footprints.tests.builders import make_event
from zhonghe.tests.browser.chromium import chromium_context, page  # noqa: F401 - the Chromium fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(browser_page, live_server, username: str) -> None:
    browser_page.goto(live_server.url + "/login/")
    browser_page.get_by_test_id("login-username").fill(username)
    browser_page.get_by_test_id("login-password").fill("pass-1234")
    browser_page.get_by_test_id("login-submit").click()
    browser_page.wait_for_load_state()


def test_bureau_browses_the_audit_log(page, live_server, actors):  # noqa: F811
    event = make_event(actors.organiser)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _login(page, live_server, "bureau")
    page.goto(live_server.url + "/supervision/")
    page.get_by_test_id("nav-audit").click()
    page.wait_for_load_state()
    rows = page.get_by_test_id("audit-row")
    assert rows.count() > 10
    assert "活动 · 创建" in rows.first.inner_text()
    page.fill("#f-object", str(event.code))
    page.get_by_test_id("audit-filters").locator("button").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("audit-row").count() == 1
    assert errors == []


def test_organiser_is_refused(page, live_server, actors):  # noqa: F811
    _login(page, live_server, "organiser")
    response = page.goto(live_server.url + "/supervision/audit/")
    assert response.status == 403
