from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Role
from zhonghe.events.models import ActivityRecord, Event, EventTransition
from zhonghe.lib.errors import NotFound
from zhonghe.lib.ids import parse_code


def event_list_for_actor(actor: Actor) -> QuerySet[Event]:
    """Reviewers (the bureau) see every event; everyone else only their organisation's."""
    qs = Event.objects.select_related("organization")
    return qs if actor.has(Role.REVIEWER) else qs.filter(organization=actor.organization)


def event_get(actor: Actor, code: object) -> Event:
    """The event if the actor may see it; otherwise NotFound (other organisations' objects are not revealed)."""
    event = event_list_for_actor(actor).filter(code=parse_code(code, "event")).first()
    if event is None:
        raise NotFound(_("活动不存在"))
    return event


def activities_for_event(event: Event, stage: str | None = None) -> QuerySet[ActivityRecord]:
    """The event's activity records (of one stage when given), oldest first."""
    qs = ActivityRecord.objects.filter(event=event).order_by("id")
    return qs.filter(stage=stage) if stage else qs


def transitions_for_event(event: Event) -> QuerySet[EventTransition]:
    """The event's status log, oldest first."""
    return EventTransition.objects.filter(event=event).select_related("actor").order_by("at", "id")
