"""Plan pages: scenarios and measures, copy to actual, plan vs actual (organiser), the published 计划书 (public
page and PDF). Figures on the pages equal the stored estimate and the frozen inventory."""

from __future__ import annotations

import math
import re
import subprocess
from decimal import Decimal

import pytest
import time_machine

from zhonghe.events.models import ActivityRecord, Plan
from zhonghe.footprints.services import inventory_freeze
from zhonghe.footprints.tests.builders import AFTER_EVENT, BEFORE_EVENT
from zhonghe.lib.tools import require_binary
from zhonghe.plans.models import ReductionMeasure
from zhonghe.plans.scenarios import plan_scenario
from zhonghe.plans.services import plan_estimate_copy, plan_publish_checked, reduction_measure_adopt
from zhonghe.plans.templatetags.plan_links import published_plan_url
from zhonghe.plans.tests.builders import estimated_event, snapshot
from zhonghe.web.templatetags.zhonghe_numbers import format_number
from zhonghe.web.tests.conftest import login

pytestmark = pytest.mark.django_db
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _tools(event) -> str:
    return f"/events/{event.code}/plan/tools/"


@pytest.fixture
def estimated(actors):
    return estimated_event(actors.organiser)


@pytest.fixture
def published(actors, estimated):
    reduction_measure_adopt(actor=actors.organiser, code=estimated.code, scenario="vegetarian_meals", parameter="0.5")
    reduction_measure_adopt(actor=actors.organiser, code=estimated.code, scenario="fewer_prints", parameter="0.5")
    with time_machine.travel(BEFORE_EVENT, tick=False):
        plan_publish_checked(actor=actors.organiser, code=estimated.code)
    estimated.refresh_from_db()
    return estimated


def test_tools_page_shows_each_scenarios_new_estimate_and_saving(actors, estimated):
    response = login("organiser").get(_tools(estimated), {"rail_for_short_flights": "800", "green_power": "40"})
    assert response.status_code == 200
    html = response.content.decode()
    plan = Plan.objects.get(event=estimated)
    for key, parameter in [("rail_for_short_flights", Decimal(800)), ("green_power", Decimal("0.4"))]:
        result = plan_scenario(estimated, plan, key, parameter).result
        block = html[html.index(f'data-key="{key}"') :]
        assert f'data-testid="scenario-saving">{format_number(result.saving_kg_co2e, "kg")}<' in block[:4000]
        assert f'data-testid="scenario-pct">{result.saving_pct}<' in block[:4000]
        assert f"{format_number(result.new_kg_co2e, 'kg')} kgCO₂e" in block[:4000]
    assert format_number(plan.estimate_kg_co2e, "kg") in html


def test_tools_page_says_a_scenario_is_unavailable_without_its_factor(actors, settings):
    settings.DEFAULT_FACTOR_RELEASE = "CQ-2025"
    event = estimated_event(actors.organiser, activities=[
        dict(category="meals", factor_key="meals.standard", quantity="900"),
    ])  # fmt: skip
    html = login("organiser").get(_tools(event)).content.decode()
    block = html[html.index('data-key="vegetarian_meals"') :]
    assert 'data-testid="scenario-unavailable"' in block[:3000] and "meals.vegetarian" in block[:3000]
    assert 'data-testid="scenario-adopt"' not in block[: block.index("</form>", block.index("scenario-unavailable"))]


def test_other_organisations_get_404_and_anonymous_logs_in(actors, estimated, client):
    outsider = login("outsider")
    assert outsider.get(_tools(estimated)).status_code == 404
    assert outsider.get(f"/events/{estimated.code}/plan/compare/").status_code == 404
    before = snapshot()
    posted = outsider.post(f"/events/{estimated.code}/plan/measures/", {"scenario": "fewer_prints", "parameter": "50"})
    assert posted.status_code == 404 and snapshot() == before
    assert client.get(_tools(estimated)).status_code == 302


