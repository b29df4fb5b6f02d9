"""audit_verify finds every kind of corruption planted directly in the database and names the first link.

Tampering uses QuerySet.update()/delete() after dropping the append-only trigger inside the test's
transaction: what someone with owner rights on the database could do. The log fixture is sealed first (as
the worker's periodic audit_seal does); pending entries have tests of their own.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from zhonghe.accounts.models import Organization
from zhonghe.audit.digest import GENESIS, chain_hash, content_hash_of, seal_hash
from zhonghe.audit.models import AuditEntry, AuditHead
from zhonghe.audit.services import audit_append, audit_seal_all
from zhonghe.audit.verify import audit_verify_chain
from zhonghe.lib.append_only import drop_guard_sql

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(db):
    """Six entries, sealed, then the trigger lifted (rolled back with the test)."""
    with transaction.atomic():
        for i in range(6):
            org = Organization.objects.create(name=f"单位{i}", kind="individual")
            audit_append(actor="system", action="organization.create", target=org)
    assert audit_seal_all() == 6
    assert audit_verify_chain() == []
    with connection.cursor() as cursor:
        for sql in drop_guard_sql(connection.vendor, "audit_auditentry"):
            cursor.execute(sql)
    return list(AuditEntry.objects.order_by("sequence"))


def _first(problems):
    assert problems, "the corruption went unnoticed"
    return problems[0]


def _command_fails_naming(sequence: int, *args: str) -> None:
    out = StringIO()
    with pytest.raises(CommandError, match=rf"broken at #{sequence} "):
        call_command("audit_verify", *args, stdout=out)
    assert f"#{sequence}" in out.getvalue()


def _reseal(entry: AuditEntry, prev_hash: str, **edits) -> AuditEntry:
    """What a forger with database rights does: edit, recompute the content hash and the entry hash."""
    for name, value in edits.items():
        setattr(entry, name, value)
    entry.content_hash = content_hash_of(entry.content())
    entry.prev_hash = prev_hash
    entry.entry_hash = seal_hash(prev_hash, entry.sequence, entry.content_hash)
    AuditEntry.objects.filter(pk=entry.pk).update(
        **edits, content_hash=entry.content_hash, prev_hash=prev_hash, entry_hash=entry.entry_hash
    )
    return entry


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


def test_edited_content_with_its_content_hash_recomputed_is_found_by_the_entry_hash(log):
    entry = AuditEntry.objects.get(sequence=3)
    entry.action = "organization.delete"
    AuditEntry.objects.filter(pk=entry.pk).update(action=entry.action, content_hash=entry.compute_content_hash())
    problem = _first(audit_verify_chain())
    assert (problem.sequence, problem.kind) == (3, "hash_mismatch")
    assert "entry_hash" in problem.detail
    _command_fails_naming(3)


def test_forged_hash_is_found_at_the_next_link(log):
    """Edit entry 3 and recompute its own hashes: entry 3 looks sealed, entry 4 no longer links to it."""
    _reseal(AuditEntry.objects.get(sequence=3), log[1].entry_hash, action="organization.delete")
    problems = audit_verify_chain()
    assert not any(p.sequence == 3 for p in problems)
    problem = _first(problems)
    assert (problem.sequence, problem.kind) == (4, "broken_link")
    _command_fails_naming(4)


def test_forged_last_entry_is_found_by_the_head(log):
    _reseal(AuditEntry.objects.get(sequence=6), log[4].entry_hash, object_code="forged")
    problem = _first(audit_verify_chain())
    assert (problem.sequence, problem.kind) == (6, "head_mismatch")


def test_rewritten_chain_from_a_point_is_found_by_the_head(log):
    """Re-seal every entry from #4 on after an edit: only the head (outside the rows) still disagrees."""
    prev = log[2].entry_hash
    for entry in AuditEntry.objects.filter(sequence__gte=4).order_by("sequence"):
        edits = {"action": "organization.delete"} if entry.sequence == 4 else {}
        prev = _reseal(entry, prev, **edits).entry_hash
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
    forged.content_hash = forged.compute_content_hash()
    forged.entry_hash = seal_hash(forged.prev_hash, forged.sequence, forged.content_hash)
    forged.save()
    problem = _first(audit_verify_chain())
    assert (problem.sequence, problem.kind) == (7, "head_mismatch")
    _command_fails_naming(7)


