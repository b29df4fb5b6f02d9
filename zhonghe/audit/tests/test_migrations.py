"""Migration 0002: entries chained at append (first format) get their content_hash and still verify; new entries
are then appended pending and sealed after them; the new trigger guards the old rows too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from zhonghe.accounts.models import Organization
from zhonghe.audit.digest import GENESIS, at_text, chain_hash, digest_of, seal_hash
from zhonghe.audit.models import AuditEntry, AuditHead
from zhonghe.audit.services import audit_append, audit_seal_all
from zhonghe.audit.verify import audit_verify_chain

BEFORE = [("audit", "0001_initial")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_first_format_entries_get_content_hashes_and_the_chain_goes_on():
    old = _migrate(BEFORE)
    old_entry = old.get_model("audit", "AuditEntry")
    prev, at = GENESIS, dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    contents = []
    try:
        for n in range(1, 4):
            content = {
                "at": at_text(at), "actor_label": "system", "actor_user_id": None, "actor_org_code": "",
                "actor_roles": "", "action": "organization.create", "object_type": "accounts.organization",
                "object_code": f"old-{n}", "before_digest": "", "after_digest": "a" * 64, "changes": {"n": n},
            }  # fmt: skip
            entry_hash = chain_hash(prev, {"sequence": n, **content})
            old_entry.objects.create(
                sequence=n, **{**content, "at": at}, prev_hash=prev, entry_hash=entry_hash
            )  # fmt: skip
            prev = entry_hash
            contents.append(content)
        old.get_model("audit", "AuditHead").objects.create(pk=1, sequence=3, entry_hash=prev)
    finally:
        _migrate_to_latest()
    migrated = list(AuditEntry.objects.order_by("sequence"))
    assert [e.content_hash for e in migrated] == [digest_of(c) for c in contents]
    assert AuditHead.objects.get(pk=1).legacy_sequence == 3
    assert audit_verify_chain() == []
    with transaction.atomic():
        audit_append(
            actor="system",
            action="organization.create",
            target=Organization.objects.create(name="新单位", kind="individual"),
        )
    assert audit_seal_all() == 1
    new = AuditEntry.objects.get(sequence=4)
    assert new.entry_hash == seal_hash(prev, 4, new.content_hash)
    assert audit_verify_chain() == []
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(sequence=2).update(content_hash="c" * 64)  # the new trigger guards old rows
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(sequence=4).update(object_code="forged")
