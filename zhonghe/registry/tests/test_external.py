"""External cancellations (issue 8 item 5): recorded with a checked proof file, reviewed by the bureau or the
operator, unique across the platform, and counted towards the offset — a CCER-only event is certified."""

from __future__ import annotations

import hashlib

import pytest
import time_machine
from django.core.files.storage import default_storage

from zhonghe.certificates.services import certificate_issue
from zhonghe.evaluations.offsets import offset_covered_t
from zhonghe.evaluations.tests.builders import accepted_evaluation
from zhonghe.events.models import Status
from zhonghe.footprints.tests.builders import AFTER_EVENT, accounted_event, refused
from zhonghe.lib.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhonghe.registry.audit import audit_registry
from zhonghe.registry.external import (
    MAX_PROOF_BYTES,
    external_cancellation_confirm,
    external_cancellation_reject,
)
from zhonghe.registry.models import ExternalCancellation, ExternalStatus
from zhonghe.registry.tests.external_builders import JPEG, PNG, proof_pdf, record

pytestmark = pytest.mark.django_db

LATER = time_machine.travel(AFTER_EVENT.replace(day=22), tick=False)


@pytest.fixture
def events(actors):
    ours, _inv = accounted_event(actors.organiser)  # needs 13 t
    theirs, _inv2 = accounted_event(actors.outsider)
    return ours, theirs


def test_recorded_with_its_proof_hash_and_stored_file(actors, events):
    ours, _ = events
    proof = proof_pdf("a")
    with LATER:
        x = record(actors.organiser, ours, proof=proof)
    assert (x.status, x.quantity_t, x.proof_content_type) == (ExternalStatus.PENDING, 13, "application/pdf")
    assert x.proof_sha256 == hashlib.sha256(proof).hexdigest() and x.proof_size_bytes == len(proof)
    with default_storage.open(x.proof_file.name, "rb") as stored:
        assert stored.read() == proof
    assert (x.beneficiary_name, x.beneficiary_uscc) == (actors.orgs.organiser.name, actors.orgs.organiser.uscc)
    assert offset_covered_t(ours) == 0  # pending tonnes do not count
    assert audit_registry() == []


@pytest.mark.parametrize("proof", [PNG, JPEG], ids=["png", "jpeg"])
def test_images_are_accepted(actors, events, proof):
    with LATER:
        assert record(actors.organiser, events[0], proof=proof).proof_content_type.startswith("image/")


@pytest.mark.parametrize(
    "proof",
    [b"GIF89a" + b"\x00" * 20, b"", b"<html>%PDF-</html>", b"%PDF-" + b"0" * MAX_PROOF_BYTES],
    ids=["gif", "empty", "pdf-not-at-start", "too-large"],
)
def test_wrong_type_or_size_is_refused(actors, events, proof):
    with LATER:
        refused(ValidationFailed, "validation_failed", record, actors.organiser, events[0], proof=proof)


@pytest.mark.parametrize(
    "extra",
    [
        {"registry": "verra"},
        {"first": 10, "last": 5},
        {"first": 0, "last": 12},
        {"cancelled_on": AFTER_EVENT.date().replace(year=2028)},
        {"proof_number": " "},
        {"beneficiary_uscc": "123"},
    ],
    ids=["registry", "reversed", "zero", "future", "no-number", "bad-uscc"],
)
def test_bad_fields_are_refused(actors, events, extra):
    with LATER:
        refused(ValidationFailed, "validation_failed", record, actors.organiser, events[0], **extra)


def test_quantity_must_match_the_range(actors, events):
    from zhonghe.registry.external import external_cancellation_record

    with LATER:
        refused(
            ValidationFailed,
            "validation_failed",
            external_cancellation_record,
            actor=actors.organiser,
            event_code=events[0].code,
            registry="ccer_national",
            serial_first=1,
            serial_last=13,
            quantity_t=12,
            cancelled_on=AFTER_EVENT.date(),
            proof_number="N-1",
            proof=proof_pdf("q"),
        )


def test_another_organisations_event_is_not_found(actors, events):
    with LATER:
        refused(NotFound, "not_found", record, actors.organiser, events[1])


def test_only_a_frozen_inventory_not_yet_offset(actors, events):
    from zhonghe.footprints.tests.builders import planned_event

    draft = planned_event(actors.organiser)
    with LATER:
        refused(Conflict, "not_accounted", record, actors.organiser, draft)


@pytest.mark.parametrize(
    ("first", "last", "registry", "same_file"),
    [
        (1, 13, "ccer_national", False),  # the same range
        (10, 20, "ccer_national", False),  # overlapping
        (5, 6, "ccer_national", False),  # inside
        (100, 112, "allowance_national", True),  # another range, the same proof file
    ],
)
def test_the_same_claim_is_refused_across_organisations(actors, events, first, last, registry, same_file):
    ours, theirs = events
    proof = proof_pdf("shared")
    with LATER:
        record(actors.organiser, ours, first=1, last=13, proof=proof)
        second = proof if same_file else proof_pdf("other")
        refused(
            Conflict,
            "already_claimed",
            record,
            actors.outsider,
            theirs,
            first=first,
            last=last,
            registry=registry,
            proof=second,
        )


