"""GET /certificates/{number} without re-rendering: a certificate is immutable once issued except for its
status (revocation, supersession), so its JSON is rendered once per (number, code, status, revoked_at) and
kept in memory.

The current state comes from certificates/public_cache.py: remembered for a second (no query on a hit),
forgotten at once when this process saves the certificate; other processes see a revocation within
`CERTIFICATE_STATE_TTL_S`. The body carries a strong ETag; `If-None-Match` gets 304.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.renderers import JSONRenderer

from zhonghe.certificates import public_cache
from zhonghe.certificates import selectors as certificate_selectors
from zhonghe.lib.errors import NotFound

MAX_ENTRIES = 2048
_lock = threading.Lock()
_rendered: OrderedDict[tuple[object, ...], tuple[bytes, str]] = OrderedDict()
_renderer = JSONRenderer()


def clear() -> None:
    with _lock:
        _rendered.clear()
    public_cache.clear()


def _render(request: HttpRequest, number: str, schema: type) -> tuple[bytes, str]:
    certificate = certificate_selectors.certificate_by_number(number)
    if certificate is None:
        raise NotFound(_("证书不存在"))
    data = schema.from_orm(certificate).model_dump(by_alias=True)
    body = _renderer.render(request, data, response_status=200).encode("utf-8")
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def certificate_response(request: HttpRequest, number: str, schema: type) -> HttpResponse:
    """The certificate's JSON (as `schema` renders it), from memory when its state has not changed."""
    state = public_cache.current_state(number)
    if state is None:
        raise NotFound(_("证书不存在"))
    key = (number, *state, settings.PUBLIC_BASE_URL)
    with _lock:
        hit = _rendered.get(key)
        if hit is not None:
            _rendered.move_to_end(key)
    if hit is None:
        hit = _render(request, number, schema)
        with _lock:
            _rendered[key] = hit
            while len(_rendered) > MAX_ENTRIES:
                _rendered.popitem(last=False)
    body, etag = hit
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    # Caches may keep it but must ask again (the status can change): a revalidation costs one 304.
    response["Cache-Control"] = "public, no-cache"
    return response
