"""Invalidation (issue 8 item 7): a reversal by the operator, never a delete; held credits freeze; events whose
retirements used the credits need replacement and their certificates a top-up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from zhonghe.certificates.services import certificate_issue
from zhonghe.evaluations.offsets import offset_covered_t
from zhonghe.evaluations.tests.builders import accepted_evaluation
from zhonghe.footprints.tests.builders import accounted_event, active_blocks, buy, project_with_credits, refused
from zhonghe.lib.errors import Conflict, PermissionDenied, ValidationFailed
from zhonghe.registry.audit import audit_registry
from zhonghe.registry.invalidation import credits_invalidate
from zhonghe.registry.listings import listing_create
from zhonghe.registry.models import (
    BlockStatus,
    CreditBlock,
    InvalidationImpact,
    LedgerEntry,
    Listing,
)
from zhonghe.registry.services import credits_retire, order_create

pytestmark = pytest.mark.django_db


def _invalidate(actors, project, first, last, actor=None):
    return credits_invalidate(
        actor=actor or actors.platform,
        project_code=project.code,
        serial_first=first,
        serial_last=last,
        reason="项目核证撤销",
    )


def _retire(actors, event, project, quantity_t):
    return credits_retire(
        actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=quantity_t, reason="抵消"
    )


def test_held_credits_freeze_and_the_ledger_records_the_reversal(actors):
    project = project_with_credits(actors, 100)
    buy(actors, project, 30)  # the organiser holds 1–30
    blocks_before = CreditBlock.objects.count()
    inv = _invalidate(actors, project, 21, 40)  # 21–30 held by the organiser, 31–40 by the seller
    assert active_blocks(actors.orgs.organiser, project) == [(1, 20)]
    assert active_blocks(actors.orgs.seller, project) == [(41, 100)]
    frozen = CreditBlock.objects.filter(status=BlockStatus.INVALIDATED).order_by("serial_first")
    assert [(b.serial_first, b.serial_last, b.holder_id) for b in frozen] == [
        (21, 30, actors.orgs.organiser.id),
        (31, 40, actors.orgs.seller.id),
    ]
    assert CreditBlock.objects.count() > blocks_before  # superseded, never deleted
    entries = LedgerEntry.objects.filter(kind="invalidate").order_by("seq")
    assert [(e.serial_first, e.serial_last) for e in entries] == [(21, 30), (31, 40)]
    assert all(e.reference == f"invalidation:{inv.number}" for e in entries)
    event, _ = accounted_event(actors.organiser)  # needs 13 t; the organiser holds only 20 live
    refused(
        Conflict,
        "insufficient_credits",
        credits_retire,
        actor=actors.organiser,
        event_code=event.code,
        project_code=project.code,
        quantity_t=21,
        reason="抵消",
    )
    assert audit_registry() == []


def test_retired_credits_flag_the_event_and_its_certificate(actors):
    project = project_with_credits(actors, 100)
    buy(actors, project, 20)
    event, _ = accounted_event(actors.organiser)
    [retirement] = _retire(actors, event, project, 13)  # 1–13
    accepted_evaluation(actors, event)
    cert = certificate_issue(actor=actors.organiser, event_code=event.code)
    _invalidate(actors, project, 10, 15)  # 10–13 retired, 14–15 held
    [impact] = InvalidationImpact.objects.all()
    assert (impact.retirement, impact.event, impact.certificate, impact.quantity_t) == (retirement, event, cert, 4)
    assert list(cert.top_ups_needed.all()) == [impact]
    event.refresh_from_db()
    assert event.retired_t == 13 and offset_covered_t(event) == 9  # the retirement stays; 4 t no longer count
    assert audit_registry() == []


@pytest.mark.parametrize(("first", "last"), [(95, 105), (10, 12)], ids=["not-issued", "already-invalidated"])
def test_not_invalidatable_is_refused(actors, first, last):
    project = project_with_credits(actors, 100)
    _invalidate(actors, project, 5, 15)
    refused(Conflict, "not_invalidatable", _invalidate, actors, project, first, last)


def test_only_the_operator_with_a_reason(actors):
    project = project_with_credits(actors, 100)
    for actor in (actors.bureau, actors.seller, actors.organiser):
        refused(PermissionDenied, "permission_denied", _invalidate, actors, project, 1, 5, actor=actor)
    refused(
        ValidationFailed,
        "validation_failed",
        credits_invalidate,
        actor=actors.platform,
        project_code=project.code,
        serial_first=1,
        serial_last=5,
        reason=" ",
    )


def _listing(actors, project, quantity_t):
    return listing_create(
        actor=actors.seller,
        project_code=project.code,
        listing_type="credits",
        quantity_t=quantity_t,
        unit_price_cny=Decimal("20"),
        valid_until=timezone.localdate() + dt.timedelta(days=5),
    )


def test_listings_shrink_to_what_is_still_held(actors):
    project = project_with_credits(actors, 100)
    listing = _listing(actors, project, 90)
    _invalidate(actors, project, 1, 30)  # the seller keeps 70 t
    listing.refresh_from_db()
    assert listing.quantity_t == 70
    assert audit_registry() == []


def test_reserved_tonnes_cannot_be_frozen(actors):
    project = project_with_credits(actors, 100)
    listing = _listing(actors, project, 100)
    order_create(actor=actors.organiser, listing_code=listing.code, quantity_t=80)
    refused(Conflict, "reserved_credits", _invalidate, actors, project, 1, 30)
    assert Listing.objects.get().quantity_t == 100


def test_planted_revival_and_missing_impact_are_reported(actors):
    project = project_with_credits(actors, 100)
    buy(actors, project, 20)
    event, _ = accounted_event(actors.organiser)
    [retirement] = _retire(actors, event, project, 13)
    inv = _invalidate(actors, project, 10, 15)
    CreditBlock.objects.filter(status=BlockStatus.INVALIDATED, serial_first=14).update(status=BlockStatus.ACTIVE)
    InvalidationImpact.objects.all().delete()
    problems = audit_registry()
    assert f"invalidation {inv.number}: a block of 10-15 is live again" in problems
    assert f"retirement {retirement.number}: 4 t invalidated but its impacts record 0 t" in problems
    assert any("holder/status differs from the ledger" in p for p in problems)


def test_the_registry_spells_the_valid_certificate_status_as_the_certificates_app_does():
    """invalidation.py sits below certificates and names the valid status by value: the two must agree."""
    from zhonghe.certificates.models import CertificateStatus
    from zhonghe.registry.invalidation import VALID_CERTIFICATE

    assert VALID_CERTIFICATE == CertificateStatus.VALID.value
