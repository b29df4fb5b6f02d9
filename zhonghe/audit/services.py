"""audit_append and audit_seal: the writers of the audit log ("seal after commit").

audit_append runs inside every writing service's transaction and takes no shared lock: it inserts the
entry's content and content_hash, with sequence / prev_hash / entry_hash NULL (pending). A rolled-back service
rolls its entry back with it (nothing is logged that did not happen), and concurrent services never wait for
each other on the log.
audit_seal runs in its own short transaction (the worker's periodic command, `manage.py audit_seal`, and the
start of `audit_verify`): it locks the head row (one sealer at a time), takes every committed pending entry
in id order, gives each the next sequence and entry_hash = seal_hash(prev_hash, sequence, content_hash), and
moves the head. An entry that commits after a higher id was sealed is sealed by the next pass: the chain's
order is seal order, not id order.

Call patterns (one or two lines in a service; see docs/audit.md):
    audit_append(actor=actor, action="event.create", target=event)                      # new object
    before = audit_snapshot(plan)   # … change plan …
    audit_append(actor=actor, action="plan.update", target=plan, before=before)         # update
    audit_append(actor=actor, action="activity.delete", target=record, deleted=True)    # before .delete()
Without `before`, an existing object's before digest is its last logged after digest.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from zhonghe.audit.digest import digest_of, seal_hash
from zhonghe.audit.models import AuditEntry, AuditHead
from zhonghe.audit.snapshot import audit_snapshot, changes_between, object_code, object_type
from zhonghe.lib.rows import insert_rows
from zhonghe.lib.sealing import seal_until_done, write_seals

ACTION_RE = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")
_acting_as: contextvars.ContextVar[Any] = contextvars.ContextVar("zhonghe_audit_acting_as", default="system")


@contextlib.contextmanager
def audit_acting_as(actor: Any) -> Iterator[None]:
    """Who acts when a service takes no actor: an Actor (the admin's user) or a label ("command:expire_orders")."""
    token = _acting_as.set(actor)
    try:
        yield
    finally:
        _acting_as.reset(token)


def _actor_fields(actor: Any) -> dict[str, Any]:
    if actor is None:
        actor = _acting_as.get()
    if isinstance(actor, str):
        return {
            "actor_label": actor,
            "actor_user_id": None,
            "actor_org_code": "",
            "actor_roles": "",
        }
    if hasattr(actor, "organization") and hasattr(actor, "roles"):  # accounts.actors.Actor
        user = getattr(actor, "user", None)
        return {
            "actor_label": "api_key:" + actor.api_key_id if getattr(actor, "api_key_id", "") else "user",
            "actor_user_id": user.pk if user is not None else None,
            "actor_org_code": str(actor.organization.code),
            "actor_roles": ",".join(sorted(actor.roles)),
        }
    return {"actor_label": "user", "actor_user_id": actor.pk, "actor_org_code": "", "actor_roles": ""}  # a User


def _locked_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:  # first seal ever (or after a test flush); a racing creator wins, we re-read its row
        try:
            with transaction.atomic():
                AuditHead.objects.create(pk=1)
        except IntegrityError:
            pass
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def _logged_after_digest(kind: str, code: str) -> str:
    # id order, sealed or not: a service that locks the object appends after its previous writer committed
    entries = AuditEntry.objects.filter(object_type=kind, object_code=code).order_by("-id")
    return entries.values_list("after_digest", flat=True).first() or ""


def audit_append(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    before: dict | None = None,
    deleted: bool = False,
    fields: Sequence[str] | None = None,
    new: bool = False,
) -> AuditEntry:
    """Append one (pending) entry for `action` on `target` in the caller's transaction; return it.

    The arguments are audit_entry's; the entry is inserted at once.
    """
    entry = audit_entry(
        actor=actor, action=action, target=target, before=before, deleted=deleted, fields=fields, new=new
    )
    insert_rows([entry])  # = entry.save() for a new entry, in fixed SQL (it runs inside writers' locks)
    return entry


def audit_entry(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    before: dict | None = None,
    deleted: bool = False,
    fields: Sequence[str] | None = None,
    new: bool = False,
) -> AuditEntry:
    """The entry audit_append writes, unsaved, for a service that inserts it together with the rows it logs
    (lib.rows.insert_groups, same transaction). Prefer audit_append; a caller of this must insert the entry.

    actor: an accounts Actor, a User, a label ("system", "command:…") or None (the audit_acting_as label).
    before: audit_snapshot(target) taken before the change; deleted: call before deleting, after is empty.
    fields: restrict the digests and changes to these attnames (the fields the action is about).
    new: `target` was created in this transaction, so it has no logged digest to look up (before is "").
    Raises RuntimeError outside a transaction and ValueError for a malformed action code.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_append must run inside the writing service's transaction")
    if not ACTION_RE.match(action):
        raise ValueError(f"audit action must look like 'entity.verb': {action!r}")
    current = audit_snapshot(target)
    if fields is not None:
        current = {k: v for k, v in current.items() if k in fields}
        before = None if before is None else {k: v for k, v in before.items() if k in fields}
    kind, code = object_type(target), object_code(target)
    if deleted:
        before, after = current, None
    else:
        after = current
    if before is not None:
        before_digest = digest_of(before)
    else:
        before_digest = "" if new else _logged_after_digest(kind, code)
    body = {
        **_actor_fields(actor),
        "action": action,
        "object_type": kind,
        "object_code": code,
        "before_digest": before_digest,
        "after_digest": digest_of(after) if after is not None else "",
        "changes": changes_between(target, before, after),
    }
    entry = AuditEntry(at=timezone.now(), **body)
    entry.content_hash = entry.compute_content_hash()
    return entry


SEAL_BATCH = 2000


@transaction.atomic
def audit_seal(*, limit: int = SEAL_BATCH) -> int:
    """Seal up to `limit` committed pending entries (id order) after the head; return how many.

    Locks the head row for this short transaction, so a second sealer waits and then sees these entries
    sealed (READ COMMITTED: each statement sees what committed before it). Entries still uncommitted are
    invisible here and sealed by a later pass.
    """
    head = _locked_head()
    pending = list(
        AuditEntry.objects.filter(sequence__isnull=True).order_by("id").values_list("id", "content_hash")[:limit]
    )
    sequence, prev_hash = head.sequence, head.entry_hash
    seals = []
    for pk, content_hash in pending:
        sequence += 1
        entry_hash = seal_hash(prev_hash, sequence, content_hash)
        seals.append((sequence, prev_hash, entry_hash, pk))
        prev_hash = entry_hash
    if seals:
        write_seals(AuditEntry, "sequence", seals)
        AuditHead.objects.filter(pk=1).update(sequence=sequence, entry_hash=prev_hash)
    return len(seals)


def audit_seal_all(*, batch: int = SEAL_BATCH) -> int:
    """Seal every committed pending entry, `batch` per transaction; return how many."""
    return seal_until_done(audit_seal, batch=batch)


@contextlib.contextmanager
def audit_admin_formset(*, actor: Any, formset: Any, grant: str, revoke: str) -> Iterator[None]:
    """Wrap an admin inline formset's save: rows deleted are logged `revoke` (before they go), new rows `grant`,
    edited rows `<entity>.update` (after the save)."""
    for form in formset.deleted_forms:
        if form.instance.pk is not None:
            audit_append(actor=actor, action=revoke, target=form.instance, deleted=True)
    yield
    entity = grant.split(".")[0]
    for obj in formset.new_objects:
        audit_append(actor=actor, action=grant, target=obj)
    for obj, _changed in formset.changed_objects:
        audit_append(actor=actor, action=f"{entity}.update", target=obj)
