"""One error envelope for the whole API: {"error": {"code", "message", "fields"}}.

Every refusal — a service's ApplicationError, ninja's request validation, a missing key, an unknown
URL — leaves the API in this shape, so scripts branch on `code` and never parse messages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from zhonghe.engine.errors import EngineError
from zhonghe.footprints.translate import engine_refusal
from zhonghe.lib.errors import ApplicationError

log = logging.getLogger(__name__)

# Where ninja says a value came from; the envelope names only the field itself.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file", "payload", "filters"}
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "validation_failed",
    429: "throttled",
}


def envelope(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _field_name(loc: Any) -> str:
    parts = [str(p) for p in loc] if isinstance(loc, list | tuple) else [str(loc)]
    while len(parts) > 1 and parts[0] in _SOURCES:
        parts.pop(0)
    return ".".join(parts) or "__all__"


def validation_fields(errors: list[dict[str, Any]]) -> dict[str, str]:
    """pydantic/ninja error list → {"field": "message"} (first message per field)."""
    fields: dict[str, str] = {}
    for err in errors:
        fields.setdefault(_field_name(err.get("loc", ())), str(err.get("msg", "invalid")))
    return fields


def install_handlers(api: NinjaAPI) -> None:
    """Register the envelope renderers on `api` (most specific class wins in ninja's lookup)."""

    def render(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(ApplicationError)
    def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        return render(request, exc.http_status, envelope(exc.code, exc.message, exc.fields))

    @api.exception_handler(EngineError)
    def engine_error(request: HttpRequest, exc: EngineError) -> HttpResponse:
        refusal = engine_refusal(exc)
        return render(request, refusal.http_status, envelope(refusal.code, refusal.message, refusal.fields))

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        body = envelope("validation_failed", _("请求数据有误"), validation_fields(exc.errors))
        return render(request, 422, body)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return render(request, 404, envelope("not_found", _("未找到")))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        body = envelope("unauthenticated", _("缺少或无效的API密钥"))
        response = render(request, 401, body)
        response["WWW-Authenticate"] = 'Bearer realm="zhonghe"'
        return response

    @api.exception_handler(AuthorizationError)
    def forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return render(request, 403, envelope("forbidden", str(exc)))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return render(request, exc.status_code, envelope(code, str(exc)))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("Unhandled API error on %s %s", request.method, request.path)
        return render(request, 500, envelope("server_error", _("服务器内部错误")))


@csrf_exempt  # any method: a POST to an unknown URL is a 404 envelope, not the HTML CSRF page
def not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown URLs under /api/ answer with the envelope too, not Django's HTML page."""
    return JsonResponse(envelope("not_found", _("未找到")), status=404)


def json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a ninja path view: its plain-text 405 becomes the envelope (the Allow header is kept)."""

    @wraps(view)  # keeps csrf_exempt and the rest of the view's attributes
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = JsonResponse(envelope("method_not_allowed", _("不支持该请求方法")), status=405)
            response["Allow"] = allowed
        return response

    return wrapper
