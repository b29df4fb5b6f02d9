"""Signing keys: one configured key shared by every instance, init/rotate/retire/list, and startup refusals."""

from __future__ import annotations

import importlib
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from zhonghe.certificates import keys
from zhonghe.certificates.models import Certificate, SigningKey
from zhonghe.certificates.services import certificate_issue
from zhonghe.certificates.signing import (
    generate_private_key,
    key_id_for,
    load_public_key_pem,
    private_key_to_pem,
    verify_canonical,
)
from zhonghe.evaluations.tests.builders import accepted_evaluation
from zhonghe.footprints.tests.builders import accounted_event, buy, project_with_credits
from zhonghe.registry.services import credits_retire

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_file(settings, tmp_path):
    settings.SIGNING_KEY_FILE = tmp_path / "keys" / "signing_key.pem"
    settings.SIGNING_KEY_PEM = ""
    return settings.SIGNING_KEY_FILE


def run(*args) -> str:
    out = StringIO()
    call_command("signing_key", *args, stdout=out)
    return out.getvalue()


def issue(actors, project, name: str) -> Certificate:
    event, _inventory = accounted_event(actors.organiser, name=name)  # needs 13 t
    buy(actors, project, 13)
    credits_retire(
        actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=13, reason="抵消"
    )
    accepted_evaluation(actors, event)
    return certificate_issue(actor=actors.organiser, event_code=event.code)


def verifies(cert: Certificate) -> bool:
    row = SigningKey.objects.get(key_id=cert.key_id)
    return verify_canonical(cert.payload_canonical, cert.signature, load_public_key_pem(row.public_key_pem))


def test_init_creates_the_key_file_once_and_publishes_it(key_file):
    assert not key_file.exists()
    first = run("init")
    text = key_file.read_bytes()
    assert "created" in first and oct(key_file.stat().st_mode & 0o777) == "0o600"
    key_id = key_id_for(keys.load_configured_key())
    assert list(SigningKey.objects.values_list("key_id", "status")) == [(key_id, "active")]
    second = run("init")  # idempotent: same file, same key, nothing new
    assert "created" not in second and key_id in second
    assert key_file.read_bytes() == text
    assert SigningKey.objects.count() == 1


def test_the_environment_key_wins_over_the_file_and_no_file_is_written(key_file, settings):
    shared = generate_private_key()
    settings.SIGNING_KEY_PEM = private_key_to_pem(shared).decode("ascii")
    run("init")
    assert not key_file.exists()
    assert keys.signing_key()[1] == key_id_for(shared)
    with pytest.raises(CommandError, match="ZHONGHE_SIGNING_KEY"):
        run("rotate")


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
def test_a_corrupt_key_is_a_startup_error_and_no_public_500(key_file, settings, client, debug):
    settings.DEBUG = debug
    key_file.parent.mkdir(parents=True)
    key_file.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    assert [m.id for m in keys.check_signing_key()] == ["zhonghe.E001"]
    response = client.get("/api/v1/keys")
    assert response.status_code == 200 and response.json() == []
    with pytest.raises(keys.SigningUnavailable):
        keys.signing_key()
    assert "not a key" in key_file.read_text()  # never silently replaced


def test_without_debug_a_missing_key_is_refused_not_generated(key_file, settings):
    settings.DEBUG = False
    assert [m.id for m in keys.check_signing_key()] == ["zhonghe.E002"]
    with pytest.raises(keys.SigningUnavailable):
        keys.signing_key()
    assert not key_file.exists()
    assert SigningKey.objects.count() == 0
    with pytest.raises(ImproperlyConfigured, match="no signing key"):
        importlib.reload(importlib.import_module("zhonghe.wsgi"))


def test_with_debug_a_missing_key_is_generated_for_development(key_file, settings):
    settings.DEBUG = True
    assert keys.check_signing_key() == []
    _key, key_id = keys.signing_key()
    assert key_file.exists() and key_id == key_id_for(keys.load_configured_key())


def test_issuing_without_a_key_answers_503_envelope(actors, key_file, settings, client):
    from zhonghe.api.tests.support import Api, make_key

    settings.DEBUG = False
    project = project_with_credits(actors, 100)
    event, _inventory = accounted_event(actors.organiser)
    buy(actors, project, 13)
    credits_retire(actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=13, reason="抵")
    accepted_evaluation(actors, event)
    response = Api(client, make_key(actors, "organiser")).post(f"/events/{event.code}/certificate")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "signing_unavailable"
    assert Certificate.objects.count() == 0


def test_rotate_then_retire_keeps_old_certificates_verifiable(actors, key_file, client):
    run("init")
    project = project_with_credits(actors, 1000)
    old_cert = issue(actors, project, "轮换前的活动")
    old_id = old_cert.key_id

    out = run("rotate")
    new_id = key_id_for(keys.load_configured_key())
    assert new_id != old_id and new_id in out and old_id in out
    assert dict(SigningKey.objects.values_list("key_id", "status")) == {old_id: "active", new_id: "active"}
    new_cert = issue(actors, project, "轮换后的活动")
    assert new_cert.key_id == new_id

    with pytest.raises(CommandError, match="rotate first"):
        run("retire", new_id)
    with pytest.raises(CommandError, match="no published key"):
        run("retire", "ed25519:0000000000000000")
    run("retire", old_id)
    listed = {k["key_id"]: k for k in client.get("/api/v1/keys").json()}
    assert listed[old_id]["status"] == "retired" and listed[old_id]["retired_at"]
    assert listed[new_id]["status"] == "active" and listed[new_id]["retired_at"] is None
    assert set(listed[old_id]) >= {"key_id", "algorithm", "public_key_pem"}
    assert verifies(old_cert) and verifies(new_cert)
    page = client.get(f"/verify/{old_cert.number}/")
    assert page.status_code == 200 and page.context["signature_ok"]
    listing = run("list")
    assert f"{old_id}\tretired" in listing and f"{new_id}\tactive" in listing and "(configured)" in listing


def test_a_retired_configured_key_signs_nothing(actors, key_file, settings):
    run("init")
    key_id = key_id_for(keys.load_configured_key())
    SigningKey.objects.filter(key_id=key_id).update(status="retired")
    with pytest.raises(keys.SigningUnavailable):
        keys.signing_key()


def test_on_a_fresh_production_machine_init_makes_the_key_the_startup_check_asks_for(tmp_path):
    """A real `manage.py` run (DEBUG off, empty var dir): `check` refuses, `signing_key init` creates the key."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "test", "ZHONGHE_VAR_DIR": str(tmp_path)}
    for name in ("DATABASE_URL", "ZHONGHE_SIGNING_KEY", "ZHONGHE_SIGNING_KEY_FILE", "ZHONGHE_SQLITE_PATH"):
        env.pop(name, None)

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=root, env=env, capture_output=True, text=True, timeout=120
        )

    refused = manage("check")
    assert refused.returncode != 0 and "zhonghe.E002" in refused.stderr
    made = manage("signing_key", "init")
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "signing_key.pem").exists() and "not yet published" in made.stdout
    assert manage("check").returncode == 0


def test_init_before_migrate_writes_the_key_and_publishes_it_later(key_file, monkeypatch):
    from django.db import DatabaseError

    def no_table(key):
        raise DatabaseError("no such table: certificates_signingkey")

    monkeypatch.setattr(keys, "publish", no_table)
    assert "not yet published" in run("init")
    assert key_file.exists() and SigningKey.objects.count() == 0
    monkeypatch.undo()
    _key, key_id = keys.signing_key()  # first use publishes it
    assert list(SigningKey.objects.values_list("key_id", flat=True)) == [key_id]
