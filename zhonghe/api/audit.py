"""The audit log for the bureau: GET /api/v1/audit?object=…&actor=…&action=…&sort=…&limit=…&offset=…"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from zhonghe.api.auth import actor_of
from zhonghe.api.schemas import responses
from zhonghe.audit.selectors import audit_entries_for_reviewer

router = Router(tags=["audit"])


class AuditQuery(Schema):
    object: str = Field("", max_length=200, description='a public code, "<app>.<model>" or "<app>.<model>:<code>"')
    actor: str = Field("", max_length=100, description='a user id, an organisation code, or "system"/"command:…"')
    action: str = Field("", max_length=60, description='an action code such as "credits.retire"')
    sort: str = Field("-at", pattern=r"^-?at$", description='"-at" newest first (default) or "at"')
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class AuditEntryOut(Schema):
    id: int = Field(description="the entry's id (append order); names a pending entry")
    sealed: bool = Field(description="false: pending (待封存), not chained yet; sequence, prev_hash, entry_hash null")
    sequence: int | None
    at: datetime
    actor_label: str
    actor_user_id: int | None
    actor_org_code: str
    actor_roles: str
    action: str
    object_type: str
    object_code: str
    before_digest: str
    after_digest: str
    changes: dict[str, Any]
    content_hash: str
    prev_hash: str | None
    entry_hash: str | None


class AuditPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[AuditEntryOut]


@router.get("/audit", response=responses(200, AuditPageOut), summary="Audit log entries (bureau reviewer)")
def audit_entries(request: HttpRequest, query: Query[AuditQuery]):
    entries = audit_entries_for_reviewer(
        actor_of(request), object_ref=query.object, actor_ref=query.actor, action=query.action, sort=query.sort
    )
    items = list(entries[query.offset : query.offset + query.limit])
    return {"count": entries.count(), "limit": query.limit, "offset": query.offset, "items": items}
