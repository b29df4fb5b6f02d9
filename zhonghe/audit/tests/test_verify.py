"""audit_verify finds every kind of corruption planted directly in the database and names the first link.

Tampering uses QuerySet.update()/delete() after dropping the append-only trigger inside the test's
transaction: what someone with owner rights on the database could do.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from zhonghe.accounts.models import Organization
from zhonghe.audit.digest import chain_hash
from zhonghe.audit.models import AuditEntry, AuditHead
from zhonghe.audit.services import audit_append
from zhonghe.audit.verify import audit_verify_chain
from zhonghe.lib.append_only import drop_guard_sql

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(db):
    """Six entries, then the trigger lifted (rolled back with the test)."""
    with transaction.atomic():
        for i in range(6):
            org = Organization.objects.create(name=f"单位{i}", kind="individual")
            audit_append(actor="system", action="organization.create", target=org)
    assert audit_verify_chain() == []
    with connection.cursor() as cursor:
        for sql in drop_guard_sql(connection.vendor, "audit_auditentry"):
            cursor.execute(sql)
    return list(AuditEntry.objects.order_by("sequence"))


def _first(problems):
    assert problems, "the corruption went unnoticed"
    return problems[0]


def _command_fails_naming(sequence: int) -> None:
    out = StringIO()
    with pytest.raises(CommandError, match=rf"broken at #{sequence} "):
        call_command("audit_verify", stdout=out)
    assert f"#{sequence}" in out.getvalue()


def test_intact_log_passes_and_the_command_says_so(log):
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "chain intact" in out.getvalue()


def test_empty_log_is_intact(db):
    assert not AuditEntry.objects.exists() and not AuditHead.objects.exists()
    assert audit_verify_chain() == []


def test_edited_field_is_found(log):
    AuditEntry.objects.filter(sequence=3).update(action="organization.delete")
    problem = _first(audit_verify_chain())
    assert (problem.sequence, problem.kind) == (3, "hash_mismatch")
    _command_fails_naming(3)


def test_edited_changes_json_is_found(log):
    AuditEntry.objects.filter(sequence=2).update(changes={"name": "伪造"})
    assert (_first(audit_verify_chain()).sequence, _first(audit_verify_chain()).kind) == (2, "hash_mismatch")


def test_deleted_row_is_a_gap_and_a_broken_link(log):
    AuditEntry.objects.filter(sequence=4).delete()
    problems = audit_verify_chain()
    kinds = {(p.sequence, p.kind) for p in problems}
    assert (5, "gap") in kinds and (5, "broken_link") in kinds
    assert "sequence 4 missing" in str(_first(problems))
    _command_fails_naming(5)


def test_deleted_tail_is_found_by_the_head(log):
    AuditEntry.objects.filter(sequence=6).delete()
    problem = _first(audit_verify_chain())
    assert (problem.sequence, problem.kind) == (5, "head_mismatch")


def test_reordered_entries_are_found(log):
    two, three = log[1], log[2]
    AuditEntry.objects.filter(pk=two.pk).update(sequence=1000)
    AuditEntry.objects.filter(pk=three.pk).update(sequence=2)
    AuditEntry.objects.filter(pk=two.pk).update(sequence=3)
    problem = _first(audit_verify_chain())
    assert problem.sequence == 2 and problem.kind in {"broken_link", "hash_mismatch"}
    _command_fails_naming(2)


def test_forged_hash_is_found_at_the_next_link(log):
    """Edit entry 3 and recompute its own hash: entry 3 looks sealed, entry 4 no longer links to it."""
    forged = AuditEntry.objects.get(sequence=3)
    forged.action = "organization.delete"
    new_hash = chain_hash(forged.prev_hash, forged.body())
    AuditEntry.objects.filter(pk=forged.pk).update(action=forged.action, entry_hash=new_hash)
    problems = audit_verify_chain()
    assert not any(p.sequence == 3 for p in problems)
    problem = _first(problems)
    assert (problem.sequence, problem.kind) == (4, "broken_link")
    _command_fails_naming(4)


def test_forged_last_entry_is_found_by_the_head(log):
    forged = AuditEntry.objects.get(sequence=6)
    forged.object_code = "forged"
    AuditEntry.objects.filter(pk=forged.pk).update(
        object_code="forged", entry_hash=chain_hash(forged.prev_hash, forged.body())
    )
    problem = _first(audit_verify_chain())
    assert (problem.sequence, problem.kind) == (6, "head_mismatch")


def test_rewritten_chain_from_a_point_is_found_by_the_head(log):
    """Re-seal every entry from #4 on after an edit: only the head (outside the rows) still disagrees."""
    prev = log[2].entry_hash
    for entry in AuditEntry.objects.filter(sequence__gte=4).order_by("sequence"):
        entry.prev_hash = prev
        if entry.sequence == 4:
            entry.action = "organization.delete"
        entry.entry_hash = chain_hash(prev, entry.body())
        AuditEntry.objects.filter(pk=entry.pk).update(
            prev_hash=entry.prev_hash, action=entry.action, entry_hash=entry.entry_hash
        )
        prev = entry.entry_hash
    assert [p.kind for p in audit_verify_chain()] == ["head_mismatch"]


def test_every_problem_is_reported_not_only_the_first(log):
    AuditEntry.objects.filter(sequence=2).update(action="organization.delete")
    AuditEntry.objects.filter(sequence=5).update(object_code="x")
    assert [p.sequence for p in audit_verify_chain() if p.kind == "hash_mismatch"] == [2, 5]


def test_inserted_entry_is_found(log):
    """A row slipped in at the end, sealed over the real last hash, without moving the head."""
    last = log[-1]
    forged = AuditEntry(
        sequence=last.sequence + 1, at=last.at, actor_label="system", action="organization.create",
        object_type="accounts.organization", object_code="forged", prev_hash=last.entry_hash,
    )  # fmt: skip
    forged.entry_hash = chain_hash(forged.prev_hash, forged.body())
    forged.save()
    problem = _first(audit_verify_chain())
    assert (problem.sequence, problem.kind) == (7, "head_mismatch")
    _command_fails_naming(7)