def test_adopting_from_the_page_stores_the_measure(actors, estimated):
    organiser = login("organiser")
    response = organiser.post(
        f"/events/{estimated.code}/plan/measures/", {"scenario": "fewer_prints", "parameter": "40"}
    )
    assert response.status_code == 302
    measure = ReductionMeasure.objects.get(plan__event=estimated)
    expected = plan_scenario(estimated, estimated.plan, "fewer_prints", Decimal("0.4")).result
    assert measure.saving_kg_co2e == expected.saving_kg_co2e
    page = organiser.get(_tools(estimated)).content.decode()
    assert f'data-testid="measure-saving">{format_number(measure.saving_kg_co2e, "kg")}<' in page
    # The scenario's input starts from the adopted share, not the page's default.
    assert 'name="fewer_prints" value="40"' in page
    before = snapshot()
    bad = organiser.post(f"/events/{estimated.code}/plan/measures/", {"scenario": "fewer_prints", "parameter": "abc"})
    assert bad.status_code == 422 and 'data-testid="page-error"' in bad.content.decode() and snapshot() == before
    over = organiser.post(f"/events/{estimated.code}/plan/measures/", {"scenario": "fewer_prints", "parameter": "150"})
    assert over.status_code == 422 and snapshot() == before


def test_copy_from_the_page_then_the_second_copy_is_refused(actors, published):
    organiser = login("organiser")
    response = organiser.post(f"/events/{published.code}/plan/copy-estimate/")
    assert response.status_code == 302
    assert published.activities.filter(stage="after").count() == published.activities.filter(stage="before").count()
    before = snapshot()
    again = organiser.post(f"/events/{published.code}/plan/copy-estimate/")
    assert again.status_code == 409 and "无需再次复制" in again.content.decode() and snapshot() == before


def test_plan_vs_actual_equals_the_inventories(actors, published):
    plan_estimate_copy(actor=actors.organiser, code=published.code)
    ActivityRecord.objects.filter(event=published, stage="after", category="meals").update(quantity=Decimal("1200"))
    with time_machine.travel(AFTER_EVENT, tick=False):
        inventory = inventory_freeze(actor=actors.organiser, code=published.code)
    organiser = login("organiser")
    html = organiser.get(f"/events/{published.code}/plan/compare/").content.decode()
    plan = Plan.objects.get(event=published)

    def sums(lines, field):
        totals: dict[str, Decimal] = {}
        for line in lines:
            totals[line[field]] = totals.get(line[field], Decimal(0)) + Decimal(line["kg_co2e"])
        return totals

    for field, testid in (("category", "compare-source"), ("phase", "compare-phase")):
        table = html[html.index(f'data-testid="{testid}"') :]
        table = table[: table.index("</table>")]
        planned, actual = sums(plan.estimate_lines, field), sums(inventory.lines, field)
        for key in set(planned) | set(actual):
            row = table[table.index(f'data-key="{key}"') :]
            p, a = planned.get(key, Decimal(0)), actual.get(key, Decimal(0))
            assert f'data-testid="plan-kg">{format_number(p, "kg")}<' in row[:600]
            assert f'data-testid="actual-kg">{format_number(a, "kg")}<' in row[:600]
            assert f'data-testid="diff-kg">{format_number(a - p, "kg")}<' in row[:600]
    meals = sums(plan.estimate_lines, "category")["meals"]
    pct = ((sums(inventory.lines, "category")["meals"] - meals) * 100 / meals).quantize(Decimal("0.1"))
    assert f"{pct} %" in html
    assert format_number(inventory.total_kg_co2e, "kg") in html and format_number(plan.estimate_kg_co2e, "kg") in html
    remaining = inventory.required_offset_t - published.retired_t
    assert remaining > 0
    assert f"还需注销 {format_number(remaining, 'credits')} 吨" in html
    assert f'href="/events/{published.code}/basket/"' in html


def test_event_page_links_the_plan_tools_and_the_public_plan(actors, published):
    html = login("organiser").get(f"/events/{published.code}/").content.decode()
    assert f'href="/events/{published.code}/plan/tools/"' in html
    assert f'href="/plans/{published.code}/"' in html


def test_unpublished_plan_is_not_public(actors, estimated, client):
    assert client.get(f"/plans/{estimated.code}/").status_code == 404
    assert client.get(f"/plans/{estimated.code}/plan.pdf").status_code == 404
    assert published_plan_url(estimated) == ""


