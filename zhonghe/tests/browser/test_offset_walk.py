"""Chromium: the organiser retires part of the offset with a named beneficiary and an exact serial range, records
a CCER cancellation proof for the rest, the bureau confirms it, and the event is offset."""

import datetime as dt

import pytest

from zhonghe.events.models import Status
from zhonghe.footprints.tests.builders import accounted_event, buy, project_with_credits
from zhonghe.registry.models import ExternalCancellation, Retirement
from zhonghe.registry.tests.external_builders import proof_pdf
from zhonghe.tests.browser.chromium import chromium_context, page  # noqa: F401 - the Chromium fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username):  # noqa: F811
    page.goto(live_server.url + "/login/")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill("pass-1234")
    page.get_by_test_id("login-submit").click()


def test_retire_part_record_ccer_for_the_rest(page, live_server, actors):  # noqa: F811
    project = project_with_credits(actors, 100)
    buy(actors, project, 20)
    event, _ = accounted_event(actors.organiser)  # needs 13 t
    page.on("dialog", lambda dialog: dialog.accept())
    _login(page, live_server, "organiser")
    page.goto(f"{live_server.url}/events/{event.code}/")

    form = page.get_by_test_id("retire-form")
    form.locator("input[name=quantity_t]").fill("5")
    form.locator("[name=reason]").fill("用于本次活动碳中和")
    page.get_by_test_id("retire-more").locator("summary").click()
    form.locator("input[name=beneficiary_name]").fill("重庆市青年志愿者协会")
    form.locator("input[name=serial_first]").fill(f"{project.code}-000000006")
    form.locator("input[name=serial_last]").fill(f"{project.code}-000000010")
    page.get_by_test_id("retire-submit").click()
    assert page.get_by_test_id("retired-t").inner_text().strip() == "5"  # whole tonnes
    [retirement] = Retirement.objects.all()
    assert (retirement.block.serial_first, retirement.beneficiary_name) == (6, "重庆市青年志愿者协会")

    page.get_by_test_id("external-section").locator("summary").click()
    external = page.get_by_test_id("external-form")
    external.locator("select[name=registry]").select_option("ccer_national")
    external.locator("input[name=serial_first]").fill("880001")
    external.locator("input[name=serial_last]").fill("880008")
    external.locator("input[name=quantity_t]").fill("8")
    external.locator("input[name=cancelled_on]").fill((dt.date.today() - dt.timedelta(days=1)).isoformat())
    external.locator("input[name=proof_number]").fill("NCSC-ZX-2027-0001")
    external.locator("input[name=proof]").set_input_files(
        files=[{"name": "注销证明.pdf", "mimeType": "application/pdf", "buffer": proof_pdf("browser")}]
    )
    page.get_by_test_id("external-submit").click()
    assert page.get_by_test_id("external-row").get_attribute("data-status") == "pending"

    page.get_by_test_id("logout").click()
    _login(page, live_server, "bureau")
    page.goto(live_server.url + "/external-cancellations/")
    page.get_by_test_id("external-confirm").click()
    assert page.get_by_test_id("external-review").locator("[data-testid=external-row]").count() == 0

    event.refresh_from_db()
    assert event.status == Status.OFFSET
    assert ExternalCancellation.objects.get().status == "confirmed"
    page.goto(f"{live_server.url}/events/{event.code}/")
    assert page.get_by_test_id("retired-t").inner_text().strip() == "13"  # 5 retired + 8 external
