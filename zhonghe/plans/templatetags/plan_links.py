"""`{% published_plan_url event as url %}`: the public 计划书 of an event, or "" when it is not published.

Lets an event's public pages (the certificate verification page) link the plan without their views changing.
"""

from __future__ import annotations

from django import template
from django.urls import reverse

from zhonghe.plans.selectors import plan_is_published

register = template.Library()


@register.simple_tag
def published_plan_url(event) -> str:
    if event is None or not plan_is_published(event):
        return ""
    return reverse("web:plan_public", kwargs={"code": event.code})
