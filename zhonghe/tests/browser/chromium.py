"""Chromium (Debian's, via Playwright) for the browser tests: the `chromium_context` and `page` fixtures and a login
helper. conftest.py offers the fixtures to zhonghe/tests/browser/; test modules elsewhere import them from here."""

from __future__ import annotations

import os

import pytest
from django.db import connections

from zhonghe.lib.tools import require_binary

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
def chromium_context(live_server):
    """A zh-CN browser context; `chromium_context.new_page()` for each page (set the viewport per test)."""
    chromium = require_binary("chromium")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser.new_context(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})
        browser.close()
        connections.close_all()


@pytest.fixture
def page(chromium_context):
    return chromium_context.new_page()


def sign_in(page, live_server, username: str, password: str = "pass-1234") -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(lambda url: "/login/" not in url)
