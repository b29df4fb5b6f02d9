"""Report downloads: the per-event 注销记录 (PDF, Excel) and the bureau's annual workbook and PDF."""

from __future__ import annotations

from django.views.decorators.http import require_GET

from zhonghe.accounts.models import Role
from zhonghe.supervision import dashboards, reports
from zhonghe.supervision.records import event_record
from zhonghe.supervision.views import XLSX, attachment
from zhonghe.web.access import member_view


@require_GET
@member_view
def cancellations_pdf(request, code):
    record = event_record(request.actor, code)
    return attachment(reports.record_pdf(record), "application/pdf", f"cancellations-{record.event.code}.pdf")


@require_GET
@member_view
def cancellations_xlsx(request, code):
    record = event_record(request.actor, code)
    return attachment(reports.record_xlsx(record), XLSX, f"cancellations-{record.event.code}.xlsx")


@require_GET
@member_view
def annual_xlsx(request, year: int):
    request.actor.require(Role.REVIEWER)
    tables, totals = dashboards.annual_report(request.actor, year)
    return attachment(reports.annual_xlsx(year, tables, totals), XLSX, f"supervision-{year}.xlsx")


@require_GET
@member_view
def annual_pdf(request, year: int):
    request.actor.require(Role.REVIEWER)
    tables, totals = dashboards.annual_report(request.actor, year)
    return attachment(reports.annual_pdf(year, tables, totals), "application/pdf", f"supervision-{year}.pdf")
