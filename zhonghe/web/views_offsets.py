"""Offsetting from the event page: order credits for the event, retire held credits against it."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhonghe.lib.errors import ApplicationError
from zhonghe.registry.services import credits_retire, order_create
from zhonghe.web.access import apply_error, confirmed, member_view
from zhonghe.web.pages import Bound, event_detail_page
from zhonghe.web.views_events import event_url, render_event


@require_POST
@member_view
def event_order(request, code):
    ctx = event_detail_page(request.actor, code, bound=Bound("order", request.POST))
    form, status = ctx["bound_form"], 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            order = order_create(
                actor=request.actor,
                project_code=data["project_code"],
                quantity_t=data["quantity_t"],
                event_code=code,
                idempotency_key=data["idempotency_key"],
            )
        except ApplicationError as exc:
            status = apply_error(form, exc)
        else:
            messages.success(request, _("已提交购买订单（%(q)s 吨），等待出售方确认") % {"q": order.quantity_t})
            return redirect(event_url(code, anchor="offset"))
    return render_event(request, ctx, status, _("订单未提交，请检查标出的字段"))


@require_POST
@member_view
def event_retire(request, code):
    ctx = event_detail_page(request.actor, code, bound=Bound("retire", request.POST))
    form, status = ctx["bound_form"], 422
    if not confirmed(request):
        form.is_valid()
        form.add_error(None, _("请勾选确认后再提交"))
    elif form.is_valid():
        try:
            retirements = credits_retire(actor=request.actor, event_code=code, **form.cleaned_data)
        except ApplicationError as exc:
            status = apply_error(form, exc)
        else:
            numbers = "、".join(r.number for r in retirements)
            messages.success(request, _("已注销减排量，注销编号：%(n)s") % {"n": numbers})
            return redirect(event_url(code, anchor="offset"))
    return render_event(request, ctx, status, _("注销未完成，请检查标出的字段"))
