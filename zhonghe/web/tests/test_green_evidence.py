"""A green-power line shows its certificate ids (绿证, the evidence of its zero factor) on the page and in the
accounting report, in the page's language."""

from __future__ import annotations

import io
import subprocess

import pytest
import time_machine
from django.utils import translation
from openpyxl import load_workbook

from zhonghe.footprints.services import activity_add, inventory_freeze
from zhonghe.footprints.tests.builders import AFTER_EVENT, planned_event
from zhonghe.lib.tools import require_binary
from zhonghe.web.tests.conftest import login
from zhonghe.web.tests.test_i18n_pages import english

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_restored():
    """English page requests activate English in this thread; later tests' service calls must not inherit it."""
    with translation.override(translation.get_language()):
        yield


@pytest.fixture
def inventory(actors):
    event = planned_event(actors.organiser)
    activity_add(
        actor=actors.organiser, code=event.code, stage="after", category="electricity",
        factor_key="electricity.grid", quantity="8000", unit="度", green_share="0.5",
        green_certificates=["GEC-2027-0101", "GEC-2027-0102"],
    )  # fmt: skip
    with time_machine.travel(AFTER_EVENT, tick=False):
        return inventory_freeze(actor=actors.organiser, code=event.code)


def test_the_lines_show_the_certificates(inventory):
    green = [line for line in inventory.lines if line["part"] == "green"]
    assert [line["evidence"] for line in green] == [["GEC-2027-0101", "GEC-2027-0102"]]
    url = f"/events/{inventory.event.code}/"
    client = login("organiser")
    assert "绿证：GEC-2027-0101、GEC-2027-0102" in client.get(url).content.decode()
    assert "Green certificates: GEC-2027-0101, GEC-2027-0102" in english(client).get(url).content.decode()


def test_the_report_shows_the_certificates(inventory, tmp_path):
    base = f"/events/{inventory.event.code}/inventories/{inventory.version}/report"
    client = login("organiser")
    book = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").content))
    cells = [str(cell) for row in book["活动数据"].iter_rows(values_only=True) for cell in row if cell]
    assert any("绿证：GEC-2027-0101、GEC-2027-0102" in cell for cell in cells)
    path = tmp_path / "report.pdf"
    path.write_bytes(client.get(f"{base}.pdf").content)
    pdftotext = require_binary("pdftotext")
    text = subprocess.run([pdftotext, str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "GEC-2027-0101" in text.replace("\n", "")
