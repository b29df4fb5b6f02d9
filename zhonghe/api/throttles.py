"""Request limits of the API: per API key (ZHONGHE_API_RATE) and per client address on public
endpoints (ZHONGHE_PUBLIC_RATE). Over the limit → 429 in the error envelope with Retry-After.

Rates are read from settings on every request, so they can be changed (and tested) without a reload.
Counts live in the "throttle" cache: Redis when REDIS_URL is set (shared by every instance), otherwise
local memory of each process.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import Throttled
from ninja.throttling import SimpleRateThrottle

from zhonghe.api.errors import envelope


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind ZHONGHE_PROXY_COUNT proxies the address the nearest trusted proxy saw."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.NINJA_NUM_PROXIES or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if not proxies or not forwarded:
        return remote
    addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
    return addresses[-min(proxies, len(addresses))] if addresses else remote


class _SettingsRateThrottle(SimpleRateThrottle):
    setting = ""

    def __init__(self) -> None:
        super().__init__(rate=getattr(settings, self.setting))

    @property  # type: ignore[override]
    def cache(self):  # noqa: D401 - ninja reads it as an attribute
        return caches["throttle"]

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, self.setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class ApiKeyThrottle(_SettingsRateThrottle):
    """Authenticated calls, counted per API key (or per user for a session)."""

    scope = "api_key"
    setting = "ZHONGHE_API_RATE"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        actor = getattr(request, "auth", None)
        if actor is None:
            return None
        ident = getattr(actor, "api_key_id", "") or f"user-{getattr(getattr(actor, 'user', None), 'pk', '')}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PublicThrottle(_SettingsRateThrottle):
    """Unauthenticated calls (public certificates and keys), counted per client address."""

    scope = "public"
    setting = "ZHONGHE_PUBLIC_RATE"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if getattr(request, "auth", None) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


def api_throttles() -> list[SimpleRateThrottle]:
    return [ApiKeyThrottle(), PublicThrottle()]


def install_throttle_handler(api: NinjaAPI) -> None:
    """429 in the envelope; ninja adds the Retry-After header (whole seconds) to this response."""

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        retry_after_s = math.ceil(exc.wait) if exc.wait is not None else None
        body = envelope(
            "throttled",
            _("请求过于频繁，请稍后再试"),
            {"retry_after_s": retry_after_s} if retry_after_s is not None else {},
        )
        return api.create_response(request, body, status=429)
