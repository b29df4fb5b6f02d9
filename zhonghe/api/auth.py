"""Who is calling: an organisation's API key (Bearer or X-API-Key), or a logged-in session.

A key acts for its organisation with every role the organisation's members hold (actor_for_org).
Scopes: safe methods (GET/HEAD/OPTIONS) need "read", everything else "write". A key that is present
but wrong is refused at once (401) instead of falling through to the session check.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyHeader, HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.selectors import actor_for_org, actor_for_user
from zhonghe.interop.services import api_key_authenticate
from zhonghe.lib.errors import PermissionDenied

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ALL_SCOPES = frozenset({"read", "write"})


def required_scope(request: HttpRequest) -> str:
    return "read" if request.method in SAFE_METHODS else "write"


def _check_scope(request: HttpRequest, scopes: frozenset[str]) -> None:
    needed = required_scope(request)
    if needed not in scopes:
        raise PermissionDenied(
            _("该API密钥没有“%(scope)s”权限") % {"scope": needed},
            code="insufficient_scope",
            fields={"scope": needed},
        )


def actor_for_token(request: HttpRequest, token: str | None) -> Actor:
    """The Actor behind `token`, or AuthenticationError; PermissionDenied when the scope is missing."""
    key = api_key_authenticate(token or "")
    if key is None:
        raise AuthenticationError()
    _check_scope(request, key.scope_set)
    actor = actor_for_org(key.organization, api_key_id=key.key_id)
    # A key acts on behalf of the member who created it; a key made without one (create_api_key) has no user.
    return dataclasses.replace(actor, user=key.created_by) if key.created_by_id else actor


class BearerKey(HttpBearer):
    """`Authorization: Bearer zh_<key_id>_<secret>`."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor:
        return actor_for_token(request, token)


class HeaderKey(APIKeyHeader):
    """`X-API-Key: zh_<key_id>_<secret>`."""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        return actor_for_token(request, key) if key else None


class SessionActor(APIKeyCookie):
    """A logged-in user of the web UI; unsafe methods need the CSRF token (X-CSRFToken header)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # Only a logged-in session is held to CSRF: an anonymous POST must end as 401, not 403.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request):
            raise HttpError(403, "CSRF check failed")
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        if key is None:
            return None
        return actor_for_user(request.user)


AUTH: list[Any] = [BearerKey(), HeaderKey(), SessionActor()]


def actor_of(request: HttpRequest) -> Actor:
    """The authenticated Actor (set by ninja as request.auth)."""
    actor = request.auth  # type: ignore[attr-defined]
    if not isinstance(actor, Actor):
        raise AuthenticationError()
    return actor
