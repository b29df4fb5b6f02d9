"""How many tonnes count against an event's offset. The one place issuance and evaluation ask.

It lives in the registry, which owns every number it adds up (Event.retired_t kept by credits_retire,
invalidations, external cancellations); evaluations.offsets re-exports it for the layers above.
"""

from __future__ import annotations

from zhonghe.events.models import Event
from zhonghe.registry.claims import event_adjustments_t


def offset_covered_t(event: Event) -> int:
    """Σ whole tonnes cancelled for `event`: credits retired in the platform's registry (Event.retired_t, kept
    by registry.services.credits_retire under the event lock), less the retired tonnes the registry operator has
    since invalidated, plus confirmed external cancellations (CCER, allowances cancelled in other registries).
    """
    external_t, invalidated_t = event_adjustments_t(event)
    return int(event.retired_t) - invalidated_t + external_t
