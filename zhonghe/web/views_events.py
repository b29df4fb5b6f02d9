"""Event pages: create, detail, workflow buttons, plan text and estimate."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhonghe.certificates.services import certificate_correction_open, certificate_issue, certificate_revoke
from zhonghe.events.selectors import event_get
from zhonghe.events.services import event_create, event_submit, event_update, event_withdraw, plan_save
from zhonghe.footprints.services import inventory_freeze, plan_estimate
from zhonghe.lib.errors import ApplicationError, Conflict, ValidationFailed
from zhonghe.plans.services import plan_publish_checked
from zhonghe.web.access import ORGANISER_ROLES, apply_error, confirmed, member_view, roles_required
from zhonghe.web.forms import EventForm, NewEventForm
from zhonghe.web.pages import Bound, event_detail_page
from zhonghe.web.pages_obligation import obligation_preview

# action → (service call, success message)
ACTIONS = {
    "submit": (lambda a, c, key: event_submit(actor=a, code=c), lambda r: _("已提交碳中和申请")),
    "publish_plan": (lambda a, c, key: plan_publish_checked(actor=a, code=c), lambda r: _("计划书已发布")),
    "freeze_inventory": (
        lambda a, c, key: inventory_freeze(actor=a, code=c),
        lambda r: _("核算结果已冻结（第%(v)s版）") % {"v": r.version},
    ),
    "issue_certificate": (
        lambda a, c, key: certificate_issue(actor=a, event_code=c, idempotency_key=key),
        lambda r: _("证书已颁发：%(n)s") % {"n": r.number},
    ),
    "withdraw": (lambda a, c, key: event_withdraw(actor=a, code=c), lambda r: _("活动已撤回")),
}
# Steps that cannot be undone: the form must carry the ticked confirmation (static/web/confirm.js asks first).
IRREVERSIBLE = frozenset({"issue_certificate", "withdraw"})


def event_url(code, *, tab: str = "", anchor: str = "") -> str:
    url = reverse("web:event_detail", kwargs={"code": code})
    return url + (f"?tab={tab}" if tab else "") + (f"#{anchor}" if anchor else "")


def render_event(request, ctx: dict, status: int = 200, error: str = ""):
    ctx["error"] = error
    return render(request, "web/event_detail.html", ctx, status=status)


@require_http_methods(["GET", "POST"])
@member_view
@roles_required(ORGANISER_ROLES)
def event_new(request):
    form = NewEventForm(request.POST or None)
    status = 422 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            event = event_create(actor=request.actor, **form.cleaned_data)
        except ApplicationError as exc:
            status = apply_error(form, exc)
        else:
            messages.success(request, _("活动已创建，请核对信息后提交碳中和申请"))
            return redirect("web:event_detail", code=event.code)
    return render(request, "web/event_new.html", {"form": form}, status=status)


@require_POST
@member_view
@roles_required(ORGANISER_ROLES)
def obligation_preview_view(request):
    """The form's live verdict (htmx): the obligation rules on the values being typed, nothing saved."""
    return render(request, "web/_obligation_preview.html", obligation_preview(request.actor, request.POST))


@require_http_methods(["GET", "POST"])
@member_view
def event_edit(request, code):
    """Correct a draft before submitting it (the same form as on creation, filled in)."""
    event = event_get(request.actor, code)
    if event.organization_id != request.actor.organization.id:  # reviewers may look, not edit
        raise Http404(code)
    form = EventForm(request.POST or None, initial=event_initial(event), jurisdiction=event.jurisdiction)
    status = 422 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            event_update(actor=request.actor, code=code, **form.cleaned_data)
        except ApplicationError as exc:
            status = apply_error(form, exc)
        else:
            messages.success(request, _("活动信息已更新"))
            return redirect("web:event_detail", code=code)
    return render(request, "web/event_new.html", {"form": form, "event": event}, status=status)


def event_initial(event) -> dict:
    return {name: getattr(event, name) for name in EventForm.base_fields}


@require_GET
@member_view
def event_detail(request, code):
    return render_event(request, event_detail_page(request.actor, code, tab=request.GET.get("tab")))


@require_POST
@member_view
def event_action(request, code, action):
    if action not in ACTIONS:
        raise Http404(action)
    call, message = ACTIONS[action]
    if action in IRREVERSIBLE and not confirmed(request):
        return render_event(request, event_detail_page(request.actor, code), 422, _("请勾选确认后再提交"))
    try:
        result = call(request.actor, code, request.POST.get("idempotency_key", ""))
    except ApplicationError as exc:
        return render_event(request, event_detail_page(request.actor, code), exc.http_status, exc.message)
    messages.success(request, message(result))
    return redirect("web:event_detail", code=code)


@require_POST
@member_view
def plan_edit(request, code):
    ctx = event_detail_page(request.actor, code, bound=Bound("plan", request.POST))
    form, status = ctx["bound_form"], 422
    if form.is_valid():
        try:
            plan_save(actor=request.actor, code=code, **form.cleaned_data)
        except ApplicationError as exc:
            status = apply_error(form, exc)
        else:
            messages.success(request, _("计划书已保存"))
            return redirect(event_url(code, anchor="plan"))
    return render_event(request, ctx, status, _("计划书未保存，请检查标出的字段"))


@require_POST
@member_view
def plan_estimate_view(request, code):
    try:
        plan = plan_estimate(actor=request.actor, code=code)
    except ApplicationError as exc:
        return render_event(request, event_detail_page(request.actor, code), exc.http_status, exc.message)
    messages.success(request, _("排放预估已更新：%(kg)s kgCO₂e") % {"kg": plan.estimate_kg_co2e})
    return redirect(event_url(code, anchor="plan"))


@require_POST
@member_view
def event_certificate_revoke(request, code):
    """The bureau revokes the event's valid certificate; the page shows why a refusal happened."""
    ctx = event_detail_page(request.actor, code, bound=Bound("revoke", request.POST))
    form, status = ctx["bound_form"], 422
    certificate = ctx["certificate"]
    if certificate is None:
        raise Http404(code)
    if not confirmed(request):
        form.is_valid()
        form.add_error(None, _("请勾选确认后再提交"))
    elif form.is_valid():
        try:
            certificate_revoke(actor=request.actor, number=certificate.number, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            status = apply_error(form, exc)
        else:
            messages.success(request, _("证书已撤销：%(n)s") % {"n": certificate.number})
            return redirect(event_url(code, anchor="certificate"))
    return render_event(request, ctx, status, _("证书未撤销，请检查标出的字段"))


@require_POST
@member_view
def event_certificate_correction(request, code):
    """The organiser reopens a certified event's accounting to correct it (the certificate stays valid)."""
    try:
        certificate_correction_open(actor=request.actor, event_code=code, reason=request.POST.get("reason", ""))
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("核算已重新开放，请更正活动数据并重新冻结"))
    return redirect(event_url(code, anchor="certificate"))
