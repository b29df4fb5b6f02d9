"""audit_append and audit_seal: entries are appended pending and sealed into one chain, digests follow the
object, secrets and personal data stay out, and the only update an entry takes is its one-time seal (DB)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from zhonghe.accounts.models import Organization, User
from zhonghe.audit.digest import CONTENT_FIELDS, GENESIS, digest_of, seal_hash
from zhonghe.audit.models import AuditEntry, AuditHead
from zhonghe.audit.services import audit_acting_as, audit_append, audit_seal, audit_seal_all
from zhonghe.audit.snapshot import audit_snapshot
from zhonghe.audit.verify import audit_verify_chain

pytestmark = pytest.mark.django_db


def _org(name="单位甲"):
    return Organization.objects.create(name=name, kind="individual")


def test_appends_are_pending_until_sealed_then_form_one_chain_from_genesis(actors):
    # the actors fixture appended entries through the accounts services: pending, no head yet
    appended = list(AuditEntry.objects.order_by("id"))
    assert appended and all(e.sequence is None and e.prev_hash is None and e.entry_hash is None for e in appended)
    assert all(e.content_hash == digest_of(e.content()) for e in appended)
    assert set(appended[0].content()) == set(CONTENT_FIELDS)
    assert not AuditHead.objects.exists()
    assert audit_seal_all() == len(appended)
    entries = list(AuditEntry.objects.order_by("sequence"))
    assert [e.pk for e in entries] == [e.pk for e in appended]  # sealed in id order
    assert [e.sequence for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == GENESIS
    assert entries[0].entry_hash == seal_hash(GENESIS, 1, entries[0].content_hash)
    for prev, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == prev.entry_hash
        assert entry.entry_hash == seal_hash(prev.entry_hash, entry.sequence, entry.content_hash)
    head = AuditHead.objects.get(pk=1)
    assert (head.sequence, head.entry_hash) == (entries[-1].sequence, entries[-1].entry_hash)
    assert audit_verify_chain() == []


def test_actor_is_recorded_by_ids_and_roles(actors):
    org = Organization.objects.create(name="单位乙", kind="individual")
    with transaction.atomic():
        entry = audit_append(actor=actors.bureau, action="organization.create", target=org)
    assert entry.actor_label == "user"
    assert entry.actor_user_id == actors.users.bureau.pk
    assert entry.actor_org_code == str(actors.orgs.bureau.code)
    assert entry.actor_roles == "reviewer"
    assert (entry.object_type, entry.object_code) == ("accounts.organization", str(org.code))


def test_no_actor_records_the_acting_label(db):
    org = _org()
    with transaction.atomic():
        plain = audit_append(actor=None, action="organization.create", target=org)
        with audit_acting_as("command:expire_orders"):
            named = audit_append(actor=None, action="organization.create", target=org)
    assert plain.actor_label == "system"
    assert named.actor_label == "command:expire_orders"
    assert named.actor_user_id is None and named.actor_org_code == ""


def test_update_digests_and_changes(db):
    org = _org()
    with transaction.atomic():
        created = audit_append(actor="system", action="organization.create", target=org)
        before = audit_snapshot(org)
        org.level = "district"
        org.save()
        updated = audit_append(actor="system", action="organization.update", target=org, before=before)
    assert created.before_digest == ""
    assert created.after_digest == digest_of(before)
    assert updated.before_digest == created.after_digest
    assert updated.after_digest == digest_of(audit_snapshot(Organization.objects.get(pk=org.pk)))
    assert updated.changes == {"level": ["", "district"]}


def test_without_before_the_last_logged_digest_is_the_before(db):
    org = _org()
    with transaction.atomic():
        first = audit_append(actor="system", action="organization.create", target=org)
        org.level = "municipal"
        org.save()
        second = audit_append(actor="system", action="organization.update", target=org, fields=["level"])
    assert second.before_digest == first.after_digest
    assert second.after_digest == digest_of({"level": "municipal"})


def test_deletion_keeps_the_before_and_empties_the_after(db):
    org = _org()
    with transaction.atomic():
        entry = audit_append(actor="system", action="organization.delete", target=org, deleted=True)
    assert entry.before_digest == digest_of(audit_snapshot(org))
    assert entry.after_digest == ""


def test_secrets_never_and_personal_data_only_masked(db):
    user = User.objects.create_user(username="u1", password="secret-pass-99", display_name="张三", email="a@b.cn")
    with transaction.atomic():
        entry = audit_append(actor="system", action="user.create", target=user)
    text = str(entry.changes)
    assert "password" not in entry.changes
    assert "secret-pass-99" not in text and user.password not in text
    assert "张三" not in text and "a@b.cn" not in text
    assert entry.changes["display_name"] == "[personal]"
    assert entry.changes["email"] == "[personal]"
    assert entry.changes["username"] == "[personal]" and "'u1'" not in text


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_refused_and_nothing_written(db):
    org = _org()
    count = AuditEntry.objects.count()
    with pytest.raises(RuntimeError):
        audit_append(actor="system", action="organization.create", target=org)
    assert AuditEntry.objects.count() == count


def test_malformed_action_refused_and_nothing_written(db):
    org = _org()
    count = AuditEntry.objects.count()
    with transaction.atomic(), pytest.raises(ValueError):
        audit_append(actor="system", action="Organization Create", target=org)
    assert AuditEntry.objects.count() == count


def test_rolled_back_service_leaves_no_entry(db):
    org = _org()
    count = AuditEntry.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit_append(actor="system", action="organization.create", target=org)
        1 / 0  # noqa: B018 — the service fails after appending
    assert AuditEntry.objects.count() == count
    assert audit_verify_chain() == []


def test_seal_continues_after_the_head_in_batches_and_an_empty_pass_seals_nothing(db):
    orgs = [_org(f"单位{i}") for i in range(5)]
    with transaction.atomic():
        audit_append(actor="system", action="organization.create", target=orgs[0])
    assert audit_seal() == 1
    assert audit_seal() == 0
    with transaction.atomic():
        later = [audit_append(actor="system", action="organization.create", target=o) for o in orgs[1:]]
    assert audit_seal(limit=3) == 3  # one short transaction seals at most `limit`
    assert AuditEntry.objects.filter(sequence__isnull=True).get().pk == later[-1].pk
    assert audit_seal_all(batch=2) == 1
    assert list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)) == [1, 2, 3, 4, 5]
    head = AuditHead.objects.get(pk=1)
    assert (head.sequence, head.entry_hash) == (5, AuditEntry.objects.get(sequence=5).entry_hash)
    assert audit_verify_chain() == []


def test_a_rolled_back_seal_leaves_entries_pending_and_the_head_unmoved(db):
    with transaction.atomic():
        audit_append(actor="system", action="organization.create", target=_org("单位甲"))
    audit_seal()
    with transaction.atomic():
        entry = audit_append(actor="system", action="organization.create", target=_org("单位乙"))
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        assert audit_seal() == 1
        1 / 0  # noqa: B018 — the sealer's transaction fails after sealing
    assert AuditEntry.objects.get(pk=entry.pk).sequence is None
    assert AuditHead.objects.get(pk=1).sequence == 1


def test_the_model_allows_only_the_one_time_seal(db):
    with transaction.atomic():
        entry = audit_append(actor="system", action="organization.create", target=_org())
    entry.action = "organization.forged"
    entry.sequence, entry.prev_hash, entry.entry_hash = 1, GENESIS, "a" * 64
    with pytest.raises(ValueError):
        entry.save()  # sealing with changed content
    entry.action = "organization.create"
    entry.save()  # the seal itself
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.sequence, stored.prev_hash, stored.entry_hash) == (1, GENESIS, "a" * 64)
    entry.entry_hash = "b" * 64
    with pytest.raises(ValueError):
        entry.save()  # a second seal
    assert AuditEntry.objects.get(pk=entry.pk).entry_hash == "a" * 64


def test_the_database_allows_only_the_one_time_seal(db):
    with transaction.atomic():
        entry = audit_append(actor="system", action="organization.create", target=_org())
    pending = AuditEntry.objects.filter(pk=entry.pk)
    refused = [
        {"action": "organization.forged"},
        {"content_hash": "c" * 64},
        {"sequence": 1, "prev_hash": GENESIS, "entry_hash": "a" * 64, "changes": {"name": "伪造"}},
        {"sequence": 1, "prev_hash": GENESIS},  # a partial seal
    ]
    for values in refused:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            pending.update(**values)
    assert pending.get().sequence is None and pending.get().action == "organization.create"
    pending.update(sequence=1, prev_hash=GENESIS, entry_hash="a" * 64)
    for values in [{"entry_hash": "b" * 64}, {"sequence": None, "prev_hash": None, "entry_hash": None}]:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            pending.update(**values)
    assert pending.get().entry_hash == "a" * 64


def test_entries_refuse_updates_in_code_and_in_the_database(db):
    org = _org()
    with transaction.atomic():
        entry = audit_append(actor="system", action="organization.create", target=org)
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="organization.forged")
    assert AuditEntry.objects.get(pk=entry.pk).action == "organization.create"
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).delete()
        assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_short_free_text_is_shown_as_its_digest(actors):
    from zhonghe.footprints.tests.builders import add_electricity, make_event

    event = make_event(actors.organiser)
    record = add_electricity(actors.organiser, event.code, "before", "100", description="张三的差旅")
    entry = AuditEntry.objects.get(action="activity.create", object_code=str(record.code))
    assert entry.changes["description"] == "sha256:" + digest_of("张三的差旅")
    assert "张三" not in str(entry.changes)


def test_the_sealer_refuses_to_seal_an_entry_twice(db):
    from zhonghe.lib.sealing import write_seals

    with transaction.atomic():
        entry = audit_append(actor="system", action="organization.create", target=_org())
    audit_seal()
    with pytest.raises(RuntimeError, match="0 of 1"), transaction.atomic():
        write_seals(AuditEntry, "sequence", [(2, "a" * 64, "b" * 64, entry.pk)])
    assert AuditEntry.objects.get(pk=entry.pk).sequence == 1
