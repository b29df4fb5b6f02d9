"""Chromium renders the bureau's dashboard charts (ECharts from the static file) and filters them."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(chromium_context):
    """A page that records script errors and console errors (the charts must draw without any)."""
    errors: list[str] = []
    pg = chromium_context.new_page()
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.errors = errors
    return pg


def test_bureau_dashboard_charts_render_and_filter(page, live_server, actors):
    from zhonghe.supervision.tests.dataset import build

    build(actors)
    page.goto(live_server.url + "/login/")
    page.get_by_test_id("login-username").fill("bureau")
    page.get_by_test_id("login-password").fill("pass-1234")
    page.get_by_test_id("login-submit").click()
    page.goto(live_server.url + "/supervision/")
    chart = page.locator('[data-zh-superv-chart="coverage_level"]')
    chart.locator("svg").first.wait_for(timeout=15000)
    assert chart.get_attribute("data-rendered") == "1"
    assert page.locator('[data-zh-superv-chart="coverage_department"] svg').count() >= 1
    assert "市商务委" in page.get_by_test_id("table-coverage_department").inner_text()
    assert page.get_by_test_id("count-all").inner_text() == "8"

    page.get_by_test_id("filter-level").select_option("district")
    page.get_by_test_id("filter-apply").click()
    page.wait_for_url("**level=district**")
    page.locator('[data-zh-superv-chart="coverage_level"] svg').first.wait_for(timeout=15000)
    assert page.get_by_test_id("count-all").inner_text() == "3"  # e6, e7, e8
    department_table = page.get_by_test_id("table-coverage_department").inner_text()
    assert "渝中区人民政府" in department_table and "市商务委" not in department_table
    assert page.get_by_test_id("supervision-row").count() == 3

    page.get_by_test_id("tab-offsets").click()
    page.wait_for_url("**/supervision/offsets/?**level=district**")
    assert page.get_by_test_id("filter-level").input_value() == "district"
    assert page.errors == []
