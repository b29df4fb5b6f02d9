"""Plan pages: reduction scenarios and measures, copy the estimate into the actual data, plan vs actual
(organiser, signed in), and the published 计划书 as a public page and PDF (anyone; unpublished → 404)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhonghe.engine.scenarios import InvalidScenario
from zhonghe.lib.errors import ApplicationError, NotFound, ValidationFailed
from zhonghe.plans.services import plan_estimate_copy, reduction_measure_adopt, reduction_measure_remove
from zhonghe.web.access import member_view
from zhonghe.web.pages_plan import engine_parameter, plan_compare_page, plan_public_page, plan_tools_page
from zhonghe.web.plan_pdf import render_plan_pdf
from zhonghe.web.views_events import event_url

TOOLS = "web/plan/tools.html"


def _tools_url(code) -> str:
    return reverse("web:plan_tools", kwargs={"code": code})


def _tools_error(request, code, exc: ApplicationError):
    ctx = plan_tools_page(request.actor, code, request.GET)
    return render(request, TOOLS, {**ctx, "error": exc.message}, status=exc.http_status)


@require_GET
@member_view
def plan_tools(request, code):
    return render(request, TOOLS, plan_tools_page(request.actor, code, request.GET))


@require_POST
@member_view
def plan_measure_adopt(request, code):
    scenario = request.POST.get("scenario", "")
    try:
        parameter = engine_parameter(scenario, request.POST.get("parameter", ""))
        measure = reduction_measure_adopt(actor=request.actor, code=code, scenario=scenario, parameter=parameter)
    except InvalidScenario:
        return _tools_error(request, code, ValidationFailed(_("请输入数字")))
    except ApplicationError as exc:
        return _tools_error(request, code, exc)
    messages.success(request, _("已采纳减排措施：%(m)s") % {"m": measure.get_scenario_display()})
    return redirect(_tools_url(code) + "#measures")


@require_POST
@member_view
def plan_measure_remove(request, code, measure_code):
    try:
        reduction_measure_remove(actor=request.actor, code=code, measure_code=measure_code)
    except ApplicationError as exc:
        return _tools_error(request, code, exc)
    messages.success(request, _("已删除减排措施"))
    return redirect(_tools_url(code) + "#measures")


@require_POST
@member_view
def plan_copy_estimate(request, code):
    try:
        copies = plan_estimate_copy(actor=request.actor, code=code)
    except ApplicationError as exc:
        return _tools_error(request, code, exc)
    messages.success(request, _("已将%(n)s条预估活动数据复制到实际数据，请按实际情况修改") % {"n": len(copies)})
    return redirect(event_url(code, tab="after", anchor="activities"))


@require_GET
@member_view
def plan_compare(request, code):
    return render(request, "web/plan/compare.html", plan_compare_page(request.actor, code))


def _published(code) -> dict:
    try:
        return plan_public_page(code)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_GET
def plan_public(request, code):
    return render(request, "web/plan/public.html", _published(code))


@require_GET
def plan_public_pdf(request, code):
    response = HttpResponse(render_plan_pdf(_published(code)["published"]), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plan-{code}.pdf"'
    return response
