"""How many tonnes count against an event's offset: registry/offsets.py (the registry owns the numbers),
re-exported here for the evaluation, plan, certificate and page code that asks."""

from __future__ import annotations

from zhonghe.registry.offsets import offset_covered_t

__all__ = ["offset_covered_t"]
