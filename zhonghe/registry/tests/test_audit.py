"""registry audit: clean after real activity; reports EVERY violation after tampering (DB).

Tampering uses QuerySet.update() after dropping the database's append-only triggers: what someone with
owner rights on the database (a bad migration, a console session, a compromised operator) could do.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from zhonghe.footprints.tests.builders import accounted_event, buy, project_with_credits
from zhonghe.lib.append_only import drop_guard_sql
from zhonghe.registry.audit import audit_chain, audit_registry
from zhonghe.registry.ledger import content_hash
from zhonghe.registry.models import CreditBlock, LedgerEntry, Retirement
from zhonghe.registry.services import credits_issue, credits_retire, ledger_seal_all

pytestmark = pytest.mark.django_db

GUARDED_TABLES = ["registry_ledgerentry", "registry_retirement"]


@pytest.fixture(autouse=True)
def guard_lifted(db):
    """Drop the append-only triggers inside the test's transaction (rolled back with it)."""
    with connection.cursor() as cursor:
        for table in GUARDED_TABLES:
            for sql in drop_guard_sql(connection.vendor, table):
                cursor.execute(sql)


@pytest.fixture
def ledger(actors):
    """Project A: issued 1–100, 101–150; organiser bought 1–60; retired 1–13. Project B: issued 1–20."""
    a = project_with_credits(actors, 100, code="CQCER-A")
    credits_issue(actor=actors.platform, project=a, quantity_t=50)
    b = project_with_credits(actors, 20, code="CQCER-B")
    buy(actors, a, 60)
    event, _inventory = accounted_event(actors.organiser)
    credits_retire(actor=actors.organiser, event_code=event.code, project_code=a.code, quantity_t=13, reason="抵消")
    assert audit_registry() == []  # pending entries: content hashes and replay hold before the seal
    assert ledger_seal_all() == LedgerEntry.objects.count()
    assert audit_registry() == []
    return a, b


def _live(project, first):
    return CreditBlock.objects.exclude(status="superseded").filter(project=project, serial_first=first)


def test_clean_registry_passes_and_the_command_says_so(ledger):
    out = StringIO()
    call_command("registry_audit", stdout=out)
    assert "no violations" in out.getvalue()


def test_empty_registry_is_clean(db):
    assert audit_registry() == []


def test_changed_ledger_quantity_breaks_the_chain_and_the_issued_total(ledger):
    a, _b = ledger
    first_issue = LedgerEntry.objects.get(seq=1)
    LedgerEntry.objects.filter(pk=first_issue.pk).update(quantity_t=1000)
    problems = audit_registry()
    assert "ledger: seq 1 entry_hash does not match its content" in problems
    assert f"{a.code}: issued 1050 t but live blocks hold 150 t" in problems


def test_changed_ledger_hash_breaks_the_link_to_the_next_entry(ledger):
    LedgerEntry.objects.filter(seq=2).update(entry_hash="f" * 64)
    problems = audit_chain()
    assert "ledger: seq 2 entry_hash does not match its content" in problems
    assert "ledger: seq 3 prev_hash does not match the previous entry" in problems


def test_a_gap_in_the_sequence_is_reported(ledger):
    last = LedgerEntry.objects.order_by("-seq").first()
    LedgerEntry.objects.filter(pk=last.pk).update(seq=last.seq + 5)
    problems = audit_chain()
    assert f"ledger: gap before seq {last.seq + 5} (expected {last.seq})" in problems
    assert f"ledger: seq {last.seq + 5} entry_hash does not match its content" in problems


def test_changed_live_block_range_reports_total_overlap_and_partition(ledger):
    a, _b = ledger
    # The seller's remainder 61–100 is stretched to 51–100 (quantity kept consistent with the range).
    _live(a, 61).update(serial_first=51, quantity_t=50)
    problems = audit_registry()
    assert f"{a.code}: issued 150 t but live blocks hold 160 t" in problems
    assert f"{a.code}: live ranges overlap 14-60 and 51-100" in problems
    assert any("is not partitioned by its children" in p for p in problems)


