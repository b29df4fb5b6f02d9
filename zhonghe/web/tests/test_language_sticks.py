"""A language chosen with ?lang= or the switcher stays for the following pages (the language cookie), through
logging in, until the visitor chooses again; the API keeps answering in the language of Accept-Language."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse

from zhonghe.web.tests.conftest import PASSWORD

COOKIE = settings.LANGUAGE_COOKIE_NAME


def lang_of(response) -> str:
    html = response.content.decode()
    return "en" if '<html lang="en">' in html else "zh-hans" if '<html lang="zh-hans">' in html else "?"


def test_lang_in_a_link_stays_for_the_next_pages_until_changed(db):
    client = Client()
    home, login = reverse("web:home"), reverse("web:login")
    first = client.get(home + "?lang=en")
    assert lang_of(first) == "en" and first.cookies[COOKIE].value == "en"
    assert lang_of(client.get(login)) == "en"
    assert lang_of(client.get(home)) == "en"
    back = client.get(home + "?lang=zh-hans")
    assert lang_of(back) == "zh-hans" and back.cookies[COOKIE].value == "zh-hans"
    assert lang_of(client.get(login)) == "zh-hans"


def test_the_choice_survives_logging_in(actors):
    client = Client()
    client.get(reverse("web:login") + "?lang=en")
    response = client.post(reverse("web:login"), {"username": "organiser", "password": PASSWORD}, follow=True)
    assert response.redirect_chain and lang_of(response) == "en"
    assert lang_of(client.get(reverse("web:dashboard"))) == "en"


def test_the_switcher_choice_stays_too(db):
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert lang_of(client.get(reverse("web:login"))) == "en"


def test_an_unknown_lang_changes_nothing_and_sets_no_cookie(db):
    client = Client()
    client.get("/?lang=en")
    response = client.get("/?lang=xx")
    assert lang_of(response) == "en" and COOKIE not in response.cookies
    unchanged = client.get("/?lang=en")
    assert COOKIE not in unchanged.cookies  # already remembered: not set again


def test_pages_vary_on_the_cookie(db):
    assert "Cookie" in Client().get("/")["Vary"]


def test_the_api_follows_accept_language_and_sets_no_language_cookie(db):
    client = Client()
    url = "/api/v1/certificates/ZH-1999-000404"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert english.status_code == chinese.status_code == 404
    assert english.json()["error"]["message"].isascii()
    assert chinese.json()["error"]["message"] == "证书不存在"
    assert COOKIE not in english.cookies
    assert "Accept-Language" in english["Vary"]


def test_no_url_carries_a_language_prefix():
    """ChineseFirstLocaleMiddleware skips LocaleMiddleware's URL-prefix work; i18n_patterns would need it back."""
    from django.conf.urls.i18n import is_language_prefix_patterns_used

    assert is_language_prefix_patterns_used(settings.ROOT_URLCONF) == (False, False)
