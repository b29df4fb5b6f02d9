"""The application form's live verdict: the jurisdiction's obligation rules run on the form's current values.

Nothing is saved; the same rules decide on submission (events/services.py event_submit).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhonghe.accounts.actors import Actor
from zhonghe.events.obligation import EventFacts, check_obligation
from zhonghe.web.forms import EventForm

DECIDING = ("kind", "meeting_class", "expected_participants", "area_m2", "chengyu_meeting")


def _date(form, name: str):
    try:
        return form.fields[name].clean(form[name].data)
    except ValidationError:
        return None


def obligation_preview(actor: Actor, data) -> dict:
    """Verdict, reason and date warnings/errors for the form `data` (a QueryDict as posted)."""
    form = EventForm(data)
    form.is_valid()
    values = form.cleaned_data
    org = actor.organization
    ctx: dict = {"org": org, "warnings": [], "errors": [], "verdict": None}
    start, end = _date(form, "start_date"), _date(form, "end_date")  # clean() drops an end before the start
    today = timezone.localdate()
    if start and end and end < start:
        ctx["errors"].append(_("结束日期不能早于开始日期"))
    elif (start and start < today) or (end and end < today):
        ctx["warnings"].append(_("活动日期早于今天：请确认是补报已举办的活动"))
    if "kind" not in values or "expected_participants" not in values:
        return ctx
    result = check_obligation(
        EventFacts(
            kind=values["kind"],
            participants=values["expected_participants"],
            area_m2=values.get("area_m2"),
            meeting_class=values.get("meeting_class"),
            org_kind=org.kind,
            org_level=org.level,
            chengyu_meeting=bool(values.get("chengyu_meeting")),
        ),
        settings.DEFAULT_JURISDICTION,
    )
    english = (get_language() or "").startswith("en")
    ctx["verdict"] = result
    ctx["reason"] = result.reason_en if english else result.reason_zh
    return ctx
