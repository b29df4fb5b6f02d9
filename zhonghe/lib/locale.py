"""Chinese first: pages speak zh-Hans unless the visitor asks for another language.

Asking means the language switcher (its cookie) or ``?lang=en`` on a shared link. A browser's
Accept-Language alone does not switch pages; API clients, which have no switcher, may use it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

API_PREFIX = "/api/"


def requested_language(request: HttpRequest) -> str:
    supported = {code for code, _name in settings.LANGUAGES}
    for candidate in (request.GET.get("lang"), request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)):
        if candidate and candidate.lower() in supported:
            return candidate.lower()
    return settings.LANGUAGE_CODE


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith(API_PREFIX):
            super().process_request(request)
            return
        translation.activate(requested_language(request))
        request.LANGUAGE_CODE = translation.get_language()
