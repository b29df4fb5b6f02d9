"""Styled, translated error pages: 403, 404 and 500 in the site's layout, in the visitor's language.

`handler403/404/500` (zhonghe/urls.py) serve them with DEBUG off. `ErrorPageMiddleware` also serves them with
DEBUG on for a 404 or 403 raised by a view (an object the visitor may not see, a role that may not act), so a
person never meets Django's debug page for what is an ordinary answer; an unknown URL under DEBUG keeps the
technical page, which helps the developer. Under /api/ every answer stays the JSON envelope.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.log import log_response
from django.utils.translation import gettext as _

from zhonghe.api.errors import envelope
from zhonghe.lib.locale import API_PREFIX

logger = logging.getLogger(__name__)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _texts(status: int) -> dict[str, object]:
    titles = {
        403: (_("无权访问此页面"), _("当前账号的角色不能使用此页面或此操作。如需办理，请使用具有相应角色的账号登录。")),
        404: (_("页面不存在"), _("您访问的页面不存在，或当前账号无权查看。请检查链接，或从首页重新进入。")),
        500: (_("服务器内部错误"), _("处理请求时出现错误，已记录。请稍后再试。")),
    }
    title, text = titles[status]
    return {"error_status": status, "error_title": title, "error_text": text}


def _page(request: HttpRequest, status: int, context: dict[str, object]) -> HttpResponse:
    body = loader.render_to_string(f"{status}.html", {**_texts(status), **context}, request=request)
    return HttpResponse(body, status=status)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(envelope("permission_denied", _("没有权限")), status=403)
    reason = str(exception) if exception is not None and exception.args else ""
    return _page(request, 403, {"reason": reason})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(envelope("not_found", _("未找到")), status=404)
    return _page(request, 404, {})


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request's context: whatever failed (the database, a session) must not fail again."""
    if _is_api(request):
        return JsonResponse(envelope("server_error", _("服务器内部错误")), status=500)
    try:
        body = loader.render_to_string("500.html", _texts(500))
    except Exception:  # noqa: BLE001 - the last resort must answer
        logger.exception("the styled 500 page failed to render")
        body = "<!doctype html><title>500</title><h1>服务器内部错误 · Server error</h1>"
    return HttpResponse(body, status=500)


class ErrorPageMiddleware:
    """With DEBUG on too: a view's Http404 / PermissionDenied gets the styled page (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if _is_api(request):
            return None
        if isinstance(exception, Http404):
            response, what = page_not_found(request, exception), "Not Found"
        elif isinstance(exception, PermissionDenied):
            response, what = permission_denied(request, exception), "Forbidden"
        else:
            return None
        # Logged as Django logs the answers it renders itself (the django.request logger).
        log_response(f"{what}: %s", request.path, response=response, request=request, exception=exception)
        return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: an expired or missing form token is a styled 403 that says what to do."""
    if _is_api(request):
        return JsonResponse(envelope("permission_denied", _("请求缺少有效的 CSRF 令牌")), status=403)
    return _page(request, 403, {"reason": _("页面已过期或表单令牌无效，请刷新页面后重试。")})
