"""What the audit keeps of an object: a JSON-safe snapshot of its own columns, its digest, and a small diff.

Secrets (password hashes, key hashes) never enter a snapshot. Personal data (names of people, e-mail
addresses) and free text (TextField, JSONField: notes, plans, attendee lists) enter the digest but appear in
`changes` only as their own SHA-256 for text or as "[personal]" — the log proves *that* they changed and what
they were, given the value, without storing them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from zhonghe.audit.digest import digest_of

SECRET_FIELDS = frozenset({"password", "key_hash", "secret", "secret_hash", "token_hash"})
PERSONAL_FIELDS = frozenset(
    {
        "username",
        "display_name",
        "first_name",
        "last_name",
        "email",
        "phone",
        "beneficiary_name",
        "contact_name",
        "attendees",
    }
)
# Short free-text columns, shown as their digest like TextFields (a description may name people).
FREE_TEXT_FIELDS = frozenset({"description", "note", "reason", "response", "text"})
# Bookkeeping columns whose change says nothing about the object (updated_at moves on every save).
IGNORED_FIELDS = frozenset({"updated_at", "last_login"})


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds") if value.tzinfo else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


def object_type(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def object_code(obj: models.Model) -> str:
    for attr in ("code", "number", "key_id"):
        value = getattr(obj, attr, None)
        if value:
            return str(value)
    return str(obj.pk)


def audit_snapshot(obj: models.Model) -> dict[str, Any]:
    """The object's own columns (foreign keys as ids), JSON-safe, without secrets or bookkeeping columns."""
    snapshot = {}
    for field in obj._meta.concrete_fields:
        if field.name in SECRET_FIELDS or field.name in IGNORED_FIELDS:
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, models.DecimalField) and isinstance(value, Decimal):
            value = value.quantize(Decimal(1).scaleb(-field.decimal_places))  # as the database gives it back
        snapshot[field.attname] = _json_value(value)
    return snapshot


def _shown(obj_meta: Any, name: str, value: Any) -> Any:
    """How a value appears in `changes`: personal data masked, free text as its digest, the rest as is."""
    if value is None:
        return None
    if name in PERSONAL_FIELDS:
        return "[personal]"
    try:
        field = obj_meta.get_field(name)  # accepts attnames ("event_id") too
    except FieldDoesNotExist:
        return value
    if isinstance(field, (models.TextField, models.JSONField)) or name in FREE_TEXT_FIELDS:
        return "sha256:" + digest_of(value)
    return value


def changes_between(obj: models.Model, before: dict | None, after: dict | None) -> dict[str, Any]:
    """New object: its shown values; deleted: its last shown values; update: {field: [before, after]}."""
    meta = obj._meta
    if before is None or after is None:
        values = after if before is None else before
        return {k: _shown(meta, k, v) for k, v in (values or {}).items()}
    return {
        k: [_shown(meta, k, before.get(k)), _shown(meta, k, after.get(k))]
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }
