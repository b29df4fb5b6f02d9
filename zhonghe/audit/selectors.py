"""Reads of the audit log for the bureau (reviewer role, or the platform admin): by object, by actor."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from zhonghe.accounts.models import Organization, Role, User
from zhonghe.audit.models import AuditEntry
from zhonghe.lib.errors import ValidationFailed

# Chain (seal) order, the pending entries (sequence NULL, not yet sealed) after the sealed ones in id order.
SORTS = {
    "-at": (F("sequence").desc(nulls_first=True), "-id"),
    "at": (F("sequence").asc(nulls_last=True), "id"),
}
LABEL_RE = re.compile(r"^[a-z_]+(:[a-z0-9_-]+)?$")


def _actor_filter(text: str) -> dict[str, Any]:
    """ "42" a user id, a UUID an organisation code, "system" / "command:expire_orders" an actor label."""
    if text.isdigit():
        return {"actor_user_id": int(text)}
    try:
        return {"actor_org_code": str(uuid.UUID(text))}
    except ValueError:
        pass
    if LABEL_RE.match(text):
        return {"actor_label": text}
    raise ValidationFailed(_("操作人筛选条件无效"), fields={"actor": "invalid"})


def _object_filter(text: str) -> dict[str, Any]:
    """ "<code>" any object with that public code; "<app>.<model>:<code>" one type's; "<app>.<model>" all of it."""
    kind, sep, code = text.partition(":")
    if sep:
        return {"object_type": kind, "object_code": code}
    if re.match(r"^[a-z_]+\.[a-z_]+$", text):
        return {"object_type": text}
    return {"object_code": text}


def audit_entries_for_reviewer(
    actor: Any, *, object_ref: str = "", actor_ref: str = "", action: str = "", sort: str = "-at"
) -> QuerySet[AuditEntry]:
    """Entries matching every filter given, newest first unless sort="at". Raises PermissionDenied unless the
    actor is a reviewer (or admin), ValidationFailed for a malformed actor filter or sort."""
    actor.require(Role.REVIEWER)
    if sort not in SORTS:
        raise ValidationFailed(_("排序方式无效"), fields={"sort": "invalid"})
    filters: dict[str, Any] = {}
    if object_ref.strip():
        filters |= _object_filter(object_ref.strip())
    if actor_ref.strip():
        filters |= _actor_filter(actor_ref.strip())
    if action.strip():
        filters["action"] = action.strip()
    return AuditEntry.objects.filter(**filters).order_by(*SORTS[sort])


def actor_names(entries: list[AuditEntry]) -> dict[str, dict]:
    """Display names for a page of entries: {"orgs": {code: name}, "users": {id: name}} (never stored in the log)."""
    org_codes = {e.actor_org_code for e in entries if e.actor_org_code}
    user_ids = {e.actor_user_id for e in entries if e.actor_user_id}
    return {
        "orgs": {str(o.code): o.name for o in Organization.objects.filter(code__in=org_codes)},
        "users": {u.pk: str(u) for u in User.objects.filter(pk__in=user_ids)},
    }
