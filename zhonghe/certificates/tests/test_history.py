"""Anchored history: certificates carry the ledger head, the signed head is public, the audit checks checkpoints,
and certificates are append-only in the database except for their revocation."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from zhonghe.certificates.models import Certificate, SigningKey
from zhonghe.certificates.services import PAYLOAD_SCHEMA, certificate_issue, certificate_revoke
from zhonghe.certificates.signing import canonical_jcs, canonical_payload, load_public_key_pem, verify_canonical
from zhonghe.evaluations.tests.builders import accepted_evaluation
from zhonghe.footprints.tests.builders import accounted_event, buy, db_snapshot, project_with_credits
from zhonghe.registry.ledger import GENESIS_HASH, entry_body, entry_hash
from zhonghe.registry.models import LedgerEntry, LedgerKind
from zhonghe.registry.services import credits_retire

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(actors):
    project = project_with_credits(actors, 1000)
    event, _inventory = accounted_event(actors.organiser)  # needs 13 t
    buy(actors, project, 13)
    credits_retire(actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=13, reason="r")
    accepted_evaluation(actors, event)
    return certificate_issue(actor=actors.organiser, event_code=event.code)


def _published(key_id: str):
    return load_public_key_pem(SigningKey.objects.get(key_id=key_id).public_key_pem)


def test_a_new_certificate_signs_the_ledger_head_at_issue(certificate):
    last = LedgerEntry.objects.order_by("-seq").first()
    assert last.kind == LedgerKind.RETIRE  # issue, transfer, retire: the retirement is inside the head
    assert certificate.payload["schema"] == PAYLOAD_SCHEMA == "zhonghe.certificate/4"
    assert certificate.payload["ledger_head"] == {"hash": last.entry_hash, "entries": LedgerEntry.objects.count()}
    assert certificate.payload_canonical == canonical_jcs(certificate.payload)
    assert verify_canonical(certificate.payload_canonical, certificate.signature, _published(certificate.key_id))


def test_the_public_ledger_head_is_signed(client, certificate):
    response = client.get("/api/v1/ledger/head")
    assert response.status_code == 200
    head = response.json()
    last = LedgerEntry.objects.order_by("-seq").first()
    assert (head["hash"], head["entries"], head["schema"]) == (last.entry_hash, last.seq, "zhonghe.ledger_head/1")
    statement = {k: head[k] for k in ("schema", "hash", "entries", "at", "key_id")}
    assert head["payload_canonical"] == canonical_payload(statement)
    assert verify_canonical(head["payload_canonical"], head["signature"], _published(head["key_id"]))
    forged = head["payload_canonical"].replace(f'"entries":{last.seq}', f'"entries":{last.seq + 1}')
    assert not verify_canonical(forged, head["signature"], _published(head["key_id"]))


def test_an_empty_ledger_has_the_genesis_head(client, db):
    head = client.get("/api/v1/ledger/head").json()
    assert (head["hash"], head["entries"]) == (GENESIS_HASH, 0)


def _audit(tmp_path, checkpoint: object) -> str:
    path = tmp_path / "head.json"
    path.write_text(json.dumps(checkpoint), encoding="utf-8")
    out = StringIO()
    try:
        call_command("registry_audit", "--checkpoint", str(path), stdout=out)
    except CommandError as exc:
        return out.getvalue() + f"FAILED: {exc}"
    return out.getvalue()


def test_audit_accepts_a_checkpoint_the_chain_still_holds(client, actors, certificate, tmp_path):
    saved = client.get("/api/v1/ledger/head").json()
    buy(actors, certificate.event.retirements.first().block.project, 10)  # the chain grows past the checkpoint
    assert "no violations" in _audit(tmp_path, saved)
    assert "no violations" in _audit(tmp_path, {"hash": GENESIS_HASH, "entries": 0})


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda head: {**head, "hash": "f" * 64}, "history rewritten"),
        (lambda head: {**head, "entries": head["entries"] + 50}, "has no entry"),
        (lambda head: {**head, "entries": "three"}, "needs"),
        (lambda head: [head], "not a JSON object"),
    ],
    ids=["other hash", "beyond the chain", "not a count", "not an object"],
)
def test_audit_reports_a_checkpoint_the_chain_no_longer_holds(client, certificate, tmp_path, change, expected):
    saved = client.get("/api/v1/ledger/head").json()
    result = _audit(tmp_path, change(saved))
    assert expected in result and "FAILED: 1 registry violation" in result


def test_audit_reports_an_entry_whose_quantity_differs_from_its_range(certificate):
    last = LedgerEntry.objects.order_by("-seq").first()
    forged = LedgerEntry(
        seq=last.seq + 1,
        kind=LedgerKind.ISSUE,
        project=last.project,
        serial_first=5001,
        serial_last=5010,
        quantity_t=100,  # the range holds 10
        from_org=None,
        to_org=last.project.seller,
        reference="forged",
        at=timezone.now(),
        prev_hash=last.entry_hash,
    )
    forged.entry_hash = entry_hash(forged.prev_hash, entry_body(forged))  # a consistent chain, a wrong quantity
    forged.save()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("registry_audit", stdout=out)
    assert f"seq {forged.seq} quantity 100 t does not match its serial range 5001-5010" in out.getvalue()


# ---------------------------------------------------------------- certificates are append-only


@pytest.mark.parametrize(
    "change",
    [
        {"payload_canonical": "{}"},
        {"signature": "AAAA"},
        {"key_id": "ed25519:0000000000000000"},
        {"status": "revoked", "payload_canonical": "{}"},  # a revocation may not rewrite the payload
    ],
    ids=["payload", "signature", "key", "revoke and rewrite"],
)
def test_the_database_refuses_to_change_a_certificate(certificate, change):
    before = db_snapshot()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(**change)
    assert db_snapshot() == before
    with pytest.raises(ValueError, match="append-only"):
        certificate.save()


def test_revocation_is_the_one_allowed_change_and_happens_once(actors, certificate):
    revoked = certificate_revoke(actor=actors.bureau, number=certificate.number, reason="数据有误")
    assert Certificate.objects.get(pk=certificate.pk).status == "revoked" == revoked.status
    before = db_snapshot()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(status="valid")  # no un-revoking
    assert db_snapshot() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite guards UPDATE only")
def test_postgresql_refuses_to_delete_a_certificate(certificate):
    before = db_snapshot()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute('DELETE FROM "certificates_certificate"')
    assert db_snapshot() == before
