"""Errors raised by the accounting engine.

Every error carries a stable ``code`` so that the service and API layers can map it to the one error
envelope without parsing messages. They subclass ``ValueError`` because each one means "this input
(activity, unit, factor key or release file) is not acceptable", never a bug in the engine.
"""

from __future__ import annotations


class EngineError(ValueError):
    """Base class of engine errors; ``code`` is stable, ``message`` is for people."""

    code: str = "engine_error"

    def __init__(self, message: str, *, advice: str = "") -> None:
        super().__init__(message)
        self.message = message
        # A stable token naming what the person should do instead (the service layer words it in their
        # language), e.g. "charging_kwh_as_electricity"; "" when the message says it all.
        self.advice = advice


class UnknownFactor(EngineError):
    """The release has no factor (or distance rule) for the requested key."""

    code = "unknown_factor"


class UnknownRelease(UnknownFactor):
    """No shipped factor release carries the requested code."""

    code = "unknown_release"


class InvalidActivity(EngineError):
    """Activity data that cannot be accounted: negative, non-finite, absurd or inconsistent."""

    code = "invalid_activity"


class InvalidRelease(EngineError):
    """A factor release (usually a data file) is malformed; the message names the field."""

    code = "invalid_release"


class UnitMismatch(EngineError):
    """A quantity cannot be converted into the unit the factor is expressed per."""

    code = "unit_mismatch"
