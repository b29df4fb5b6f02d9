"""axe-core (vendored, zhonghe/tests/browser/vendor) in Chromium on each role's main pages, plus 390 px layouts.

No serious or critical violation, no duplicate id, every form field labelled (axe's `label` rule), and the
public verification page and the organiser's event page fit a 390 px wide phone without horizontal scroll.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from zhonghe.tests.browser.conftest import sign_in

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


def test_main_pages_of_each_role_pass_axe(chromium_context, live_server, demo):
    problems = []
    for username, urls in demo.items():
        chromium_context.clear_cookies()  # each role signs in afresh
        page = chromium_context.new_page()
        if username:
            sign_in(page, live_server, username, "zhonghe-demo")
        for url in urls:
            response = page.goto(live_server.url + url)
            assert response.status == 200, (username, url)
            problems += [f"{username or 'visitor'} {url}: {p}" for p in audit(page)]
        page.close()
    assert problems == [], "\n".join(problems)


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
