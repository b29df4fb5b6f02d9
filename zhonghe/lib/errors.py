"""Application errors with stable codes; the API and UI render them, services raise them."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A refusal the user can act on. `code` is stable (scripts rely on it); `message` is for people."""

    code = "application_error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, fields: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}


class ValidationFailed(ApplicationError):
    code = "validation_failed"
    http_status = 422


class NotFound(ApplicationError):
    """Also used for other organisations' objects, so their existence is not revealed."""

    code = "not_found"
    http_status = 404


class PermissionDenied(ApplicationError):
    code = "permission_denied"
    http_status = 403


class Conflict(ApplicationError):
    """The object is not in a state that allows the action (illegal transition, duplicate, spent)."""

    code = "conflict"
    http_status = 409
