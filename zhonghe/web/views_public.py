"""Public pages: home (what the platform does, certified events, verify box) and the gallery of typical cases."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhonghe.accounts.models import Role
from zhonghe.accounts.selectors import actor_for_user
from zhonghe.certificates.gallery import GalleryFilters, gallery_page
from zhonghe.certificates.services import case_feature
from zhonghe.lib.errors import Conflict
from zhonghe.web.access import member_view
from zhonghe.web.pages import home_page


@require_GET
def home(request):
    return render(request, "web/home.html", home_page())


@require_GET
def certificate_lookup(request):
    """The verify-by-number box: GET ?number=… → the public verification page of that number."""
    number = request.GET.get("number", "").strip().upper()
    if not number or "/" in number:
        return redirect("web:home")
    return redirect("certificates:verify", number=number)


@require_GET
def gallery(request):
    """典型案例: certified events, featured first; ?year= &kind= &district= &page=."""
    ctx = gallery_page(GalleryFilters.from_query(request.GET), request.GET.get("page", 1))
    actor = actor_for_user(request.user) if request.user.is_authenticated else None
    ctx["can_feature"] = actor is not None and actor.has(Role.REVIEWER)
    ctx["query"] = request.GET.copy()
    ctx["query"].pop("page", None)
    return render(request, "web/gallery.html", ctx)


@require_POST
@member_view
def gallery_feature(request, code):
    """The bureau features / unfeatures a case (POST featured=1|0); back to the gallery."""
    featured = request.POST.get("featured") == "1"
    try:
        case_feature(actor=request.actor, event_code=code, featured=featured)
    except Conflict as exc:  # not certified; NotFound → 404 and PermissionDenied → 403 (member_view)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已列为典型案例") if featured else _("已取消典型案例"))
    return redirect(reverse("web:gallery"))
