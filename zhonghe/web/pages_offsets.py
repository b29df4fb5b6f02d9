"""What the event page shows of external cancellations and invalidations, and the bureau's review queue."""

from __future__ import annotations

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Role
from zhonghe.events.models import Event, Status
from zhonghe.registry.selectors import external_for_event, external_for_review, invalidation_impacts_for_event
from zhonghe.web.forms_market import ExternalCancellationForm, ReviewNoteForm


def external_block(actor: Actor, event: Event, bound, *, can_edit: bool) -> dict:
    """The event's external cancellations (with the organiser's form while the inventory is frozen and not yet
    offset), and the retirements an invalidation hit (the event needs replacement credits)."""
    return {
        "externals": list(external_for_event(event)),
        "can_record_external": can_edit and event.status == Status.ACCOUNTED,
        "can_review_external": actor.has(Role.REVIEWER),
        "external_form": bound.make("external", ExternalCancellationForm, auto_id="id_external_%s"),
        "impacts": list(invalidation_impacts_for_event(event)),
    }


def external_review_page(actor: Actor, status: str = "pending") -> dict:
    return {"records": list(external_for_review(actor, status)), "status": status, "note_form": ReviewNoteForm()}
