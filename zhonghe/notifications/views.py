"""The user's notification list, mark one (and follow its link) or all as read."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from zhonghe.notifications.selectors import notification_page
from zhonghe.notifications.services import notification_mark_read, notifications_mark_all_read
from zhonghe.web.access import member_view


@require_GET
@member_view
def notification_list(request):
    ctx = notification_page(request.user, request.GET.get("page", 1))
    return render(request, "notifications/list.html", ctx)


@require_POST
@member_view
def notification_read(request, code):
    notification = notification_mark_read(actor=request.actor, code=code)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("web:notifications:list")


@require_POST
@member_view
def notification_read_all(request):
    notifications_mark_all_read(actor=request.actor)
    return redirect("web:notifications:list")
