"""The one place where web views meet the domain's errors and the acting user.

`member_view` = login required + `request.actor` + NotFound → 404 + PermissionDenied → 403.
`apply_error` copies an ApplicationError onto a form and returns the HTTP status to render with.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from zhonghe.accounts.selectors import actor_for_user
from zhonghe.lib.errors import ApplicationError, NotFound, PermissionDenied


def member_view(view):
    """Wrap a view that acts for the logged-in user's organisation."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        actor = actor_for_user(request.user)
        if actor is None:
            raise DjangoPermissionDenied(_("当前账号未加入任何单位"))
        request.actor = actor
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc

    return wrapper


# Who may open which page (the navbar shows a link only to the roles listed here; the view refuses the others).
MARKET_ROLES = frozenset({"organiser", "seller", "admin"})
SELLER_ROLES = frozenset({"seller", "admin"})
ORGANISER_ROLES = frozenset({"organiser"})


def roles_required(allowed: frozenset[str]):
    """Under `member_view`: a role outside `allowed` gets a 403 instead of a page it cannot use."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not set(request.actor.roles) & allowed:
                raise DjangoPermissionDenied(_("当前账号的角色不能使用此页面"))
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


CONFIRM_FIELD = "confirm"


def confirmed(request) -> bool:
    """An irreversible step was confirmed: the form's "I confirm" box was ticked (confirm.js ticks it after asking)."""
    return request.POST.get(CONFIRM_FIELD) == "on"


def _field_message(form, name: str, detail: object, fallback: str) -> str:
    # Services put either a message or the offending raw value under `fields`; show only messages.
    submitted = form.data.get(form.add_prefix(name), "") if form.is_bound else ""
    if isinstance(detail, str) and detail and detail != submitted and detail != "required":
        return detail
    return fallback


def apply_error(form, exc: ApplicationError) -> int:
    """Show the service's refusal on `form` (message + field errors); return 400/409/422."""
    if form is not None:
        for name, detail in exc.fields.items():
            if name in form.fields and name not in form.errors:
                form.add_error(name, _field_message(form, name, detail, exc.message))
        form.add_error(None, exc.message)
    return exc.http_status if 400 <= exc.http_status < 500 else 400
