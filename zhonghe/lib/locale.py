"""Chinese first: pages speak zh-Hans unless the visitor asks for another language.

Asking means the language switcher (its cookie) or ``?lang=en`` on a shared link. A choice made with
``?lang=`` is remembered in the same cookie the switcher sets, so it stays for the following pages until the
visitor chooses again. A browser's Accept-Language alone does not switch pages; API clients, which have no
switcher, may use it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

API_PREFIX = "/api/"


def _supported(candidate: str | None) -> str | None:
    if candidate and candidate.lower() in {code for code, _name in settings.LANGUAGES}:
        return candidate.lower()
    return None


def requested_language(request: HttpRequest) -> str:
    for candidate in (request.GET.get("lang"), request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)):
        if _supported(candidate):
            return candidate.lower()
    return settings.LANGUAGE_CODE


def remember_language(response: HttpResponseBase, language: str) -> None:
    """Set the language cookie as Django's set_language view (the switcher) does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """LocaleMiddleware without its URL-prefix work: the site has no i18n_patterns (a language never comes
    from the path), so each request costs one activation and two headers."""

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith(API_PREFIX):
            language = translation.get_language_from_request(request, check_path=False)  # cookie, Accept-Language
        else:
            language = requested_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        response.headers.setdefault("Content-Language", translation.get_language())
        if request.path.startswith(API_PREFIX):
            patch_vary_headers(response, ("Accept-Language",))
            return response
        patch_vary_headers(response, ("Cookie",))  # a page's language comes from the cookie (or ?lang=)
        asked = _supported(request.GET.get("lang"))
        if asked and asked != request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
            remember_language(response, asked)
        return response
