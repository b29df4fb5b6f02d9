"""Credit quantities are whole tonnes wherever they are shown ("还需注销 8 吨", never "8.000 吨"), while the
emission totals beside them keep 3 decimals (issue 11): the event page, the certificate verify page and the
certificate PDF."""

from __future__ import annotations

import re
import subprocess

import pytest
from django.urls import reverse

from zhonghe.api.tests.support import certified_event
from zhonghe.footprints.tests.builders import accounted_event, buy, project_with_credits
from zhonghe.lib.tools import require_binary
from zhonghe.registry.services import credits_retire
from zhonghe.web.templatetags.zhonghe_numbers import format_number
from zhonghe.web.tests.conftest import login

pytestmark = pytest.mark.django_db

DECIMAL_CREDITS = re.compile(r"\d\.\d{3} ?(t\b|吨)")  # "12.000 t", "12.000 吨": a credit shown with decimals


def test_the_event_page_shows_retired_required_and_missing_tonnes_without_decimals(actors):
    project = project_with_credits(actors, 100)
    buy(actors, project, 20)
    event, inventory = accounted_event(actors.organiser)  # 13 t to offset
    retired_t = 5
    credits_retire(
        actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=retired_t, reason="抵消"
    )
    required_t = inventory.required_offset_t
    assert required_t > retired_t and inventory.total_t_co2e != inventory.total_t_co2e.to_integral_value()
    page = login("organiser").get(reverse("web:event_detail", kwargs={"code": event.code})).content.decode()
    missing = (
        f"还需注销 {required_t - retired_t} 吨（应抵消 {required_t} 吨，已注销 {retired_t} 吨）"  # the text
    )
    assert missing in page
    assert f'data-testid="retired-t">{retired_t}</strong> t' in page
    assert f"<strong>{required_t}</strong> t" in page
    assert f'data-testid="inventory-required">{required_t}<' in page
    assert f'<td class="text-end">{retired_t}</td>' in page  # the retirement's row
    assert f'data-testid="inventory-total">{format_number(inventory.total_t_co2e, "t")}<' in page  # 3 decimals
    assert not DECIMAL_CREDITS.search(page), DECIMAL_CREDITS.search(page)


def test_the_verify_page_and_the_certificate_pdf_show_credits_in_whole_tonnes(actors, client, tmp_path):
    event, certificate = certified_event(actors)
    inventory = event.inventories.get()
    retired_t = sum(r.quantity_t for r in event.retirements.all())
    total = format_number(inventory.total_t_co2e, "t")
    assert "." in total and retired_t == inventory.required_offset_t  # 11.162 tCO₂e, 12 t retired

    page = client.get(reverse("certificates:verify", args=[certificate.number])).content.decode()
    assert f"{retired_t} t（应抵消 {inventory.required_offset_t} t）" in page
    assert f'<td class="text-end">{retired_t}</td>' in page  # the retirement's row
    assert f"{total} tCO₂e" in page
    assert not DECIMAL_CREDITS.search(page), DECIMAL_CREDITS.search(page)

    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(client.get(reverse("certificates:pdf", args=[certificate.number])).content)
    text = subprocess.run([require_binary("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True)
    flat = text.stdout.replace("\n", "")
    assert f"应抵消 {inventory.required_offset_t} t，已注销 {retired_t} t" in flat
    assert f"已通过注销 {retired_t} 吨碳信用" in flat  # the statement
    assert f"{total} tCO" in flat  # the emission total keeps 3 decimals
    assert f"{retired_t}.000" not in flat
