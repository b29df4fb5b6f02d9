"""Bureau reviewer pages (市生态环境局): overview and coverage, emissions, offsets, deadlines, downloads."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from zhonghe.supervision import dashboards
from zhonghe.supervision.exports import table_workbook
from zhonghe.supervision.filters import Filters
from zhonghe.supervision.selectors import city_figures
from zhonghe.web.access import member_view

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@member_view
def events_overview(request):
    return render(request, "supervision/events.html", dashboards.overview_page(request.actor, request.GET))


@require_GET
@member_view
def emissions(request):
    return render(request, "supervision/emissions.html", dashboards.emissions_page(request.actor, request.GET))


@require_GET
@member_view
def offsets(request):
    return render(request, "supervision/offsets.html", dashboards.offsets_page(request.actor, request.GET))


@require_GET
@member_view
def deadlines(request):
    return render(request, "supervision/deadlines.html", dashboards.deadlines_page(request.actor, request.GET))


@require_GET
@member_view
def table_xlsx(request, key: str):
    table = dashboards.table_for_export(request.actor, key, request.GET)
    today = timezone.localdate().isoformat()
    content = table_workbook(table, Filters.from_query(request.GET), as_of=today)
    return attachment(content, XLSX, f"{key}-{today}.xlsx")


@require_GET
def public_figures(request):
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
    return render(request, "supervision/public_figures.html", {"figures": city_figures(year=year)})