def _pending(name: str = "待封存单位") -> AuditEntry:
    with transaction.atomic():
        org = Organization.objects.create(name=name, kind="individual")
        return audit_append(actor="system", action="organization.create", target=org)


def test_the_command_seals_first_and_no_seal_verifies_as_found(log):
    entry = _pending()
    out = StringIO()
    call_command("audit_verify", "--no-seal", stdout=out)
    assert "chain intact" in out.getvalue()
    assert AuditEntry.objects.get(pk=entry.pk).sequence is None
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "sealed 1 pending entry" in out.getvalue() and "chain intact" in out.getvalue()
    sealed = AuditEntry.objects.get(pk=entry.pk)
    assert (sealed.sequence, sealed.prev_hash) == (7, log[-1].entry_hash)
    assert (AuditHead.objects.get(pk=1).sequence, AuditHead.objects.get(pk=1).entry_hash) == (7, sealed.entry_hash)


def test_tampered_pending_entry_is_found_before_and_after_sealing(log):
    entry = _pending()
    AuditEntry.objects.filter(pk=entry.pk).update(changes={"name": "伪造"})
    problem = _first(audit_verify_chain())
    assert (problem.sequence, problem.entry_id, problem.kind) == (None, entry.pk, "hash_mismatch")
    out = StringIO()
    with pytest.raises(CommandError, match=rf"broken at pending id {entry.pk} "):
        call_command("audit_verify", "--no-seal", stdout=out)
    assert AuditEntry.objects.get(pk=entry.pk).sequence is None  # --no-seal sealed nothing
    # the sealer chains the content_hash as stored, so the edit stays visible once sealed
    _command_fails_naming(7)
    assert AuditEntry.objects.get(pk=entry.pk).sequence == 7


def test_pending_entry_with_a_planted_seal_is_found(log):
    entry = _pending()
    AuditEntry.objects.filter(pk=entry.pk).update(prev_hash=log[-1].entry_hash, entry_hash="f" * 64)
    problem = _first(audit_verify_chain())
    assert (problem.entry_id, problem.kind) == (entry.pk, "broken_link")


def test_first_format_entries_verify_up_to_the_legacy_sequence(db):
    """Entries chained at append before migration 0002 (digest.chain_hash) still verify, and edits show."""
    prev = GENESIS
    for n in range(1, 4):
        entry = AuditEntry(
            sequence=n, at=timezone.now(), actor_label="system", action="organization.create",
            object_type="accounts.organization", object_code=f"old-{n}", prev_hash=prev,
        )  # fmt: skip
        entry.content_hash = entry.compute_content_hash()
        entry.entry_hash = prev = chain_hash(prev, entry.body())
        entry.save()
    AuditHead.objects.create(pk=1, sequence=3, entry_hash=prev, legacy_sequence=3)
    _pending()
    assert audit_seal_all() == 1
    new = AuditEntry.objects.get(sequence=4)
    assert new.prev_hash == prev and new.entry_hash == seal_hash(prev, 4, new.content_hash)
    assert audit_verify_chain() == []
    with connection.cursor() as cursor:
        for sql in drop_guard_sql(connection.vendor, "audit_auditentry"):
            cursor.execute(sql)
    second = AuditEntry.objects.get(sequence=2)
    second.object_code = "forged"  # content_hash recomputed, the first-format entry_hash still disagrees
    AuditEntry.objects.filter(pk=second.pk).update(object_code="forged", content_hash=second.compute_content_hash())
    problem = _first(audit_verify_chain())
    assert (problem.sequence, problem.kind) == (2, "hash_mismatch")
    AuditHead.objects.filter(pk=1).update(legacy_sequence=0)  # the new format does not accept an old entry
    assert [p.sequence for p in audit_verify_chain() if p.kind == "hash_mismatch"] == [1, 2, 3]
