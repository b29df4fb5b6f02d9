"""Bureau (reviewer) read models: every event with its obligation, status, deadline and overdue flag."""

from __future__ import annotations

from django.utils import timezone

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Role
from zhonghe.events.models import Status
from zhonghe.events.selectors import event_list_for_actor
from zhonghe.web.pages import with_days_left

FILTERS = {
    "all": lambda e: True,
    "obliged": lambda e: bool(e.obliged),
    "overdue": lambda e: e.overdue,
    "certified": lambda e: e.status == Status.CERTIFIED,
}


def event_overview_for_reviewer(actor: Actor, *, show: str = "all", today=None) -> dict:
    """All submitted events of every organisation (drafts are not applications yet), newest first,
    each with `days_left` and `overdue`, plus the count per filter. Raises PermissionDenied unless
    the actor is a reviewer (or admin)."""
    actor.require(Role.REVIEWER)
    today = today or timezone.localdate()
    events = with_days_left(event_list_for_actor(actor).exclude(status=Status.DRAFT), today)
    show = show if show in FILTERS else "all"
    return {
        "events": [e for e in events if FILTERS[show](e)],
        "counts": {name: sum(1 for e in events if keep(e)) for name, keep in FILTERS.items()},
        "show": show,
        "today": today,
    }
