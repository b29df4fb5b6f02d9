"""Debian's Chromium (via Playwright) walks the demo's ready event through evaluation to a valid certificate."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from zhonghe.evaluations.checklist import CHECKLIST
from zhonghe.web.templatetags.zhonghe_numbers import format_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username: str) -> None:
    if page.get_by_test_id("logout").count():
        page.get_by_test_id("logout").click()
    page.goto(live_server.url + "/login/")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill("zhonghe-demo")
    page.get_by_test_id("login-submit").click()


def test_demo_organiser_walks_ready_event_to_certificate(page, live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    call_command("seed_demo")
    from zhonghe.demo.seed import READY_EVENT

    asked = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    login(page, live_server, "organiser")
    page.get_by_role("link", name=READY_EVENT).first.click()
    assert "计划书已发布" in page.get_by_test_id("event-status").inner_text()

    page.get_by_test_id("action-freeze_inventory").click()
    required_t = int(Decimal(page.get_by_test_id("inventory-required").inner_text().split()[0].replace(",", "")))
    assert required_t > 0

    form = page.get_by_test_id("retire-form")
    form.locator("select[name=project_code]").select_option(index=0)
    form.locator("input[name=quantity_t]").fill(str(required_t))
    form.locator("[name=reason]").fill("用于本次活动碳中和")
    page.get_by_test_id("retire-submit").click()
    assert page.get_by_test_id("retired-t").inner_text().strip() == format_number(required_t, "credits")

    # Ask for evaluation, inviting the demo verifier.
    evaluation_form = page.get_by_test_id("evaluation-request-form")
    evaluation_form.locator("select[name=verifier]").select_option(label="重庆渝碳核查技术有限公司")
    page.get_by_test_id("evaluation-request").click()
    assert page.get_by_test_id("evaluation-status").get_attribute("data-status") == "open"
    evaluation_url = page.url

    login(page, live_server, "verifier")
    page.get_by_test_id("task-link").first.click()
    assert page.url == evaluation_url
    for item in CHECKLIST:
        page.get_by_test_id(f"save-{item.key}").click()
    page.get_by_test_id("field-conclusion").fill("经核查，活动碳排放已全部抵消，实现碳中和。")
    page.get_by_test_id("evaluation-conclude").click()  # confirm.js asks; the dialog handler accepts
    assert page.get_by_test_id("evaluation-status").get_attribute("data-status") == "concluded"

    login(page, live_server, "bureau")
    page.goto(evaluation_url)
    page.get_by_test_id("evaluation-accept").click()
    assert page.get_by_test_id("evaluation-status").get_attribute("data-status") == "accepted"

    login(page, live_server, "organiser")
    page.get_by_role("link", name=READY_EVENT).first.click()
    assert "评价已受理" in page.get_by_test_id("event-status").inner_text()
    page.get_by_test_id("action-issue_certificate").click()
    assert "已获证书" in page.get_by_test_id("event-status").inner_text()
    page.get_by_test_id("certificate-verify-link").click()
    status = page.get_by_test_id("verify-status")
    assert status.get_attribute("data-status") == "valid"
    assert "有效" in status.inner_text()
    assert "碳中和证书核验" in page.content()
    assert asked, "the irreversible steps asked for confirmation"
