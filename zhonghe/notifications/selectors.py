"""Notification reads, always the current user's own."""

from __future__ import annotations

from django.core.paginator import Paginator

from zhonghe.accounts.models import User
from zhonghe.notifications.models import Notification


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_page(user: User, page: int | str = 1, per_page: int = 30) -> dict:
    qs = Notification.objects.filter(recipient=user).select_related("event").order_by("-created_at", "-id")
    page_obj = Paginator(qs, per_page).get_page(page)
    return {"page": page_obj, "notifications": page_obj.object_list, "unread": unread_count(user)}
