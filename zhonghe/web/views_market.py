"""Market (listings + catalogue + direct order form), seller listings, holdings, orders and their decisions."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhonghe.lib.errors import ApplicationError
from zhonghe.lib.numbers import format_number
from zhonghe.registry.listings import listing_create, listing_update, listing_withdraw, order_cancel
from zhonghe.registry.selectors import listing_for_seller
from zhonghe.registry.services import order_confirm, order_create, order_reject
from zhonghe.web.access import MARKET_ROLES, SELLER_ROLES, apply_error, confirmed, member_view, roles_required
from zhonghe.web.forms_market import DeclineForm, ListingTermsForm
from zhonghe.web.pages import market_page, orders_page
from zhonghe.web.pages_market import holdings_page, listings_block, seller_listings_page


def _render_market(request, ctx, status):
    return render(request, "web/market.html", {**ctx, **listings_block(request.actor)}, status=status)


@require_http_methods(["GET", "POST"])
@member_view
@roles_required(MARKET_ROLES)
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
    return _render_market(request, ctx, status)


@require_POST
@member_view
def listing_order(request, listing_code):
    block = listings_block(request.actor, bound_code=str(listing_code), data=request.POST)
    listing = next((x for x in block["listings"] if x.code == listing_code), None)
    if listing is None:
        raise Http404("listing")
    form, status = listing.order_form, 422
    if form.is_valid():
        try:
            order = order_create(actor=request.actor, listing_code=listing_code, **form.cleaned_data)
        except ApplicationError as exc:
            status = apply_error(form, exc)
        else:
            reserved = {"q": format_number(order.quantity_t, "credits"), "total": format_number(order.total_cny, "cny")}
            messages.success(request, _("已预留%(q)s吨，合计%(total)s元，等待出售方确认") % reserved)
            return redirect("web:orders")
    ctx = {**market_page(request.actor), **block}
    return render(request, "web/market.html", ctx, status=status)


@require_http_methods(["GET", "POST"])
@member_view
@roles_required(SELLER_ROLES)
def listings(request):
    ctx = seller_listings_page(request.actor, data=request.POST if request.method == "POST" else None)
    form, status = ctx["listing_form"], 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                listing_create(actor=request.actor, **form.cleaned_data)
            except ApplicationError as exc:
                status = apply_error(form, exc)
            else:
                messages.success(request, _("挂牌已发布"))
                return redirect("web:listings")
    return render(request, "web/listings.html", ctx, status=status)


@require_POST
@member_view
def listing_action(request, listing_code, action):
    if action not in ("update", "withdraw"):
        raise Http404(action)
    listing_for_seller(request.actor.organization, listing_code)  # another organisation's → 404
    form = ListingTermsForm(request.POST)
    try:
        if action == "withdraw":
            listing_withdraw(actor=request.actor, listing_code=listing_code)
            messages.info(request, _("挂牌已下架"))
        elif form.is_valid():
            listing_update(actor=request.actor, listing_code=listing_code, **form.cleaned_data)
            messages.success(request, _("挂牌已更新"))
        else:
            ctx = {**seller_listings_page(request.actor), "error": _("挂牌未更新，请检查填写的内容")}
            return render(request, "web/listings.html", ctx, status=422)
    except ApplicationError as exc:
        return render(
            request,
            "web/listings.html",
            {**seller_listings_page(request.actor), "error": exc.message},
            status=exc.http_status,
        )
    return redirect("web:listings")


@require_GET
@member_view
@roles_required(MARKET_ROLES)
def holdings(request):
    return render(request, "web/holdings.html", holdings_page(request.actor))


@require_GET
@member_view
@roles_required(MARKET_ROLES)
def orders(request):
    return render(request, "web/orders.html", {**orders_page(request.actor), "reject_form": DeclineForm()})


@require_POST
@member_view
def order_decide(request, order_code, decision):
    if decision not in ("confirm", "reject", "cancel"):
        raise Http404(decision)
    form = DeclineForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    if decision == "confirm" and not confirmed(request):
        ctx = {**orders_page(request.actor), "reject_form": form, "error": _("请勾选确认后再提交")}
        return render(request, "web/orders.html", ctx, status=422)
    try:
        if decision == "confirm":
            order_confirm(actor=request.actor, order_code=order_code)
            messages.success(request, _("订单已确认，减排量已划转给买方"))
        elif decision == "reject":
            order_reject(actor=request.actor, order_code=order_code, note=note)
            messages.info(request, _("订单已拒绝，预留的数量已释放"))
        else:
            order_cancel(actor=request.actor, order_code=order_code)
            messages.info(request, _("订单已取消，预留的数量已释放"))
    except ApplicationError as exc:
        ctx = {**orders_page(request.actor), "reject_form": form, "error": exc.message}
        return render(request, "web/orders.html", ctx, status=exc.http_status)
    return redirect("web:dashboard" if request.POST.get("next") == "dashboard" else "web:orders")
