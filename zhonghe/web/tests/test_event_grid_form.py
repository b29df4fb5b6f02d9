"""The event form's grid choice (省级 default / 全国 / 西南 regional): offered, stored, prefilled, checked."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from zhonghe.events.models import Event
from zhonghe.footprints.tests.builders import assert_nothing_written, db_snapshot
from zhonghe.web.tests.conftest import login
from zhonghe.web.tests.test_i18n_pages import english


@pytest.fixture(autouse=True)
def _language_restored():
    """English page requests activate English in this thread; later tests' service calls must not inherit it."""
    with translation.override(translation.get_language()):
        yield


DATA = {
    "name": "西南电网核算的论坛",
    "kind": "forum",
    "expected_participants": "300",
    "venue_district": "500103",
    "start_date": "2027-03-10",
    "end_date": "2027-03-11",
}


def _options(page: str) -> dict[str, bool]:
    select = re.search(r'<select name="grid".*?</select>', page, re.S)
    assert select, "no grid select on the form"
    return {
        value: "selected" in attrs
        for attrs, value in ((m.group(0), m.group(1)) for m in re.finditer(r'<option value="(\w+)"[^>]*>', select[0]))
    }


def test_the_form_offers_the_three_grids_provincial_first(actors):
    page = login("organiser").get(reverse("web:event_new")).content.decode()
    assert _options(page) == {"provincial": True, "national": False, "regional": False}
    assert "省级电网（举办地所在省份，缺省）" in page and "区域电网（西南）" in page
    page = english(login("organiser")).get(reverse("web:event_new")).content.decode()
    assert "Regional grid (South-West)" in page and "区域电网" not in page


def test_the_choice_is_stored_and_prefilled(actors):
    client = login("organiser")
    response = client.post(reverse("web:event_new"), {**DATA, "grid": "regional"})
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.grid == "regional"
    edit = client.get(reverse("web:event_edit", kwargs={"code": event.code})).content.decode()
    assert _options(edit) == {"provincial": False, "national": False, "regional": True}


def test_left_out_it_is_the_provincial_grid(actors):
    assert login("organiser").post(reverse("web:event_new"), DATA).status_code == 302
    assert Event.objects.get().grid == "provincial"


def test_an_unknown_grid_is_shown_on_the_field_and_nothing_written(actors):
    client = login("organiser")
    before = db_snapshot()
    response = client.post(reverse("web:event_new"), {**DATA, "grid": "hydro"})
    assert response.status_code == 422 and 'data-testid="error-grid"' in response.content.decode()
    assert_nothing_written(before)
