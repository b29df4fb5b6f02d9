"""Evaluation pages: ask for evaluation (event page), the evaluation page and its forms, findings' buttons."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhonghe.evaluations import services
from zhonghe.evaluations.selectors import finding_get
from zhonghe.lib.errors import ApplicationError
from zhonghe.web.access import apply_error, member_view
from zhonghe.web.forms_evaluations import (
    AcceptForm,
    AssignForm,
    BureauReturnForm,
    CheckForm,
    ConclusionForm,
    FindingForm,
    RequestEvaluationForm,
    ResponseForm,
    ReturnForm,
)
from zhonghe.web.pages import event_detail_page
from zhonghe.web.pages_evaluations import evaluation_detail_page, verifier_organisations
from zhonghe.web.views_events import render_event

# action → (form class, service call with the cleaned data, success message)
ACTIONS = {
    "check": (
        CheckForm,
        lambda a, c, d: services.evaluation_check(
            actor=a, evaluation_code=c, item=d["item"], result=d["result"], note=d["note"]
        ),
        _("核查项已保存"),
    ),
    "finding": (
        FindingForm,
        lambda a, c, d: services.finding_add(
            actor=a, evaluation_code=c, severity=d["severity"], text=d["text"], item=d["item"]
        ),
        _("核查发现已记录"),
    ),
    "return": (
        ReturnForm,
        lambda a, c, d: services.evaluation_return(actor=a, evaluation_code=c, note=d["note"]),
        _("已退回组织方整改"),
    ),
    "conclude": (
        ConclusionForm,
        lambda a, c, d: services.evaluation_conclude(actor=a, evaluation_code=c, conclusion=d["conclusion"]),
        _("评价结论已签署，等待生态环境局受理"),
    ),
    "assign": (
        AssignForm,
        lambda a, c, d: services.evaluation_assign(actor=a, evaluation_code=c, verifier_uscc=d["verifier"]),
        _("已指派核查机构"),
    ),
    "accept": (
        AcceptForm,
        lambda a, c, d: services.evaluation_accept(actor=a, evaluation_code=c, note=d["note"]),
        _("评价已受理"),
    ),
    "reject": (
        BureauReturnForm,
        lambda a, c, d: services.evaluation_reject(actor=a, evaluation_code=c, reason=d["reason"]),
        _("评价已退回核查机构"),
    ),
}


def evaluation_url(code) -> str:
    return reverse("web:evaluation_detail", kwargs={"code": code})


def _render(request, code, *, status: int = 200, error: str = "", data=None, form_key: str = ""):
    ctx = evaluation_detail_page(request.actor, code, data=data, form_key=form_key)
    ctx["error"] = error
    return render(request, "web/evaluation_detail.html", ctx, status=status)


@require_GET
@member_view
def evaluation_detail(request, code):
    return _render(request, code)


@require_POST
@member_view
def evaluation_action(request, code, action):
    if action not in ACTIONS:
        raise Http404(action)
    form_class, call, message = ACTIONS[action]
    kwargs = {"verifiers": verifier_organisations()} if form_class is AssignForm else {}
    form = form_class(request.POST, **kwargs)
    if not form.is_valid():
        return _render(request, code, status=422, error=_("请检查填写的内容"), data=request.POST, form_key=action)
    try:
        call(request.actor, code, form.cleaned_data)
    except ApplicationError as exc:
        status = apply_error(None, exc)
        return _render(request, code, status=status, error=exc.message, data=request.POST, form_key=action)
    messages.success(request, message)
    return redirect(evaluation_url(code))


@require_POST
@member_view
def finding_action(request, code, action):
    finding = finding_get(request.actor, code)
    evaluation_code = finding.evaluation.code
    try:
        if action == "respond":
            form = ResponseForm(request.POST)
            response = form.data.get("response", "")
            services.finding_respond(actor=request.actor, finding_code=code, response=response)
        elif action == "close":
            services.finding_close(actor=request.actor, finding_code=code)
        else:
            raise Http404(action)
    except ApplicationError as exc:
        return _render(request, evaluation_code, status=apply_error(None, exc), error=exc.message)
    messages.success(request, _("核查发现已更新"))
    return redirect(evaluation_url(evaluation_code))


@require_POST
@member_view
def evaluation_request_view(request, code):
    """The organiser asks for evaluation from the event page (or resubmits after corrections)."""
    form = RequestEvaluationForm(request.POST, verifiers=verifier_organisations())
    if form.is_valid():
        try:
            evaluation = services.evaluation_request(
                actor=request.actor,
                event_code=code,
                mode=form.cleaned_data["mode"],
                verifier_uscc=form.cleaned_data["verifier"],
            )
        except ApplicationError as exc:
            return render_event(request, event_detail_page(request.actor, code), apply_error(form, exc), exc.message)
        messages.success(request, _("已申请碳中和评价"))
        return redirect(evaluation_url(evaluation.code))
    return render_event(request, event_detail_page(request.actor, code), 422, _("请选择评价方式"))
