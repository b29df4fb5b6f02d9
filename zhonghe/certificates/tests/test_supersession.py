"""A corrected inventory that needs a top-up: reopen, re-freeze, retire more, evaluate and accept again, issue. The
new certificate supersedes the old one, which stays public as superseded and points to its successor on the page,
in the JSON and for the offline verifier. Revoked states likewise."""

from __future__ import annotations

import json

import pytest
import time_machine

from zhonghe.certificates.models import Certificate, CertificateStatus, SigningKey
from zhonghe.certificates.services import certificate_correction_open, certificate_issue, certificate_revoke
from zhonghe.evaluations.tests.builders import accepted_evaluation
from zhonghe.events.models import Status
from zhonghe.footprints.services import inventory_freeze
from zhonghe.footprints.tests.builders import (
    AFTER_EVENT,
    accounted_event,
    add_electricity,
    buy,
    project_with_credits,
    refused,
)
from zhonghe.lib.errors import Conflict, NotFound, ValidationFailed
from zhonghe.registry.services import credits_retire
from zhonghe.verify import NO_LONGER_STANDS, VALID, main

pytestmark = pytest.mark.django_db


def _retire(actors, event, project, quantity_t):
    credits_retire(
        actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=quantity_t, reason="抵消"
    )


@pytest.fixture
def first(actors):
    project = project_with_credits(actors, 100)
    event, inventory = accounted_event(actors.organiser)  # 13 t
    buy(actors, project, 40)
    _retire(actors, event, project, inventory.required_offset_t)
    accepted_evaluation(actors, event)
    return project, event, certificate_issue(actor=actors.organiser, event_code=event.code)


def _corrected(actors, project, event):
    """Reopen, add the forgotten 10,000 kWh (v2 needs 19 t), top up the 6 t missing."""
    certificate_correction_open(actor=actors.organiser, event_code=event.code, reason="遗漏了一张电费单")
    add_electricity(actors.organiser, event.code, "after", "10000")
    with time_machine.travel(AFTER_EVENT, tick=False):
        v2 = inventory_freeze(actor=actors.organiser, code=event.code)
    assert v2.required_offset_t == 19  # 33,000 kWh × 0.5581 kg/kWh = 18.417 t
    _retire(actors, event, project, 6)
    event.refresh_from_db()
    assert event.status == Status.OFFSET
    return v2


def test_a_top_up_issues_a_certificate_that_supersedes_the_old_one(actors, first):
    project, event, old = first
    v2 = _corrected(actors, project, event)
    old.refresh_from_db()
    assert old.status == CertificateStatus.VALID  # stands until its successor is issued
    refused(Conflict, "evaluation_not_accepted", certificate_issue, actor=actors.organiser, event_code=event.code)
    accepted_evaluation(actors, event)
    new = certificate_issue(actor=actors.organiser, event_code=event.code)
    old.refresh_from_db()
    assert (old.status, old.superseded_by, old.superseded_at) == (CertificateStatus.SUPERSEDED, new, new.issued_at)
    assert new.inventory == v2 and new.status == CertificateStatus.VALID
    assert new.payload["supersedes"] == old.number
    assert new.payload["offsets"]["retired_t"] == 19
    assert [r["quantity_t"] for r in new.payload["offsets"]["retirements"]] == [13, 6]
    event.refresh_from_db()
    assert event.status == Status.CERTIFIED
    assert Certificate.objects.filter(event=event, status=CertificateStatus.VALID).get() == new
    refused(Conflict, "already_superseded", certificate_revoke, actor=actors.bureau, number=old.number, reason="x")


def test_the_superseded_certificate_says_so_on_page_json_and_offline(actors, client, first, tmp_path, capsys):
    project, event, old = first
    _corrected(actors, project, event)
    accepted_evaluation(actors, event)
    new = certificate_issue(actor=actors.organiser, event_code=event.code)
    old.refresh_from_db()

    page = client.get(f"/verify/{old.number}/").content.decode()
    assert 'data-status="superseded"' in page
    assert f'href="/verify/{new.number}/"' in page and "北京时间" in page
    beijing = old.superseded_at.astimezone(AFTER_EVENT.tzinfo).strftime("%Y-%m-%d %H:%M")
    assert beijing in page
    new_page = client.get(f"/verify/{new.number}/").content.decode()
    assert 'data-status="valid"' in new_page and f'href="/verify/{old.number}/"' in new_page

    body = client.get(f"/api/v1/certificates/{old.number}").json()
    assert (body["status"], body["superseded_by"]) == ("superseded", new.number)
    assert body["superseded_at_beijing"].endswith("+08:00")
    assert client.get(f"/api/v1/certificates/{new.number}").json()["supersedes"] == old.number

    key = tmp_path / "key.pem"
    key.write_text(SigningKey.objects.get(key_id=old.key_id).public_key_pem, encoding="ascii")
    document = tmp_path / "old.json"
    document.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    assert main([str(document), "--key", str(key)]) == NO_LONGER_STANDS
    out = capsys.readouterr().out
    assert f"SUPERSEDED: {old.number}" in out and f"by {new.number}" in out
    pdf = tmp_path / "old.pdf"
    pdf.write_bytes(client.get(f"/verify/{old.number}/certificate.pdf").content)
    assert main([str(pdf), "--key", str(key)]) == NO_LONGER_STANDS
    assert f"by {new.number}" in capsys.readouterr().out
    fresh = tmp_path / "new.pdf"
    fresh.write_bytes(client.get(f"/verify/{new.number}/certificate.pdf").content)
    assert main([str(fresh), "--key", str(key)]) == VALID


def test_revoked_says_so_on_page_and_json_with_reason_and_beijing_time(actors, client, first):
    _project, _event, cert = first
    certificate_revoke(actor=actors.bureau, number=cert.number, reason="核算数据造假")
    cert.refresh_from_db()
    page = client.get(f"/verify/{cert.number}/").content.decode()
    assert 'data-status="revoked"' in page and "核算数据造假" in page
    assert cert.revoked_at.astimezone(AFTER_EVENT.tzinfo).strftime("%Y-%m-%d %H:%M") in page
    body = client.get(f"/api/v1/certificates/{cert.number}").json()
    assert (body["status"], body["revoke_reason"]) == ("revoked", "核算数据造假")
    assert body["revoked_at_beijing"].endswith("+08:00")


def test_reopening_is_refused_without_a_reason_for_others_and_outside_certified(actors, first):
    _project, event, _cert = first
    refused(ValidationFailed, "validation_failed", certificate_correction_open,
            actor=actors.organiser, event_code=event.code, reason=" ")  # fmt: skip
    refused(NotFound, "not_found", certificate_correction_open,
            actor=actors.outsider, event_code=event.code, reason="更正")  # fmt: skip
    certificate_correction_open(actor=actors.organiser, event_code=event.code, reason="更正")
    refused(Conflict, "illegal_transition", certificate_correction_open,
            actor=actors.organiser, event_code=event.code, reason="更正")  # fmt: skip


def test_revoking_during_a_correction_keeps_the_event_where_it_is(actors, first):
    _project, event, cert = first
    certificate_correction_open(actor=actors.organiser, event_code=event.code, reason="更正")
    certificate_revoke(actor=actors.bureau, number=cert.number, reason="数据有误")
    event.refresh_from_db()
    cert.refresh_from_db()
    assert (event.status, cert.status) == (Status.ACCOUNTED, CertificateStatus.REVOKED)
