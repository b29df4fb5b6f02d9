"""The dashboard: one page whose sections depend on the user's roles."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from zhonghe.web.access import member_view
from zhonghe.web.pages import dashboard_page


@require_GET
@member_view
def dashboard(request):
    return render(request, "web/dashboard.html", dashboard_page(request.actor))