def test_the_same_range_in_another_registry_or_after_rejection_is_free(actors, events):
    ours, theirs = events
    with LATER:
        first = record(actors.organiser, ours, first=1, last=13)
        record(actors.outsider, theirs, first=1, last=13, registry="allowance_chongqing")
        external_cancellation_reject(actor=actors.bureau, code=first.code, note="证明与登记系统记录不符")
        again = record(actors.outsider, theirs, first=1, last=13, proof=proof_pdf("ccer_national-1-13"))
    assert again.proof_sha256 == first.proof_sha256  # the rejected record freed the file and the range
    assert audit_registry() == []


def test_confirmed_tonnes_complete_the_offset(actors, events):
    ours, _ = events
    with LATER:
        x = record(actors.organiser, ours, first=1, last=8)
        y = record(actors.organiser, ours, first=50, last=54, registry="allowance_chongqing")
        external_cancellation_confirm(actor=actors.bureau, code=x.code)
        ours.refresh_from_db()
        assert (offset_covered_t(ours), ours.status) == (8, Status.ACCOUNTED)
        external_cancellation_confirm(actor=actors.platform, code=y.code)  # the registry operator
    ours.refresh_from_db()
    assert (offset_covered_t(ours), ours.status) == (13, Status.OFFSET)
    assert audit_registry() == []


def test_review_needs_the_bureau_or_the_operator_and_a_reason_to_reject(actors, events):
    with LATER:
        x = record(actors.organiser, events[0])
        for actor in (actors.organiser, actors.seller, actors.verifier):
            refused(PermissionDenied, "permission_denied", external_cancellation_confirm, actor=actor, code=x.code)
        refused(
            ValidationFailed,
            "validation_failed",
            external_cancellation_reject,
            actor=actors.bureau,
            code=x.code,
            note="  ",
        )
        external_cancellation_reject(actor=actors.bureau, code=x.code, note="证明不清晰")
        refused(Conflict, "external_not_pending", external_cancellation_confirm, actor=actors.bureau, code=x.code)
    x.refresh_from_db()
    assert (x.status, x.review_note, x.reviewed_by) == (ExternalStatus.REJECTED, "证明不清晰", actors.users.bureau)


def test_a_ccer_only_event_is_certified_end_to_end(actors, events):
    ours, _ = events
    with LATER:
        x = record(actors.organiser, ours, first=880001, last=880013)
        external_cancellation_confirm(actor=actors.bureau, code=x.code)
        ours.refresh_from_db()
        assert ours.status == Status.OFFSET and ours.retired_t == 0
        accepted_evaluation(actors, ours)
        cert = certificate_issue(actor=actors.organiser, event_code=ours.code)
    ours.refresh_from_db()
    assert ours.status == Status.CERTIFIED and cert.event == ours
    assert ExternalCancellation.objects.get().status == ExternalStatus.CONFIRMED
    assert audit_registry() == []
    # The signed payload names the cancellation: registry, serial range, tonnes and the proof's digest.
    offsets = cert.payload["offsets"]
    assert offsets["external_t"] == 13 and offsets["retirements"] == []
    [listed] = offsets["external_cancellations"]
    assert (listed["number"], listed["registry"], listed["credit_type"]) == (x.number, "ccer_national", "CCER")
    assert (listed["serial_first"], listed["serial_last"], listed["quantity_t"]) == (880001, 880013, 13)
    assert (listed["reference"], listed["proof_sha256"]) == (x.proof_number, x.proof_sha256)
    assert listed["cancelled_on"] == x.cancelled_on.isoformat()


def test_planted_overlap_is_reported(actors, events):
    ours, theirs = events
    with LATER:
        record(actors.organiser, ours, first=1, last=13)
        other = record(actors.outsider, theirs, first=100, last=112)
    ExternalCancellation.objects.filter(pk=other.pk).update(serial_first=10, serial_last=22)
    problems = audit_registry()
    assert len(problems) == 1 and "overlaps" in problems[0] and other.number in problems[0]


def test_planted_confirmation_without_reviewer_and_foreign_inventory_are_reported(actors, events):
    ours, theirs = events
    with LATER:
        x = record(actors.organiser, ours)
    ExternalCancellation.objects.filter(pk=x.pk).update(status="confirmed", inventory=theirs.inventories.get())
    problems = audit_registry()
    assert f"external {x.number}: confirmed without a reviewer" in problems
    assert f"external {x.number}: its inventory belongs to another event" in problems
