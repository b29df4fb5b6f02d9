"""How many tonnes count against an event's offset. The one place issuance and evaluation ask."""

from __future__ import annotations

from zhonghe.events.models import Event


def offset_covered_t(event: Event) -> int:
    """Σ whole tonnes cancelled for `event`: credits retired in the platform's registry (Event.retired_t, kept
    by registry.services.credits_retire under the event lock).

    Extension point: confirmed external cancellations (CCER, allowances cancelled in other registries) are to be
    added here, so the evaluation gate and certificate issuance count them the same way.
    """
    return int(event.retired_t)
