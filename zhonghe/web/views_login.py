"""The page django-axes shows instead of logging in while an account or an address is locked out."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def locked_out(request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None) -> HttpResponse:
    """The login page with a lockout message, 429 (AXES_LOCKOUT_CALLABLE)."""
    minutes = max(int(settings.AXES_COOLOFF_TIME.total_seconds() // 60), 1)
    message = _("登录失败次数过多，该账号或该地址已被暂时锁定。请在%(minutes)s分钟后再试。") % {"minutes": minutes}
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    context = {"lockout_message": message, "locked_username": username, "next": request.POST.get("next", "")}
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