def test_every_violation_is_reported_not_only_the_first(ledger):
    a, b = ledger
    LedgerEntry.objects.filter(seq=1).update(quantity_t=999)  # chain + A's issued total
    _live(a, 101).update(serial_first=91, quantity_t=60)  # A: total, overlap with 61–100
    _live(b, 1).update(serial_last=25, quantity_t=25)  # B: issued 20 but live 25
    retirement = Retirement.objects.get()
    Retirement.objects.filter(pk=retirement.pk).update(quantity_t=12)  # retirement ≠ its block
    problems = audit_registry()
    expected = [
        "ledger: seq 1 entry_hash does not match its content",
        f"{a.code}: issued 1049 t but live blocks hold 160 t",
        f"{a.code}: live ranges overlap 61-100 and 91-150",
        f"{b.code}: issued 20 t but live blocks hold 25 t",
        f"retirement {retirement.number}: block status/quantity does not match",
    ]
    for line in expected:
        assert line in problems
    assert len(problems) == len(set(problems))

    out = StringIO()
    with pytest.raises(CommandError, match=f"{len(problems)} registry violation"):
        call_command("registry_audit", stdout=out)
    printed = out.getvalue().splitlines()
    assert printed == problems
    assert "no violations" not in out.getvalue()


def test_a_retired_block_put_back_to_active_is_reported(ledger):
    retirement = Retirement.objects.get()
    CreditBlock.objects.filter(pk=retirement.block_id).update(status="active")
    assert f"retirement {retirement.number}: block status/quantity does not match" in audit_registry()


def test_reviving_a_superseded_parent_is_refused_by_the_database(ledger):
    a, _b = ledger
    parent = CreditBlock.objects.get(project=a, serial_first=1, serial_last=100)
    # Its first child (the retired 1–13) is live with the same first serial: the partial unique index refuses.
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditBlock.objects.filter(pk=parent.pk).update(status="active")


def test_a_live_block_marked_superseded_without_children_is_reported(ledger):
    a, _b = ledger
    remainder = _live(a, 61).get()
    CreditBlock.objects.filter(pk=remainder.pk).update(status="superseded")
    problems = audit_registry()
    assert f"{a.code}: issued 150 t but live blocks hold 110 t" in problems
    assert f"{a.code}: superseded block {remainder.code} is not partitioned by its children" in problems


def test_a_block_moved_to_another_holder_in_place_is_reported(actors, ledger):
    a, _b = ledger
    block = _live(a, 14).get()
    _live(a, 14).update(holder=actors.orgs.outsider)  # the organiser's 14–60 stolen without a ledger entry
    assert audit_registry() == [f"{a.code}: block {block.code} (14-60) holder/status differs from the ledger"]


def test_a_retired_block_revived_with_its_retirement_row_is_reported(ledger):
    a, _b = ledger
    retirement = Retirement.objects.get()
    CreditBlock.objects.filter(pk=retirement.block_id).update(status="active")
    Retirement.objects.filter(pk=retirement.pk).delete()  # covering the tracks the retirement check follows
    assert audit_registry() == [
        f"{a.code}: block {retirement.block.code} (1-13) holder/status differs from the ledger",
        f"event {retirement.event.code}: retired_t 13 t but retirements sum to 0 t",
    ]


def test_an_event_total_that_differs_from_its_retirements_is_reported(ledger):
    from zhonghe.events.models import Event

    event = Retirement.objects.get().event
    Event.objects.filter(pk=event.pk).update(retired_t=20)  # would let a certificate through with 13 t retired
    assert audit_registry() == [f"event {event.code}: retired_t 20 t but retirements sum to 13 t"]


