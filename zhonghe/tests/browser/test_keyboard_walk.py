"""The main flow works with the keyboard alone (issue 11, item 6): the organiser signs in, opens the demo's ready
event, freezes its inventory and retires the credits it holds — Tab to move, typing to fill, Enter to press. No
mouse click, no `fill()`."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from zhonghe.tests.browser.chromium import chromium_context, page  # noqa: F401 - the Chromium fixtures
from zhonghe.web.templatetags.zhonghe_numbers import format_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 120


def tab_to(tab_page, selector: str) -> None:
    """Press Tab until the element matching `selector` has the focus (it must be reachable by keyboard)."""
    target = tab_page.locator(selector).first
    target.wait_for()
    for _ in range(MAX_TABS):
        if target.evaluate("el => el === document.activeElement"):
            return
        tab_page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with Tab")


def test_the_organiser_freezes_and_retires_with_the_keyboard_only(page, live_server):  # noqa: F811
    call_command("seed_demo")
    from zhonghe.demo.seed import READY_EVENT

    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(live_server.url + "/login/")
    tab_to(page, "[data-testid=login-username]")
    page.keyboard.type("organiser")
    page.keyboard.press("Tab")
    page.keyboard.type("zhonghe-demo")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login/" not in url)

    tab_to(page, f"a:has-text('{READY_EVENT}')")
    page.keyboard.press("Enter")
    page.get_by_test_id("event-status").wait_for()

    tab_to(page, "[data-testid=action-freeze_inventory]")
    page.keyboard.press("Enter")
    required = page.get_by_test_id("inventory-required")
    required.wait_for()
    required_t = int(Decimal(required.inner_text().split()[0].replace(",", "")))

    form = "[data-testid=retire-form]"
    tab_to(page, f"{form} select[name=project_code]")
    if not page.locator(f"{form} select[name=project_code]").input_value():
        page.keyboard.press("ArrowDown")  # the first project the organiser holds
    assert page.locator(f"{form} select[name=project_code]").input_value()
    tab_to(page, f"{form} input[name=quantity_t]")
    page.keyboard.type(str(required_t))
    tab_to(page, f"{form} [name=reason]")
    page.keyboard.type("用于本次活动碳中和")
    tab_to(page, "[data-testid=retire-submit]")
    page.keyboard.press("Enter")
    retired = page.get_by_test_id("retired-t")
    retired.wait_for()
    assert retired.inner_text().strip() == format_number(required_t, "credits")
