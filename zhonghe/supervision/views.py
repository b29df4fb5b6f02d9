"""Bureau reviewer pages (市生态环境局): overview of all events."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from zhonghe.supervision.selectors import event_overview_for_reviewer
from zhonghe.web.access import member_view


@require_GET
@member_view
def events_overview(request):
    ctx = event_overview_for_reviewer(request.actor, show=request.GET.get("show", "all"))
    return render(request, "supervision/events.html", ctx)
