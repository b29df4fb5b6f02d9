"""Every page renders in Chinese by default and in English after the language switch."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zhonghe.web.tests.conftest import login


def english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def test_home_in_both_languages(client, db):
    page = client.get(reverse("web:home")).content.decode()
    assert "让每一场大型会议和活动实现碳中和" in page and 'lang="zh-hans"' in page
    assert 'data-testid="lang-switcher"' in page
    page = english(client).get(reverse("web:home")).content.decode()
    assert "Carbon neutrality for every large meeting and event" in page and 'lang="en"' in page


def test_login_page_in_both_languages(client, db):
    assert "用户名" in client.get(reverse("web:login")).content.decode()
    assert "Username" in english(client).get(reverse("web:login")).content.decode()


def test_login_logs_in_and_redirects_to_dashboard(client, actors):
    response = client.post(reverse("web:login"), {"username": "organiser", "password": "pass-1234"})
    assert response.status_code == 302 and response["Location"] == reverse("web:dashboard")
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("web:home")


def test_login_with_wrong_password_shows_error(client, actors):
    response = client.post(reverse("web:login"), {"username": "organiser", "password": "wrong"})
    assert response.status_code == 200
    assert 'data-testid="login-error"' in response.content.decode()


@pytest.mark.parametrize(
    "username,url_name,zh,en",
    [
        ("organiser", "web:dashboard", "我的活动", "My events"),
        ("seller", "web:dashboard", "待确认的订单", "Orders awaiting confirmation"),
        ("bureau", "web:dashboard", "打开监管看板", "Open the supervision dashboard"),
        ("organiser", "web:event_new", "活动基本信息", "Event details"),
        ("organiser", "web:market", "项目目录", "Project catalogue"),
        ("organiser", "web:orders", "下单时间", "Ordered at"),
        ("bureau", "web:supervision:events", "监管看板：全市大型会议和活动", "Supervision: large meetings and events"),
    ],
)
def test_member_pages_in_both_languages(actors, projects, username, url_name, zh, en):
    client = login(username)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert zh in response.content.decode()
    response = english(client).get(reverse(url_name))
    assert response.status_code == 200
    assert en in response.content.decode()


def test_event_detail_in_both_languages(actors, event):
    client = login("organiser")
    url = reverse("web:event_detail", kwargs={"code": event.code})
    page = client.get(url).content.decode()
    assert "碳中和计划书" in page and "提交碳中和申请" in page and "草稿" in page
    page = english(client).get(url).content.decode()
    assert "Carbon neutrality plan" in page and "Submit application" in page and "Draft" in page


def test_obligation_reason_follows_the_language(actors, event):
    from zhonghe.events.services import event_submit

    event_submit(actor=actors.organiser, code=event.code)
    client = login("organiser")
    url = reverse("web:event_detail", kwargs={"code": event.code})

    def reason(page: str) -> str:
        return page.split('data-testid="obligation-reason">', 1)[1].split("</p>", 1)[0]

    assert "重庆市大型会议和活动碳中和实施方案" in reason(client.get(url).content.decode())
    english_reason = reason(english(client).get(url).content.decode())
    assert "Chongqing implementation plan for carbon neutrality" in english_reason
    assert "重庆" not in english_reason


def test_choice_labels_are_translated(actors, projects):
    client = english(login("organiser"))
    page = client.get(reverse("web:market")).content.decode()
    assert "Southeast Chongqing Wuling mountain towns" in page  # Origin label
    assert "Ecological carbon sink" in page  # ProductCategory label
    assert "Wulong District" in page  # district name in English
    page = client.get(reverse("web:event_new")).content.decode()
    assert "Exhibition" in page and "Class 1 meeting" in page


def test_market_lists_cqcer_first(actors, projects):
    page = login("organiser").get(reverse("web:market")).content.decode()
    assert page.index("CQCER-2025-0001") < page.index("CCER-2024-0002")
    assert "渝东南武陵山区城镇群" in page


def test_pages_stay_chinese_for_an_english_browser_until_asked(client, db):
    home = reverse("web:home")
    page = client.get(home, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in page
    page = client.get(home + "?lang=en", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert 'lang="en"' in page
    assert 'lang="zh-hans"' in Client().get(home + "?lang=xx").content.decode()
    page = english(client).get(home, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert 'lang="en"' in page  # the switcher's choice wins over the browser


def test_api_clients_may_ask_for_english_with_accept_language(client, actors):
    from zhonghe.interop.services import api_key_create

    _row, key = api_key_create(organization=actors.orgs.organiser, scopes=["read"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    url = "/api/v1/events/00000000-0000-4000-8000-000000000000"
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en", **auth)
    assert response.status_code == 404
    english_message = response.json()["error"]["message"]
    chinese_message = client.get(url, **auth).json()["error"]["message"]
    assert chinese_message == "活动不存在"
    assert english_message != chinese_message and english_message.isascii()
