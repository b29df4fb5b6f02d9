"""Display filters for the web templates: labels in the active language, units, status colours."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhonghe.data.districts import UnknownDistrict, district_by_code
from zhonghe.events.models import ActivityCategory, Status
from zhonghe.lib.numbers import format_number
from zhonghe.registry.models import CreditType, OrderStatus, Origin
from zhonghe.web import report_content
from zhonghe.web.labels import ACTION_LABELS, PART_LABELS, factor_label, method_text, unit_text

register = template.Library()

STATUS_COLOURS = {
    Status.DRAFT: "secondary",
    Status.SUBMITTED: "info",
    Status.PLANNED: "primary",
    Status.ACCOUNTED: "warning",
    Status.OFFSET: "success",
    Status.EVALUATING: "info",
    Status.EVALUATED: "primary",
    Status.ACCEPTED: "success",
    Status.CERTIFIED: "success",
    Status.WITHDRAWN: "dark",
    OrderStatus.PENDING: "warning",
    OrderStatus.CONFIRMED: "success",
    OrderStatus.REJECTED: "secondary",
}


@register.filter
def district_name(code: str) -> str:
    try:
        d = district_by_code(code)
    except UnknownDistrict:
        return code or ""
    return d.name_en if (get_language() or "").startswith("en") else d.name_zh


@register.filter
def rule_name(event) -> str:
    """The obligation rule that decided `event`, by its name in the active language (never its id)."""
    from zhonghe.events.obligation import rule_texts

    texts = rule_texts(event.jurisdiction, event.obligation_rule) if event.obligation_rule else None
    if texts is None:
        return ""
    return texts[1] if (get_language() or "").startswith("en") else texts[0]


@register.filter
def order_status_label(value: str) -> str:
    return OrderStatus(value).label if value in OrderStatus.values else value


@register.filter
def method_version_label(value: str) -> str:
    """`zhonghe-method/2` → 核算方法第2版 (the identifier stays in the report's data)."""
    name, _slash, number = (value or "").partition("/")
    if name != "zhonghe-method" or not number.isdigit():
        return value or ""
    return _("核算方法第%(n)s版") % {"n": number}


@register.filter
def origin_label(tag: str) -> str:
    return Origin(tag).label if tag in Origin.values else tag


@register.filter
def credit_type_label(value: str) -> str:
    return CreditType(value).label if value in CreditType.values else value


@register.filter
def category_label(value: str) -> str:
    return ActivityCategory(value).label if value in ActivityCategory.values else value


@register.filter(name="factor_label")
def factor_label_filter(key: str) -> str:
    return factor_label(key)


@register.filter
def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


@register.filter
def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, "secondary")


@register.filter
def per_head_kg(total_kg, participants) -> str:
    """kg CO2e per participant to 0.1 kg, half up, thousands grouped; "" without participants."""
    try:
        count = int(participants)
        return format_number(Decimal(str(total_kg)) / count, "kg")
    except (InvalidOperation, TypeError, ValueError, ZeroDivisionError):
        return ""


@register.filter
def kg_to_t(kg) -> str:
    """kg CO2e (Decimal or string) → tonnes to 0.001 t, half up, thousands grouped, as text."""
    try:
        return format_number(Decimal(str(kg)) / 1000, "t")
    except (InvalidOperation, TypeError, ValueError):
        return ""


@register.simple_tag
def roles_of(user) -> frozenset[str]:
    """The user's roles in their organisation (for the navbar); empty for anonymous users."""
    from zhonghe.accounts.selectors import actor_for_user

    if not getattr(user, "is_authenticated", False):
        return frozenset()
    actor = actor_for_user(user)
    return actor.roles if actor else frozenset()


@register.filter
def role_label(role: str) -> str:
    from zhonghe.accounts.models import Role

    return Role(role).label if role in Role.values else role


@register.filter
def absolute(value):
    return abs(value) if isinstance(value, int | Decimal) else value


@register.filter(name="unit_text")
def unit_text_filter(unit: str) -> str:
    return unit_text(unit)


@register.filter(name="method_text")
def method_text_filter(method: str) -> str:
    return method_text(method)


@register.filter
def line_source(line) -> str:
    """A footprint line's factor citation: Chinese on Chinese pages, English (when the release has it) else."""
    return report_content.source_text(line)


@register.filter
def line_description(line) -> str:
    """A footprint line's description; a flight's airports by their Chinese names on Chinese pages."""
    return report_content.description_text(line)


@register.filter
def line_method(line) -> str:
    """How a travel line's distance was found, in the page's language."""
    return report_content.distance_text(line)


@register.filter
def line_evidence(line) -> str:
    """A green-power line's certificate ids, in the page's language ("" for other lines)."""
    return report_content.evidence_text(line)


@register.filter
def phase_label(value: str) -> str:
    return report_content.phase_text(value or "holding")


@register.filter
def quality_label(value: str) -> str:
    return report_content.quality_text(value or "estimated")


@register.filter
def part_label(value: str) -> str:
    return str(PART_LABELS.get(value, value))
