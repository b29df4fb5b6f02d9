"""LazyMessageMiddleware: a message added by one request is shown by the next; a request that never
touches messages builds no storage and sets no cookie."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.functional import empty

from zhonghe.web.lazy_messages import LazyMessageMiddleware


def _through(view, cookies: dict[str, str] | None = None):
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies or {})
    SessionMiddleware(lambda r: None).process_request(request)
    return request, LazyMessageMiddleware(view)(request)


def test_a_message_is_stored_then_shown_once():
    def add(request):
        messages.success(request, "已保存")
        return HttpResponse("ok")

    _, stored = _through(add)
    cookie = stored.cookies[CookieStorage.cookie_name].value
    shown: list[str] = []

    def show(request):
        shown.extend(str(m) for m in messages.get_messages(request))
        return HttpResponse("ok")

    _, after = _through(show, {CookieStorage.cookie_name: cookie})
    assert shown == ["已保存"]
    assert after.cookies[CookieStorage.cookie_name].value == ""  # shown messages are cleared


def test_a_request_that_ignores_messages_builds_no_storage_and_sets_no_cookie():
    request, response = _through(lambda request: HttpResponse("ok"))
    assert request._messages._wrapped is empty
    assert CookieStorage.cookie_name not in response.cookies
