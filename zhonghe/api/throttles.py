"""Request limits of the API: per API key (ZHONGHE_API_RATE) and per client address on public
endpoints (ZHONGHE_PUBLIC_RATE). Over the limit → 429 in the error envelope with Retry-After.

Rates are read from settings on every request, so they can be changed (and tested) without a reload.
Counts live in the "throttle" cache: Redis when REDIS_URL is set (shared by every instance), otherwise
local memory of each process.
"""

from __future__ import annotations

import math
import threading
import time

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
    """A fixed-window counter ("N per period", counted in the current period) with O(1) work a request.

    ninja's own SimpleRateThrottle keeps a list of every request time in the window and pickles it on
    each call, which grows with the limit; a counter is one atomic increment, shared correctly between
    instances through Redis. An empty rate setting switches the limit off.
    """

    setting = ""

    def __init__(self) -> None:
        super().__init__(rate=getattr(settings, self.setting) or None)
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        self.num_requests, self.duration = self.parse_rate(getattr(settings, self.setting) or None)
        key = self.get_cache_key(request)
        if key is None or self.num_requests is None or not self.duration:
            return True
        now = time.time()
        window = int(now // self.duration)
        # Thread-local: one throttle object serves every thread of a gthread worker.
        self._local.wait_s = (window + 1) * self.duration - now
        counts = caches["throttle"]
        window_key = f"{key}:{window}"
        counts.add(window_key, 0, timeout=self.duration + 1)
        try:
            count = counts.incr(window_key)
        except ValueError:  # evicted between add and incr
            counts.set(window_key, 1, timeout=self.duration + 1)
            count = 1
        return count <= self.num_requests

    def wait(self) -> float | None:
        return max(getattr(self._local, "wait_s", 1.0), 1.0)


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
