"""Forbidden, missing and failing pages are the site's own styled, translated pages — with DEBUG off and on —
and under /api/ the JSON envelope. A 500 page renders without touching the database."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.test import Client, RequestFactory
from django.urls import include, path, reverse

from zhonghe.web import error_pages
from zhonghe.web.tests.conftest import login

DEBUG_MARKERS = ("Traceback", "technical_404", "Using the URLconf", "DEBUG = True", "Request Method:")


def _boom(request):
    raise RuntimeError("a bug in a view")


# This module is also a URLconf (for the 500 test): the site's URLs plus one view that fails.
urlpatterns = [path("boom/", _boom), path("", include("zhonghe.urls"))]
handler500 = "zhonghe.web.error_pages.server_error"


def assert_styled(response, status: int, title: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert f'data-testid="error-page" data-status="{status}"' in html
    assert re.search(r'href="/static/vendor/bootstrap-[^"]+/bootstrap\.min[^"]*\.css"', html), "not the site layout"
    assert f'<h1 class="h4 mb-3">{title}</h1>' in html
    assert 'data-testid="error-home"' in html
    for marker in DEBUG_MARKERS:
        assert marker not in html
    return html


@pytest.fixture(params=[False, True], ids=["DEBUG off", "DEBUG on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def test_a_role_that_may_not_use_a_page_gets_the_styled_403(actors, debug):
    client = login("organiser")
    url = reverse("web:supervision:events")
    html = assert_styled(client.get(url), 403, "无权访问此页面")
    assert 'lang="zh-hans"' in html
    english = assert_styled(client.get(url + "?lang=en"), 403, "No access to this page")
    assert 'lang="en"' in english and "无权访问" not in english


def test_another_organisations_or_an_unknown_event_gets_the_styled_404(actors, debug):
    client = login("organiser")
    url = reverse("web:event_detail", kwargs={"code": uuid.uuid4()})
    assert_styled(client.get(url), 404, "页面不存在")
    assert_styled(client.get(url + "?lang=en"), 404, "Page not found")


def test_an_unknown_url_with_debug_off_gets_the_styled_404(db, settings):
    settings.DEBUG = False
    assert_styled(Client().get("/no-such-page/"), 404, "页面不存在")


def test_api_answers_keep_the_envelope(actors, debug):
    response = Client().get("/api/v2/nothing")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    request = RequestFactory().get("/api/v1/anything")
    for answer, status, code in [
        (error_pages.permission_denied(request), 403, "permission_denied"),
        (error_pages.page_not_found(request), 404, "not_found"),
        (error_pages.server_error(request), 500, "server_error"),
    ]:
        assert answer.status_code == status and answer["Content-Type"] == "application/json"
        assert json.loads(answer.content)["error"]["code"] == code


def test_a_failing_view_gets_the_styled_500_without_the_database(db, settings, django_assert_num_queries):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a-session-the-500-page-must-not-look-up"
    with django_assert_num_queries(0):
        response = client.get("/boom/")
    assert_styled(response, 500, "服务器内部错误")
    assert "a bug in a view" not in response.content.decode()


def test_a_missing_form_token_is_a_styled_403_that_says_what_to_do(db, debug):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("web:login"), {"username": "x", "password": "y"})
    html = assert_styled(response, 403, "无权访问此页面")
    assert "请刷新页面后重试" in html


def test_forbidden_and_missing_answers_are_still_logged(actors, debug, caplog):
    client = login("organiser")
    with caplog.at_level("WARNING", logger="django.request"):
        client.get(reverse("web:supervision:events"))
        client.get(reverse("web:event_detail", kwargs={"code": uuid.uuid4()}))
    messages = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert "Forbidden: /supervision/" in messages
    assert any(m.startswith("Not Found: /events/") for m in messages)
