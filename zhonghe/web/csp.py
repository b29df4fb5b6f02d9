"""django-csp's middleware, minus its per-response cost when nothing varies per response.

CSPMiddleware builds the policy string from settings twice (policy and report-only) on every response.
Our policy is static (no nonces, no per-view decorators), so it is built once per settings value; any
response that does carry per-view CSP settings, or a request that used a nonce, goes the library's way.
"""

from __future__ import annotations

from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

_PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")


class StaticCSPMiddleware(CSPMiddleware):
    _built: tuple[str, str] | None = None

    def _header(self) -> str:
        config = settings.CONTENT_SECURITY_POLICY
        key = repr(config)
        if self._built is None or self._built[0] != key:
            self._built = (key, build_policy())
        return self._built[1]

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        config = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        if (
            getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _PER_RESPONSE)
        ):
            return super().process_response(request, response)
        excluded = request.path_info.startswith(tuple(config.get("EXCLUDE_URL_PREFIXES") or ()))
        if not excluded and HEADER not in response and not getattr(response, "_csp_exempt", False):
            response[HEADER] = self._header()
        return response