def test_published_plan_page_shows_the_estimate_measures_and_no_internal_ids(actors, published, client):
    response = client.get(f"/plans/{published.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    plan = Plan.objects.get(event=published)
    assert f'data-testid="plan-estimate-kg">{format_number(plan.estimate_kg_co2e, "kg")}<' in html
    lines_table = html[html.index('data-testid="plan-lines"') :]
    for line in plan.estimate_lines:
        assert format_number(Decimal(line["kg_co2e"]), "kg") in lines_table
        assert line["factor_source"][:10] in html  # the Chinese citation
    for measure in ReductionMeasure.objects.filter(plan=plan):
        assert f'data-testid="plan-measure-saving">{format_number(measure.saving_kg_co2e, "kg")}<' in html
    assert published.organization.name in html and plan.boundary in html and plan.offset_plan in html
    assert UUID.findall(html) == [str(published.code)] * len(UUID.findall(html))  # only the event's public code
    refs = {line["ref"] for line in plan.estimate_lines}
    assert not any(ref in html for ref in refs)
    assert published_plan_url(published) == f"/plans/{published.code}/"
    english = client.get(f"/plans/{published.code}/", {"lang": "en"}).content.decode()
    assert "Carbon neutrality plan" in english


def _pdf_text(body: bytes, tmp_path) -> str:
    path = tmp_path / "plan.pdf"
    path.write_bytes(body)
    return subprocess.run(
        [require_binary("pdftotext"), "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_published_plan_pdf_shows_the_estimates_figures_with_an_embedded_font(actors, published, client, tmp_path):
    response = client.get(f"/plans/{published.code}/plan.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content, tmp_path)
    numbers = set(re.findall(r"(?<![\d,.])\d{1,3}(?:,\d{3})*\.\d+\b", text))  # grouped: 56,411.2
    plan = Plan.objects.get(event=published)
    assert "碳中和计划书" in text and published.name in text and published.organization.name in text
    assert plan.estimate_kg_co2e >= 1000 and "," in format_number(plan.estimate_kg_co2e, "kg")
    assert format_number(plan.estimate_kg_co2e, "kg") in numbers and str(plan.estimate_kg_co2e) not in text
    assert format_number(plan.estimate_kg_co2e / 1000, "t") in numbers
    totals: dict[str, Decimal] = {}
    for line in plan.estimate_lines:
        assert format_number(line["kg_co2e"], "kg") in numbers
        totals[line["category"]] = totals.get(line["category"], Decimal(0)) + Decimal(line["kg_co2e"])
    for kg in totals.values():
        assert format_number(kg, "kg") in numbers
    for measure in ReductionMeasure.objects.filter(plan=plan):
        assert format_number(measure.saving_kg_co2e, "kg") in numbers
    flat = text.replace("\n", "")
    required_t = math.ceil(plan.estimate_kg_co2e / 1000)  # whole tonnes, rounded up
    assert f"应抵消不少于 {format_number(required_t, 'credits')} 吨" in flat and f"{required_t}.000" not in flat
    for line in plan.estimate_lines:
        assert line["factor_source"][:8] in flat
    fonts = subprocess.run(
        [require_binary("pdffonts"), str(tmp_path / "plan.pdf")], capture_output=True, check=True, text=True
    ).stdout
    # ReportLab declares its page-initial Helvetica (no text uses it); every font the text uses is embedded.
    font_rows = [row for row in fonts.splitlines()[2:] if row.strip() and not row.startswith("Helvetica ")]
    assert any("WenQuanYiZenHei" in row for row in font_rows) and all(" yes " in row for row in font_rows), fonts
    english = _pdf_text(client.get(f"/plans/{published.code}/plan.pdf", {"lang": "en"}).content, tmp_path)
    assert "Carbon neutrality plan" in english


def test_the_certificate_verification_page_links_the_published_plan(actors, client):
    from zhonghe.certificates.services import certificate_issue
    from zhonghe.evaluations.tests.builders import accepted_evaluation
    from zhonghe.footprints.tests.builders import accounted_event, buy, project_with_credits
    from zhonghe.registry.services import credits_retire

    project = project_with_credits(actors, 100)
    event, inventory = accounted_event(actors.organiser)  # its plan was published on the way
    buy(actors, project, inventory.required_offset_t)
    credits_retire(actor=actors.organiser, event_code=event.code, project_code=project.code,
                   quantity_t=inventory.required_offset_t, reason="用于活动碳中和")  # fmt: skip
    accepted_evaluation(actors, event)
    certificate = certificate_issue(actor=actors.organiser, event_code=event.code)
    html = client.get(f"/verify/{certificate.number}/").content.decode()
    assert f'href="/plans/{event.code}/"' in html and 'data-testid="cert-plan-link"' in html
    assert client.get(f"/plans/{event.code}/").status_code == 200
