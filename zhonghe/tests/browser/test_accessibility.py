"""axe-core (vendored, zhonghe/tests/browser/vendor) in Chromium on each role's main pages, plus 390 px layouts.

No serious or critical violation, no duplicate id, every form field labelled (axe's `label` rule), and the
public verification page and the organiser's event page fit a 390 px wide phone without horizontal scroll.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from zhonghe.tests.browser.chromium import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
DUPLICATE_IDS = """() => {
  const seen = {}, dup = [];
  for (const el of document.querySelectorAll('[id]')) { if (seen[el.id]) dup.push(el.id); seen[el.id] = true; }
  return dup;
}"""


def audit(page) -> list[str]:
    """Serious/critical axe violations and duplicate ids of the loaded page, as readable lines."""
    page.evaluate(AXE)  # through DevTools, so the page's CSP (no inline script) does not apply
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    problems = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    problems += [f"duplicate id {i}" for i in page.evaluate(DUPLICATE_IDS)]
    return problems


def demo_urls() -> dict[str, list[str]]:
    from zhonghe.certificates.models import Certificate
    from zhonghe.demo.seed import READY_EVENT
    from zhonghe.evaluations.models import Evaluation
    from zhonghe.events.models import Event

    ready = Event.objects.get(name=READY_EVENT)
    certificate = Certificate.objects.first()
    evaluation = Evaluation.objects.first()
    return {
        "": ["/", f"/verify/{certificate.number}/", "/figures/", "/login/"],
        "organiser": ["/dashboard/", f"/events/{ready.code}/", "/events/new/", "/market/", "/orders/"],
        "seller": ["/dashboard/", "/listings/", "/orders/"],
        "bureau": ["/dashboard/", "/supervision/", f"/events/{ready.code}/"],
        "verifier": ["/dashboard/", f"/evaluations/{evaluation.code}/"],
    }


@pytest.fixture
def demo(live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return demo_urls()


NAV_TEXTS = "() => [...document.querySelectorAll('#mainnav .nav-link')].map(a => a.textContent.trim())"
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_main_pages_of_each_role_pass_axe_in_both_languages(chromium_context, live_server, demo):
    problems = []
    for username, urls in demo.items():
        chromium_context.clear_cookies()  # each role signs in afresh, in Chinese first
        page = chromium_context.new_page()
        if username:
            sign_in(page, live_server, username, "zhonghe-demo")
        for lang in ("zh-hans", "en"):
            if lang == "en":
                page.get_by_test_id("lang-en").click()
                page.wait_for_selector('html[lang="en"]')
            for url in urls:
                response = page.goto(live_server.url + url)
                assert response.status == 200, (username, url)
                assert page.get_attribute("html", "lang") == lang, (username, url)
                if lang == "en":  # English pages stay English: the navigation at least, whatever the data
                    problems += [
                        f"{username} {url}: Chinese nav {t}" for t in page.evaluate(NAV_TEXTS) if CJK.search(t)
                    ]
                problems += [f"{username or 'visitor'} {url} [{lang}]: {p}" for p in audit(page)]
        page.close()
    assert problems == [], "\n".join(problems)


def test_the_organisers_event_page_leads_with_its_next_step(chromium_context, live_server, demo):
    page = chromium_context.new_page()
    sign_in(page, live_server, "organiser", "zhonghe-demo")
    page.goto(live_server.url + demo["organiser"][1])  # the ready event: plan published, data recorded
    main = page.locator('[data-next-step="main"]')
    assert main.inner_text().strip() == "冻结核算结果"
    main.click()
    page.wait_for_selector('[data-testid="next-step-main"]')
    assert page.get_by_test_id("next-step-main").inner_text().strip() != "冻结核算结果"
    assert "还需注销" in page.get_by_test_id("next-step-why").inner_text()
    assert page.locator('[data-next-step="main"]').count() == 0


def test_verification_page_and_event_page_fit_390_px(chromium_context, live_server, demo):
    page = chromium_context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    widths = {}
    page.goto(live_server.url + demo[""][1])
    widths["verify"] = page.evaluate("() => document.scrollingElement.scrollWidth")
    sign_in(page, live_server, "organiser", "zhonghe-demo")
    page.goto(live_server.url + demo["organiser"][1])
    widths["event"] = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert all(width <= 390 for width in widths.values()), widths
