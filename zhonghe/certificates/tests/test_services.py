"""certificates services: certificate_issue, certificate_revoke; the public verify page (DB + client)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from zhonghe.certificates.models import Certificate, CertificateStatus, SigningKey
from zhonghe.certificates.payload import ISSUER
from zhonghe.certificates.services import PAYLOAD_SCHEMA, certificate_issue, certificate_revoke, verify_url
from zhonghe.certificates.signing import (
    canonical_jcs,
    canonical_payload,
    key_id_for,
    load_public_key_pem,
    verify_canonical,
)
from zhonghe.evaluations.tests.builders import accepted_evaluation, concluded_evaluation
from zhonghe.events.models import Event, Status
from zhonghe.footprints.services import activity_delete, inventory_freeze
from zhonghe.footprints.tests.builders import (
    AFTER_EVENT,
    TZ,
    accounted_event,
    add_electricity,
    buy,
    force_status,
    project_with_credits,
    refused,
)
from zhonghe.lib.append_only import drop_guard_sql
from zhonghe.lib.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhonghe.registry.models import LedgerEntry
from zhonghe.registry.services import credits_retire

pytestmark = pytest.mark.django_db

ISSUE_AT = datetime(2027, 3, 28, 9, 30, 15, 123456, tzinfo=TZ)


@pytest.fixture
def project(actors):
    return project_with_credits(actors, 1000)


@pytest.fixture
def accounted(actors, project):
    event, inventory = accounted_event(actors.organiser)  # needs 13 t
    buy(actors, project, 100)
    return event, inventory


def _retire(actors, event, project, quantity):
    return credits_retire(
        actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=quantity, reason="抵消"
    )


@pytest.fixture
def offset(actors, project, accounted):
    event, inventory = accounted
    _retire(actors, event, project, 8)
    _retire(actors, event, project, 5)
    event.refresh_from_db()
    assert event.status == Status.OFFSET
    return event, inventory


@pytest.fixture
def certificate(actors, offset):
    event, _inventory = offset
    accepted_evaluation(actors, event)
    with time_machine.travel(ISSUE_AT, tick=False):
        return certificate_issue(actor=actors.organiser, event_code=event.code)


# ---------------------------------------------------------------- refusals


def test_issue_refused_while_retired_is_below_required(actors, project, accounted):
    event, _inventory = accounted
    _retire(actors, event, project, 12)
    error = refused(Conflict, "insufficient_offset", certificate_issue, actor=actors.organiser, event_code=event.code)
    assert "12" in error.message and "13" in error.message
    event.refresh_from_db()
    assert event.status == Status.ACCOUNTED
    assert not Certificate.objects.exists()


def test_the_refusal_names_whole_tonnes_grouped(actors, project):
    event, inventory = accounted_event(actors.organiser, after_kwh="3000000", name="大型展会")
    assert inventory.required_offset_t >= 1000  # the figure needs a thousands separator
    buy(actors, project, 20)
    _retire(actors, event, project, 12)
    error = refused(Conflict, "insufficient_offset", certificate_issue, actor=actors.organiser, event_code=event.code)
    assert f"{inventory.required_offset_t:,}吨" in error.message and "（12吨）" in error.message
    assert str(inventory.required_offset_t) not in error.message  # never ungrouped


def test_issue_refused_with_nothing_retired_even_if_the_status_were_offset(actors, accounted):
    event, _inventory = accounted
    force_status(event, Status.OFFSET)
    refused(Conflict, "insufficient_offset", certificate_issue, actor=actors.organiser, event_code=event.code)
    assert not Certificate.objects.exists()


def test_issue_refused_without_an_inventory(actors):
    from zhonghe.footprints.tests.builders import planned_event

    event = planned_event(actors.organiser)
    refused(Conflict, "no_inventory", certificate_issue, actor=actors.organiser, event_code=event.code)


def test_issue_refused_without_an_accepted_evaluation(actors, offset):
    event, _inventory = offset
    refused(Conflict, "evaluation_not_accepted", certificate_issue, actor=actors.organiser, event_code=event.code)
    force_status(event, Status.ACCEPTED)  # even in the right status, the evaluation itself is what counts
    refused(Conflict, "evaluation_not_accepted", certificate_issue, actor=actors.organiser, event_code=event.code)
    force_status(event, Status.OFFSET)
    concluded_evaluation(actors, event)  # signed by the verifier, not yet accepted by the bureau
    refused(Conflict, "evaluation_not_accepted", certificate_issue, actor=actors.organiser, event_code=event.code)
    assert not Certificate.objects.exists()


def test_issue_refused_when_the_accepted_evaluation_is_of_an_older_inventory(actors, project, offset):
    event, _inventory = offset
    accepted_evaluation(actors, event)
    # Force a newer frozen version beside the accepted one (the workflow would have sent it back first).
    force_status(event, Status.ACCOUNTED)
    add_electricity(actors.organiser, event.code, "after", "10")
    with time_machine.travel(AFTER_EVENT, tick=False):
        inventory_freeze(actor=actors.organiser, code=event.code)
    force_status(event, Status.ACCEPTED)
    refused(Conflict, "evaluation_not_accepted", certificate_issue, actor=actors.organiser, event_code=event.code)


def test_issue_refused_when_cancelled_tonnes_fall_short_even_with_an_accepted_evaluation(actors, offset):
    event, _inventory = offset
    accepted_evaluation(actors, event)
    Event.objects.filter(pk=event.pk).update(retired_t=12)  # what offset_covered_t reads
    refused(Conflict, "insufficient_offset", certificate_issue, actor=actors.organiser, event_code=event.code)


def test_completion_after_the_deadline_is_issued_but_marked_late(actors, offset):
    event, _inventory = offset
    accepted_evaluation(actors, event)
    assert event.deadline.isoformat() == "2027-04-11"  # end 2027-03-11 + 1 calendar month
    with time_machine.travel(datetime(2027, 4, 12, 9, 0, tzinfo=TZ), tick=False):
        late = certificate_issue(actor=actors.organiser, event_code=event.code)
    assert late.late is True
    assert late.evaluation == event.evaluations.get()


def test_completion_on_the_deadline_day_is_on_time(actors, offset):
    event, _inventory = offset
    accepted_evaluation(actors, event)
    with time_machine.travel(datetime(2027, 4, 11, 23, 30, tzinfo=TZ), tick=False):
        assert certificate_issue(actor=actors.organiser, event_code=event.code).late is False


def test_issue_refused_for_other_orgs_forged_codes_and_wrong_roles(actors, offset):
    event, _inventory = offset
    refused(NotFound, "not_found", certificate_issue, actor=actors.outsider, event_code=event.code)
    for code in ["forged", None, str(uuid.uuid4())]:
        refused(NotFound, "not_found", certificate_issue, actor=actors.organiser, event_code=code)
    for who in ("bureau", "seller", "verifier"):
        refused(
            PermissionDenied, "permission_denied", certificate_issue, actor=getattr(actors, who), event_code=event.code
        )


def test_second_issuerefused(actors, offset, certificate):
    event, _inventory = offset
    refused(Conflict, "illegal_transition", certificate_issue, actor=actors.organiser, event_code=event.code)
    assert Certificate.objects.count() == 1


def test_certificate_after_a_correction_that_lowers_the_requirement(actors, project):
    event, _v1 = accounted_event(actors.organiser)  # 23,000 kWh → 13 t
    buy(actors, project, 20)
    correction = add_electricity(actors.organiser, event.code, "after", "1000")
    _retire(actors, event, project, 12)  # 12 < 14 (v1 + correction not yet frozen: v1 needs 13)
    event.refresh_from_db()
    assert event.status == Status.ACCOUNTED
    # The meter reading was double counted: remove the 23,000 kWh line, keep the 1,000 kWh correction.
    first_line = event.activities.filter(stage="after").exclude(pk=correction.pk).get()
    activity_delete(actor=actors.organiser, code=event.code, activity_code=first_line.code)
    with time_machine.travel(AFTER_EVENT, tick=False):
        v2 = inventory_freeze(actor=actors.organiser, code=event.code)
    assert v2.required_offset_t == 1  # 558.1 kg; 12 t are already retired
    event.refresh_from_db()
    assert event.status == Status.OFFSET
    assert list(event.transitions.order_by("id").values_list("action", flat=True))[-2:] == [
        "freeze_inventory",
        "complete_offset",
    ]
    accepted_evaluation(actors, event)
    certificate = certificate_issue(actor=actors.organiser, event_code=event.code)
    assert certificate.inventory == v2


# ---------------------------------------------------------------- happy path


def test_issue_happy_path_payload(actors, project, offset, certificate):
    event, inventory = offset
    event.refresh_from_db()
    certificate.refresh_from_db()
    assert event.status == Status.CERTIFIED
    log = event.transitions.order_by("id").last()
    assert (log.action, log.to_status, log.note) == ("issue_certificate", "certified", certificate.number)
    assert certificate.number == "ZH-2027-000001"
    assert certificate.status == CertificateStatus.VALID
    assert certificate.issued_at == ISSUE_AT.replace(microsecond=0)
    assert certificate.inventory == inventory
    evaluation = certificate.evaluation
    org = actors.orgs.organiser
    payload = certificate.payload
    assert payload == {
        "schema": PAYLOAD_SCHEMA,
        "number": "ZH-2027-000001",
        "issuer": ISSUER,
        "event": {
            "code": str(event.code),
            "name": event.name,
            "kind": "forum",
            "start_date": "2027-03-10",
            "end_date": "2027-03-11",
            "venue_district": "渝中区",
            "venue_address": event.venue_address,
        },
        "organiser": {"name": org.name, "uscc": org.uscc},
        "inventory": {
            "version": 1,
            "hash": inventory.data_hash,
            "factor_release": inventory.release_code,
            "factor_release_hash": inventory.release_hash,
            "method_version": inventory.method_version,
            "total_t_co2e": "12.836",
            # the stored 95 % range in kg, shown in t to the kilogram
            "range_95": {
                "low_t_co2e": str((inventory.range_low_kg_co2e / 1000).quantize(Decimal("0.001"))),
                "high_t_co2e": str((inventory.range_high_kg_co2e / 1000).quantize(Decimal("0.001"))),
            },
        },
        "offsets": {
            "required_t": 13,
            "retired_t": 13,
            "retirements": [
                {
                    "number": r.number,
                    "credit_type": "CQCER",
                    "project_code": project.code,
                    "project_name": project.name,
                    "vintage": 2025,
                    "serial_first": f"{project.code}-{first:09d}",
                    "serial_last": f"{project.code}-{last:09d}",
                    "quantity_t": q,
                }
                for r, (first, last, q) in zip(event.retirements.order_by("id"), [(1, 8, 8), (9, 13, 5)], strict=True)
            ],
            "external_t": 0,
            "external_cancellations": [],
        },
        # issue, transfer, two retirements: the head after the last of them
        "ledger_head": {"hash": LedgerEntry.objects.get(seq=4).entry_hash, "entries": 4},
        "evaluation": {
            "mode": "third_party",
            "verifier": {"name": actors.orgs.verifier.name, "uscc": actors.orgs.verifier.uscc},
            "conclusion_digest": evaluation.conclusion_digest,
            "concluded_at": evaluation.concluded_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "accepted_at": evaluation.accepted_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        "completed_late": False,
        "supersedes": None,
        "issued_at": "2027-03-28T01:30:15Z",  # 09:30:15 in Chongqing, to the second, in UTC
        "issued_at_beijing": "2027-03-28T09:30:15+08:00",
        "key_id": certificate.key_id,
    }
    assert len(evaluation.conclusion_digest) == 64
    assert not LedgerEntry.objects.filter(seq=5).exists()
    assert payload["offsets"]["retirements"][0]["serial_first"] == "CQCER-2025-0007-000000001"
    assert certificate.payload_canonical == canonical_jcs(payload) == canonical_payload(payload)  # ASCII keys
    assert json.loads(certificate.payload_canonical) == payload


def test_signature_verifies_with_only_the_published_public_key(certificate):
    published = SigningKey.objects.get(key_id=certificate.key_id)
    assert published.algorithm == "Ed25519"
    assert "PRIVATE" not in published.public_key_pem
    public_key = load_public_key_pem(published.public_key_pem)
    assert key_id_for(public_key) == certificate.key_id
    assert verify_canonical(certificate.payload_canonical, certificate.signature, public_key)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda text: text.replace('"retired_t":13', '"retired_t":14'),
        lambda text: text.replace("CQCER-2025-0007-000000001", "CQCER-2025-0007-000000002"),
        lambda text: text + " ",
        lambda text: text.replace("渝中区", "江北区"),
    ],
    ids=["retired", "serial", "whitespace", "district"],
)
def test_tampered_payload_fails_verification(certificate, tamper):
    public_key = load_public_key_pem(SigningKey.objects.get(key_id=certificate.key_id).public_key_pem)
    tampered = tamper(certificate.payload_canonical)
    assert tampered != certificate.payload_canonical
    assert not verify_canonical(tampered, certificate.signature, public_key)


def test_one_signing_key_is_published_once(actors, project, certificate):
    event2, _inv = accounted_event(actors.organiser, name="第二个活动")
    buy(actors, project, 13)
    _retire(actors, event2, project, 13)
    accepted_evaluation(actors, event2)
    second = certificate_issue(actor=actors.organiser, event_code=event2.code)
    assert second.number.endswith("-000002")
    assert second.key_id == certificate.key_id
    assert SigningKey.objects.count() == 1


# ---------------------------------------------------------------- revoke


def test_revoke_by_the_reviewer_keeps_the_row(actors, offset, certificate):
    event, _inventory = offset
    with time_machine.travel(datetime(2027, 4, 2, tzinfo=UTC), tick=False):
        revoked = certificate_revoke(actor=actors.bureau, number=certificate.number, reason="  核查发现重复计算  ")
    revoked.refresh_from_db()
    assert revoked.pk == certificate.pk
    assert revoked.status == CertificateStatus.REVOKED
    assert revoked.revoke_reason == "核查发现重复计算"
    assert revoked.revoked_at == datetime(2027, 4, 2, tzinfo=UTC)
    assert (revoked.payload, revoked.signature) == (certificate.payload, certificate.signature)
    event.refresh_from_db()
    assert event.status == Status.ACCOUNTED  # the result no longer stands: back to accounting
    log = event.transitions.order_by("id").last()
    assert (log.action, log.from_status, log.to_status, log.actor) == (
        "revoke_certificate",
        "certified",
        "accounted",
        actors.users.bureau,
    )
    assert log.note == f"{certificate.number}：核查发现重复计算"
    # The platform admin holds every role, so it may revoke too (here: already revoked).
    refused(
        Conflict,
        "already_revoked",
        certificate_revoke,
        actor=actors.platform,
        number=certificate.number,
        reason="again",
    )


def test_revoke_refusals(actors, certificate):
    for who in ("organiser", "seller", "verifier", "outsider"):
        refused(
            PermissionDenied,
            "permission_denied",
            certificate_revoke,
            actor=getattr(actors, who),
            number=certificate.number,
            reason="x",
        )
    refused(NotFound, "not_found", certificate_revoke, actor=actors.bureau, number="ZH-2027-999999", reason="x")
    error = refused(
        ValidationFailed,
        "validation_failed",
        certificate_revoke,
        actor=actors.bureau,
        number=certificate.number,
        reason="  ",
    )
    assert error.fields == {"reason": "required"}
    error = refused(
        ValidationFailed,
        "validation_failed",
        certificate_revoke,
        actor=actors.bureau,
        number=certificate.number,
        reason="长" * 501,
    )
    assert error.fields == {"reason": "too_long"}
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_after_revocation_a_completed_offset_earns_a_new_certificate(actors, project, offset, certificate):
    event, _inventory = offset
    certificate_revoke(actor=actors.bureau, number=certificate.number, reason="注销凭证有误")
    refused(Conflict, "illegal_transition", certificate_issue, actor=actors.organiser, event_code=event.code)
    _retire(actors, event, project, 1)  # the organiser completes the offset again
    event.refresh_from_db()
    assert event.status == Status.OFFSET
    refused(Conflict, "illegal_transition", certificate_issue, actor=actors.organiser, event_code=event.code)
    accepted_evaluation(actors, event)  # a new evaluation: the accepted one belonged to the revoked result
    assert event.evaluations.count() == 2
    second = certificate_issue(actor=actors.organiser, event_code=event.code)
    assert second.number != certificate.number
    assert Certificate.objects.filter(event=event, status=CertificateStatus.VALID).get() == second
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED


# ---------------------------------------------------------------- public verify page


def test_verify_url_is_absolute():
    assert verify_url("ZH-2027-000001") == "http://testserver/verify/ZH-2027-000001/"


def test_verify_page_valid_then_revoked(actors, client, certificate):
    response = client.get(f"/verify/{certificate.number}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-status="valid"' in html
    assert certificate.number in html
    assert certificate.payload["inventory"]["hash"] in html
    assert "CQCER-2025-0007-000000001" in html
    certificate_revoke(actor=actors.bureau, number=certificate.number, reason="撤销原因")
    html = client.get(f"/verify/{certificate.number}/").content.decode()
    assert 'data-status="revoked"' in html and 'data-status="valid"' not in html
    assert "撤销原因" in html


def test_verify_page_shows_invalid_for_a_tampered_row(client, certificate):
    with connection.cursor() as cursor:  # tampering as a database owner would: lift the append-only guard first
        for sql in drop_guard_sql(connection.vendor, "certificates_certificate"):
            cursor.execute(sql)
    Certificate.objects.filter(pk=certificate.pk).update(
        payload_canonical=certificate.payload_canonical.replace('"retired_t":13', '"retired_t":99')
    )
    html = client.get(f"/verify/{certificate.number}/").content.decode()
    assert 'data-status="invalid"' in html


def test_verify_page_unknown_number_is_404(client, db):
    assert client.get("/verify/ZH-2027-000404/").status_code == 404
    assert client.get("/verify/ZH-2027-000404/certificate.pdf").status_code == 404
