"""The public face of a certificate without the database on every read.

A certificate is immutable once issued except for its state (code, status, revoked_at, superseded_by: revocation and
supersession), so what the public sees — its JSON (api/certificate_cache.py) and its verification page
(certificates/views.py) — is rendered once per state and kept in this process.

The state itself is remembered for `CERTIFICATE_STATE_TTL_S` (environment `ZHONGHE_CERTIFICATE_STATE_TTL_S`,
default 1 s; 0 asks the database on every read), so a hit costs no query. A save of a certificate in this
process forgets its state when the transaction commits, so a revocation shows at once here; another process
or instance sees it within the TTL.

Verification pages are kept only for anonymous visitors without flash messages (no session or messages
cookie: the page then depends on nothing but the certificate, the language and the path); their CSRF token
is a placeholder replaced per request, so every visitor gets a token of their own.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from zhonghe.certificates import selectors
from zhonghe.certificates.models import Certificate

MAX_ENTRIES = 2048
CSRF_PLACEHOLDER = "zhcsrf" + secrets.token_hex(16)  # alphanumeric: survives autoescaping unchanged

State = tuple[object, ...]
_lock = threading.Lock()
_states: dict[str, tuple[State | None, float]] = {}
_pages: OrderedDict[tuple[object, ...], tuple[bytes, str]] = OrderedDict()


def clear() -> None:
    with _lock:
        _states.clear()
        _pages.clear()


def forget(number: str) -> None:
    with _lock:
        _states.pop(number, None)


@receiver(post_save, sender=Certificate, dispatch_uid="certificates.public_cache.forget")
def _forget_on_save(sender: type, instance: Certificate, **kwargs: object) -> None:
    # Now, and again once committed: a read between the two may have remembered the state before the commit.
    forget(instance.number)
    transaction.on_commit(lambda: forget(instance.number))


def current_state(number: str) -> State | None:
    """(code, status, revoked_at, superseded_by) of the certificate, or None; see the module docstring."""
    ttl_s = settings.CERTIFICATE_STATE_TTL_S
    now = time.monotonic()
    if ttl_s > 0:
        with _lock:
            known = _states.get(number)
        if known is not None and known[1] > now:
            return known[0]
    state = selectors.certificate_state(number)
    if ttl_s > 0:
        with _lock:
            if len(_states) >= MAX_ENTRIES:
                _states.clear()
            _states[number] = (state, now + ttl_s)
    return state


def cacheable_page_request(request: HttpRequest) -> bool:
    """Whether the verification page for this request depends only on certificate, language and path."""
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in cookies
        and CookieStorage.cookie_name not in cookies
        and set(request.GET) <= {"lang"}
    )


def page_response(request: HttpRequest, key: tuple[object, ...], render: Callable[[str], bytes]) -> HttpResponse:
    """The page for `key` (rendered by `render(csrf_token)` on a miss), with this visitor's CSRF token."""
    key = (*key, request.LANGUAGE_CODE, request.get_full_path())
    with _lock:
        hit = _pages.get(key)
        if hit is not None:
            _pages.move_to_end(key)
    if hit is None:
        body = render(CSRF_PLACEHOLDER)
        hit = (body, 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"')
        with _lock:
            _pages[key] = hit
            while len(_pages) > MAX_ENTRIES:
                _pages.popitem(last=False)
    template, etag = hit
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(template.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode()))
    response["ETag"] = etag
    # The body carries this visitor's CSRF token: browsers may keep it and revalidate, shared caches may not.
    response["Cache-Control"] = "private, no-cache"
    return response
