"""The accounting report names the sources that dominate the uncertainty (IPCC Approach 1 variance shares)."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.utils import translation
from openpyxl import load_workbook

from zhonghe.footprints.report import inventory_report
from zhonghe.footprints.services import activity_add, inventory_freeze
from zhonghe.footprints.tests.builders import AFTER_EVENT, planned_event
from zhonghe.web.tests.conftest import login
from zhonghe.web.tests.test_i18n_pages import english

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_restored():
    """English page requests activate English in this thread; later tests' service calls must not inherit it."""
    with translation.override(translation.get_language()):
        yield


# By hand, CQ-2025.2 (uncertainties: grid_p50 10 %, hsr 20 %; tiers: metered 2 %, estimated 30 %):
#   electricity 10,000 kWh × 0.5581 = 5,581 kg; var = (5581 × 0.10)² + (5581 × 0.02)² = 323,934.6344
#   HSR 100 × 300 km one way × 0.0204 = 612 kg;  var = (612 × 0.20)² + (612 × 0.30)² = 48,690.72
#   shares: 323,934.6344 / 372,625.3544 = 0.8693 → 86.9 %;  48,690.72 / 372,625.3544 = 0.1307 → 13.1 %
ROW_ZH = ("不确定性主要来源（占方差比例）", "电力 86.9 %、交通出行 13.1 %")
ROW_EN = ("Main sources of uncertainty (share of the variance)", "Electricity 86.9 %, Travel 13.1 %")


@pytest.fixture
def inventory(actors):
    organiser = actors.organiser
    event = planned_event(organiser)
    activity_add(
        actor=organiser, code=event.code, stage="after", category="electricity", factor_key="electricity.grid",
        quantity="10000", unit="kWh", quality="metered",
    )  # fmt: skip
    activity_add(
        actor=organiser, code=event.code, stage="after", category="travel", travel_mode="hsr", person_trips=100,
        distance_km="300", round_trip=False,
    )  # fmt: skip
    with time_machine.travel(AFTER_EVENT, tick=False):
        return inventory_freeze(actor=organiser, code=event.code)


def _method_rows(client, inventory, sheet_index=4):
    url = f"/events/{inventory.event.code}/inventories/{inventory.version}/report.xlsx"
    book = load_workbook(io.BytesIO(client.get(url).content))
    return [tuple(row[:2]) for row in book.worksheets[sheet_index].iter_rows(values_only=True)]


def test_the_shares_of_the_variance_by_hand(inventory):
    shares = dict(inventory_report(inventory).uncertainty_shares)
    assert {key: str(share) for key, share in shares.items()} == {"electricity": "0.8693", "travel": "0.1307"}


def test_the_report_names_the_dominant_sources_in_the_pages_language(inventory):
    assert ROW_ZH in _method_rows(login("organiser"), inventory)
    assert ROW_EN in _method_rows(english(login("organiser")), inventory)
