"""Debian's Chromium walks a third-party review: the verifier records a major finding and sends the event back,
the organiser answers and resubmits, the verifier closes the finding, works through the checklist and concludes,
the bureau accepts, the organiser issues; then the public verify page, declaration and gallery show the case.
The verifier never sees an evaluation it was not assigned (404)."""

from __future__ import annotations

import pytest

from zhonghe.evaluations.checklist import CHECKLIST
from zhonghe.evaluations.services import evaluation_request
from zhonghe.footprints.tests.builders import accounted_event, buy, project_with_credits
from zhonghe.registry.services import credits_retire
from zhonghe.tests.browser.chromium import chromium_context, page  # noqa: F401 - the Chromium fixtures
from zhonghe.web.tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username: str) -> None:  # noqa: F811 - `page` is the fixture's object
    if page.get_by_test_id("logout").count():
        page.get_by_test_id("logout").click()
    page.goto(live_server.url + "/login/")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()


@pytest.fixture
def requested(actors):
    """An OFFSET event whose organiser invited the test verifier."""
    project = project_with_credits(actors, 100)
    event, inventory = accounted_event(actors.organiser, name="西部数字经济论坛")
    buy(actors, project, inventory.required_offset_t)
    credits_retire(actor=actors.organiser, event_code=event.code, project_code=project.code,
                   quantity_t=inventory.required_offset_t, reason="抵消")  # fmt: skip
    evaluation = evaluation_request(
        actor=actors.organiser, event_code=event.code, mode="third_party", verifier_uscc=actors.orgs.verifier.uscc
    )
    accounted_event(actors.outsider, name="他人的活动")
    return event, evaluation


def test_the_verifier_reviews_returns_and_concludes(page, live_server, settings, actors, requested):  # noqa: F811
    settings.PUBLIC_BASE_URL = live_server.url
    event, evaluation = requested
    page.on("dialog", lambda dialog: dialog.accept())
    evaluation_url = f"{live_server.url}/evaluations/{evaluation.code}/"

    _login(page, live_server, "verifier")
    page.get_by_test_id("task-link").first.click()
    assert page.url == evaluation_url
    assert "西部数字经济论坛" in page.get_by_test_id("evaluation-event").inner_text()
    form = page.get_by_test_id("finding-form")
    form.locator("select[name=severity]").select_option("major")
    form.locator("[name=text]").fill("电费单缺少三月份读数")
    page.get_by_test_id("finding-add").click()
    assert page.get_by_test_id("finding").get_attribute("data-status") == "open"
    page.get_by_test_id("return-form").locator("[name=note]").fill("请补充电费单")
    page.get_by_test_id("evaluation-return").click()
    assert page.get_by_test_id("evaluation-status").get_attribute("data-status") == "returned"

    _login(page, live_server, "organiser")
    page.goto(evaluation_url)
    page.get_by_test_id("finding-response").fill("已补充三月份电费单")
    page.get_by_test_id("finding-respond").click()
    page.goto(f"{live_server.url}/events/{event.code}/")
    page.get_by_test_id("evaluation-resubmit").click()
    assert page.get_by_test_id("evaluation-status").get_attribute("data-status") == "open"

    _login(page, live_server, "verifier")
    page.goto(evaluation_url)
    page.get_by_test_id("finding-close").click()
    assert page.get_by_test_id("finding").get_attribute("data-status") == "closed"
    for item in CHECKLIST:
        page.get_by_test_id(f"save-{item.key}").click()
    page.get_by_test_id("field-conclusion").fill("经核查，排放已全部抵消，实现碳中和。")
    page.get_by_test_id("evaluation-conclude").click()
    assert page.get_by_test_id("evaluation-status").get_attribute("data-status") == "concluded"
    other = actors.outsider.organization.events.get().code
    missing = page.goto(f"{live_server.url}/events/{other}/")
    assert missing.status == 404  # not assigned to it
    page.goto(evaluation_url)

    _login(page, live_server, "bureau")
    page.goto(evaluation_url)
    page.get_by_test_id("evaluation-accept").click()
    assert page.get_by_test_id("evaluation-status").get_attribute("data-status") == "accepted"

    _login(page, live_server, "organiser")
    page.goto(f"{live_server.url}/events/{event.code}/")
    page.get_by_test_id("action-issue_certificate").click()
    page.get_by_test_id("certificate-verify-link").click()
    assert page.get_by_test_id("verify-status").get_attribute("data-status") == "valid"
    assert "北京时间" in page.get_by_test_id("issued-at").inner_text()
    assert actors.orgs.verifier.name in page.get_by_test_id("evaluation").inner_text()
    page.get_by_test_id("declaration-link").click()
    assert "西部数字经济论坛" in page.get_by_test_id("declaration-statement").inner_text()
    assert "实现碳中和" in page.get_by_test_id("declaration-statement").inner_text()
    page.goto(f"{live_server.url}/cases/")
    assert page.get_by_test_id("gallery-case").count() == 1
    assert "西部数字经济论坛" in page.get_by_test_id("gallery-case").inner_text()
