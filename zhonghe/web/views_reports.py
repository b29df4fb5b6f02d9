"""Downloads of the accounting report (核算报告) of one inventory version: PDF and Excel.

Whoever may see the event (its organisation, the bureau) may download; anyone else gets 404.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from zhonghe.web.access import member_view
from zhonghe.web.pages import inventory_report_page
from zhonghe.web.report_pdf import render_report_pdf
from zhonghe.web.report_xlsx import render_report_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@member_view
def inventory_report_pdf(request, code, version):
    report = inventory_report_page(request.actor, code, version)
    return _download(render_report_pdf(report), "application/pdf", f"inventory-{code}-v{version}.pdf")


@require_GET
@member_view
def inventory_report_xlsx(request, code, version):
    report = inventory_report_page(request.actor, code, version)
    return _download(render_report_xlsx(report), XLSX, f"inventory-{code}-v{version}.xlsx")