def test_a_ledger_move_of_serials_the_sender_did_not_hold_is_reported(actors, ledger):
    a, _b = ledger
    transfer = LedgerEntry.objects.filter(kind="transfer").first()
    LedgerEntry.objects.filter(pk=transfer.pk).update(from_org=actors.orgs.outsider)
    problems = audit_registry()
    assert f"{a.code}: ledger seq {transfer.seq} moves 1-60, not all held active by its sender" in problems
    assert f"ledger: seq {transfer.seq} entry_hash does not match its content" in problems


# ---------------------------------------------------------------- seal after commit: pending entries and the head


@pytest.fixture
def pending(actors):
    """Project A issued 1–100, the organiser bought 1–60 and retired 1–13; nothing sealed yet."""
    a = project_with_credits(actors, 100, code="CQCER-A")
    buy(actors, a, 60)
    event, _inventory = accounted_event(actors.organiser)
    credits_retire(actor=actors.organiser, event_code=event.code, project_code=a.code, quantity_t=13, reason="抵消")
    assert not LedgerEntry.objects.filter(seq__isnull=False).exists()
    assert audit_registry() == []
    return a


def test_an_edited_pending_entry_breaks_its_content_hash(actors, pending):
    retire = LedgerEntry.objects.get(kind="retire")
    LedgerEntry.objects.filter(pk=retire.pk).update(to_org=actors.orgs.outsider)
    assert audit_chain() == [f"ledger: pending id {retire.pk} content does not match its content_hash"]


def test_an_edited_pending_quantity_is_reported_with_its_range(pending):
    issue = LedgerEntry.objects.get(kind="issue")
    LedgerEntry.objects.filter(pk=issue.pk).update(quantity_t=1000)
    problems = audit_registry()
    assert f"ledger: pending id {issue.pk} content does not match its content_hash" in problems
    assert f"ledger: pending id {issue.pk} quantity 1000 t does not match its serial range 1-100" in problems
    assert f"{pending.code}: issued 1000 t but live blocks hold 100 t" in problems


def test_a_recomputed_pending_content_hash_still_fails_the_replay(actors, pending):
    transfer = LedgerEntry.objects.get(kind="transfer")
    LedgerEntry.objects.filter(pk=transfer.pk).update(from_org=actors.orgs.outsider)
    forged = LedgerEntry.objects.select_related("project", "from_org", "to_org").get(pk=transfer.pk)
    LedgerEntry.objects.filter(pk=transfer.pk).update(content_hash=content_hash(forged))
    problems = audit_registry()
    assert f"{pending.code}: ledger pending id {transfer.pk} moves 1-60, not all held active by its sender" in problems
    assert not any("content_hash" in p for p in problems)


def test_a_pending_entry_with_a_forged_seal_is_reported(pending):
    issue = LedgerEntry.objects.get(kind="issue")
    LedgerEntry.objects.filter(pk=issue.pk).update(entry_hash="e" * 64)
    assert audit_chain() == [f"ledger: pending id {issue.pk} carries a seal without a seq"]


def test_an_edited_entry_sealed_later_keeps_failing_its_content_hash(pending):
    issue = LedgerEntry.objects.get(kind="issue")
    LedgerEntry.objects.filter(pk=issue.pk).update(reference="block:forged")
    ledger_seal_all()  # the seal hashes the forged content; the content_hash set at append still disagrees
    sealed = LedgerEntry.objects.get(pk=issue.pk)
    assert audit_chain() == [f"ledger: seq {sealed.seq} content does not match its content_hash"]


def test_a_truncated_sealed_tail_is_reported_against_the_head(pending):
    ledger_seal_all()
    last = LedgerEntry.objects.order_by("-seq").first()
    LedgerEntry.objects.filter(pk=last.pk).delete()
    assert audit_chain() == [
        f"ledger: the head names seq {last.seq}, the chain ends at seq {last.seq - 1} (truncated or forged)"
    ]
