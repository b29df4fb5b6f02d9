"""Public pages: home (what the platform does, certified events, verify box)."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

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
