"""The application form's live verdict: the obligation rules on unsaved values, with date warnings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from zhonghe.events.models import Event

URL = "web:obligation_preview"


def form_data(**overrides) -> dict:
    start = date.today() + timedelta(days=30)
    data = {
        "name": "论坛",
        "kind": "forum",
        "meeting_class": "2",
        "expected_participants": "600",
        "area_m2": "",
        "venue_district": "500103",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=1)).isoformat(),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "obliged"),
    [
        ({}, "yes"),  # the organiser fixture is a municipal agency: a class-2 meeting of 600 is obliged
        ({"meeting_class": ""}, "no"),  # the class decides: left out, the same forum is voluntary
        ({"expected_participants": "150"}, "no"),
        ({"kind": "exhibition", "area_m2": "12000", "meeting_class": ""}, "yes"),
    ],
)
def test_the_verdict_follows_the_deciding_fields_and_saves_nothing(client, actors, overrides, obliged):
    client.force_login(actors.users.organiser)
    response = client.post(reverse(URL), form_data(**overrides))
    assert response.status_code == 200
    assert f'data-obliged="{obliged}"' in response.content.decode()
    assert not Event.objects.exists()


def test_dates_in_the_past_warn_and_an_end_before_the_start_is_an_error(client, actors):
    client.force_login(actors.users.organiser)
    past = (date.today() - timedelta(days=20)).isoformat()
    html = client.post(reverse(URL), form_data(start_date=past, end_date=past)).content.decode()
    assert 'data-testid="preview-warning"' in html and "preview-error" not in html
    html = client.post(reverse(URL), form_data(end_date=(date.today() + timedelta(days=1)).isoformat())).content
    assert b'data-testid="preview-error"' in html


def test_an_incomplete_form_asks_for_the_deciding_fields(client, actors):
    client.force_login(actors.users.organiser)
    html = client.post(reverse(URL), form_data(expected_participants="")).content.decode()
    assert 'data-obliged=""' in html


def test_only_organisers_may_ask(client, actors):
    client.force_login(actors.users.bureau)
    assert client.post(reverse(URL), form_data()).status_code == 403


def test_the_form_explains_what_decides_next_to_the_fields(client, actors):
    client.force_login(actors.users.organiser)
    html = client.get(reverse("web:event_new")).content.decode()
    assert html.count("决定义务") >= 3 and 'id="obligation-preview"' in html
    assert "党政机关" in html  # the organiser's own kind is named


@pytest.mark.parametrize(("lang", "text"), [("zh-hans", "一类、二类、三类会议"), ("en", "class 1–3 meetings")])
def test_the_event_page_names_the_deciding_rule_not_its_id(client, actors, lang, text):
    from zhonghe.events.services import event_submit
    from zhonghe.web.tests.conftest import make_event

    event = event_submit(actor=actors.organiser, code=make_event(actors.organiser).code)
    assert event.obligation_rule == "cq-agency-meeting"
    client.force_login(actors.users.organiser)
    client.post(reverse("set_language"), {"language": lang, "next": "/"})
    html = client.get(reverse("web:event_detail", kwargs={"code": event.code})).content
    assert text in html.decode() and b"cq-agency-meeting" not in html


def test_the_district_list_follows_the_page_language(client, actors):
    from zhonghe.data.districts import district_by_code

    yuzhong = district_by_code("500103")
    client.force_login(actors.users.organiser)
    assert f">{yuzhong.name_zh}</option>" in client.get(reverse("web:event_new")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("web:event_new")).content.decode()
    assert f">{yuzhong.name_en}</option>" in html and f">{yuzhong.name_zh}</option>" not in html
