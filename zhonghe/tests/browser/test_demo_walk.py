"""Debian's Chromium (via Playwright) walks the demo organiser's ready event to a valid certificate, in Chinese."""

import os

import pytest
from django.core.management import call_command
from django.db import connections

from zhonghe.lib.tools import require_binary

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page(live_server):
    chromium = require_binary("chromium")
    # Playwright's sync API runs an event loop in this thread; the live server's DB work is in its own thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})
        yield context.new_page()
        browser.close()
        # ORM calls made while Playwright's loop runs get their own connection (asgiref context); close it
        # here, or it would still be open when the test database is dropped.
        connections.close_all()


def test_demo_organiser_walks_ready_event_to_certificate(page, live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    call_command("seed_demo")
    from zhonghe.demo.seed import READY_EVENT

    page.goto(live_server.url + "/login/")
    page.get_by_test_id("login-username").fill("organiser")
    page.get_by_test_id("login-password").fill("zhonghe-demo")
    page.get_by_test_id("login-submit").click()
    page.get_by_role("link", name=READY_EVENT).first.click()
    assert "计划书已发布" in page.get_by_test_id("event-status").inner_text()

    page.get_by_test_id("action-freeze_inventory").click()
    required_t = int(page.get_by_test_id("inventory-required").inner_text().split()[0].replace(",", ""))
    assert required_t > 0

    form = page.get_by_test_id("retire-form")
    form.locator("select[name=project_code]").select_option(index=0)
    form.locator("input[name=quantity_t]").fill(str(required_t))
    form.locator("[name=reason]").fill("用于本次活动碳中和")
    page.get_by_test_id("retire-submit").click()
    assert page.get_by_test_id("retired-t").inner_text().strip() == str(required_t)

    page.get_by_test_id("action-issue_certificate").click()
    assert "已获证书" in page.get_by_test_id("event-status").inner_text()
    page.get_by_test_id("certificate-verify-link").click()
    status = page.get_by_test_id("verify-status")
    assert status.get_attribute("data-status") == "valid"
    assert "有效" in status.inner_text()
    assert "碳中和证书核验" in page.content()
