"""Market (project catalogue + order form) and orders (seller confirms or rejects)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhonghe.lib.errors import ApplicationError
from zhonghe.registry.services import order_confirm, order_create, order_reject
from zhonghe.web.access import apply_error, confirmed, member_view
from zhonghe.web.forms import RejectForm
from zhonghe.web.pages import market_page, orders_page


@require_http_methods(["GET", "POST"])
@member_view
def market(request):
    ctx = market_page(request.actor, data=request.POST if request.method == "POST" else None)
    form, status = ctx["order_form"], 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                order_create(actor=request.actor, **form.cleaned_data)
            except ApplicationError as exc:
                status = apply_error(form, exc)
            else:
                messages.success(request, _("已提交购买订单，等待出售方确认"))
                return redirect("web:orders")
    return render(request, "web/market.html", ctx, status=status)


@require_GET
@member_view
def orders(request):
    return render(request, "web/orders.html", {**orders_page(request.actor), "reject_form": RejectForm()})


@require_POST
@member_view
def order_decide(request, order_code, decision):
    if decision not in ("confirm", "reject"):
        raise Http404(decision)
    form = RejectForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    if decision == "confirm" and not confirmed(request):
        ctx = {**orders_page(request.actor), "reject_form": form, "error": _("请勾选确认后再提交")}
        return render(request, "web/orders.html", ctx, status=422)
    try:
        if decision == "confirm":
            order_confirm(actor=request.actor, order_code=order_code)
            messages.success(request, _("订单已确认，减排量已划转给买方"))
        else:
            order_reject(actor=request.actor, order_code=order_code, note=note)
            messages.info(request, _("订单已拒绝"))
    except ApplicationError as exc:
        ctx = {**orders_page(request.actor), "reject_form": form, "error": exc.message}
        return render(request, "web/orders.html", ctx, status=exc.http_status)
    return redirect("web:dashboard" if request.POST.get("next") == "dashboard" else "web:orders")
