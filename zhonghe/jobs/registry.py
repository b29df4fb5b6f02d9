"""Job handlers by kind. A handler takes the claimed Job and returns a JSON-able result (or None);
raising marks the attempt failed (retried until max_attempts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[[Any], Any]
_HANDLERS: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of jobs of `kind` (one handler per kind)."""

    def register(func: Handler) -> Handler:
        existing = _HANDLERS.get(kind)
        if existing is not None and existing is not func:
            raise ValueError(f"job kind {kind!r} already has a handler: {existing.__module__}.{existing.__name__}")
        _HANDLERS[kind] = func
        return func

    return register


def handler_for(kind: str) -> Handler | None:
    return _HANDLERS.get(kind)


def registered_kinds() -> list[str]:
    return sorted(_HANDLERS)
