"""Offsetting from the event page: order credits for the event (one by one or as the proposed basket), retire
held credits against it, record cancellations made in other registries; the bureau's review of those."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhonghe.lib.errors import ApplicationError, ValidationFailed
from zhonghe.lib.numbers import format_number
from zhonghe.registry.basket import basket_deviations, basket_for_event, basket_order
from zhonghe.registry.external import (
    external_cancellation_confirm,
    external_cancellation_record,
    external_cancellation_reject,
)
from zhonghe.registry.services import credits_retire, order_create
from zhonghe.web.access import apply_error, confirmed, member_view
from zhonghe.web.pages import Bound, event_detail_page
from zhonghe.web.pages_offsets import external_review_page
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
            ordered = {"q": format_number(order.quantity_t, "credits")}
            messages.success(request, _("已提交购买订单（%(q)s 吨），等待出售方确认") % ordered)
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


def _show_quantities(ctx: dict, edited: dict[str, int]) -> None:
    """Each input shows the edited quantity when re-rendering a POST, else the proposal's (0 if not proposed)."""
    proposed = {str(row["listing"].code): row for row in ctx["lines"]}
    for row in ctx["lines"]:
        row["edit_q"] = edited.get(str(row["listing"].code), row["quantity_t"])
    for listing in ctx["offers"]:
        listing.in_basket = str(listing.code) in proposed
        listing.edit_q = edited.get(str(listing.code), 0)


def _basket_lines(request) -> list[dict]:
    """The posted quantities, one `q-<listing code>` field per listing (listings sold out since are kept, so a
    resubmitted form replays its first result instead of asking for something else)."""
    lines = []
    for name, raw in request.POST.items():
        if not name.startswith("q-"):
            continue
        try:
            quantity = int(raw.strip() or "0")
        except ValueError:
            quantity = -1  # refused by the service with a clear message
        lines.append({"listing_code": name[2:], "quantity_t": quantity})
    return lines


@require_http_methods(["GET", "POST"])
@member_view
def event_basket(request, code):
    """The proposed basket (GET, `?buffer_pct=`); POST orders the (possibly edited) basket in one step. Leaving
    the plan's order shows the warnings and needs the acknowledgement box before anything is ordered."""
    buffer_pct = request.POST.get("buffer_pct") if request.method == "POST" else request.GET.get("buffer_pct", "0")
    try:
        ctx = basket_for_event(request.actor, code, buffer_pct=buffer_pct)
    except ValidationFailed as exc:
        ctx = {**basket_for_event(request.actor, code), "error": exc.message}
        return render(request, "web/basket.html", ctx, status=exc.http_status)
    ctx["token"] = request.POST.get("token") or uuid.uuid4().hex
    lines = _basket_lines(request) if request.method == "POST" else []
    _show_quantities(ctx, {x["listing_code"]: x["quantity_t"] for x in lines})
    if request.method == "GET":
        return render(request, "web/basket.html", ctx)
    try:
        ctx["warnings"] = basket_deviations(request.actor, lines)
        if ctx["warnings"] and not request.POST.get("acknowledge"):
            return render(request, "web/basket.html", ctx)
        orders = basket_order(actor=request.actor, event_code=code, lines=lines, idempotency_key=ctx["token"])
    except ApplicationError as exc:
        return render(request, "web/basket.html", {**ctx, "error": exc.message}, status=exc.http_status)
    total = sum((o.total_cny or 0 for o in orders), Decimal("0.00"))
    messages.success(
        request,
        _("已提交%(n)d笔订单，合计%(total)s元，等待出售方确认")
        % {"n": len(orders), "total": format_number(total, "cny")},
    )
    return redirect(event_url(code, anchor="offset"))


@require_POST
@member_view
def event_external(request, code):
    ctx = event_detail_page(request.actor, code, bound=Bound("external", request.POST, request.FILES))
    form, status = ctx["bound_form"], 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            record = external_cancellation_record(actor=request.actor, event_code=code, **data)
        except ApplicationError as exc:
            status = apply_error(form, exc)
        else:
            messages.success(request, _("已登记外部注销记录%(n)s，等待审核") % {"n": record.number})
            return redirect(event_url(code, anchor="offset"))
    return render_event(request, ctx, status, _("外部注销记录未提交，请检查标出的字段"))


@require_GET
@member_view
def external_review(request):
    return render(request, "web/external_review.html", external_review_page(request.actor))


@require_POST
@member_view
def external_decide(request, record_code, decision):
    """Confirm or reject (with the posted `note`) a pending record; back to where the button was."""
    try:
        if decision == "confirm":
            record = external_cancellation_confirm(actor=request.actor, code=record_code)
            messages.success(request, _("已确认外部注销记录%(n)s") % {"n": record.number})
        elif decision == "reject":
            record = external_cancellation_reject(actor=request.actor, code=record_code, note=request.POST.get("note"))
            messages.success(request, _("已驳回外部注销记录%(n)s") % {"n": record.number})
        else:
            raise Http404("decision")
    except ApplicationError as exc:
        ctx = {**external_review_page(request.actor), "error": exc.message}
        return render(request, "web/external_review.html", ctx, status=exc.http_status)
    return redirect("web:external_review")
