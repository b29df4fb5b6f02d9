"""The platform's Ed25519 signing key, shared by every instance, and the published public keys.

Where the private key comes from, in this order:

1. ``ZHONGHE_SIGNING_KEY`` (settings.SIGNING_KEY_PEM): the PKCS#8 PEM text itself, e.g. from a secret store;
2. the file ``ZHONGHE_SIGNING_KEY_FILE`` (settings.SIGNING_KEY_FILE), written by ``manage.py signing_key init``.

With DEBUG on, a missing file is generated on first use (development). With DEBUG off the app never generates a
key: the system check below refuses to start without a loadable key, and so does every use (SigningUnavailable).
A corrupt key is always a startup error, never a public 500.

The public halves are published in SigningKey (GET /api/v1/keys). ``manage.py signing_key rotate`` writes a new
key file and publishes it; the previous key stays published and active until ``signing_key retire KEY_ID``, after
which it still verifies what it signed but signs nothing new.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core import checks
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhonghe.audit.services import audit_append
from zhonghe.certificates.models import KeyStatus, SigningKey
from zhonghe.certificates.signing import (
    generate_private_key,
    key_id_for,
    load_private_key_pem,
    private_key_to_pem,
    public_key_pem,
)
from zhonghe.lib.errors import ApplicationError

log = logging.getLogger(__name__)


class SigningUnavailable(ApplicationError):
    """The configured key is missing, unreadable or retired: nothing can be signed (an operator's problem)."""

    code = "signing_unavailable"
    http_status = 503


class KeyConfigError(Exception):
    """Why the configured signing key cannot be used (shown by the system check and the command)."""


def key_source() -> str:
    return "ZHONGHE_SIGNING_KEY" if settings.SIGNING_KEY_PEM.strip() else str(settings.SIGNING_KEY_FILE)


def load_configured_key() -> Ed25519PrivateKey | None:
    """The configured private key; None when the key file does not exist yet. Raises KeyConfigError."""
    try:
        if settings.SIGNING_KEY_PEM.strip():
            return load_private_key_pem(settings.SIGNING_KEY_PEM.strip().encode("ascii"))
        path = Path(settings.SIGNING_KEY_FILE)
        if not path.exists():
            return None
        return load_private_key_pem(path.read_bytes())
    except (ValueError, TypeError, UnicodeError, OSError) as exc:
        raise KeyConfigError(f"signing key {key_source()} cannot be loaded: {exc}") from exc


def write_key_file(key: Ed25519PrivateKey, *, replace: bool = False) -> Path:
    """Write `key` as PEM (mode 0600). Without `replace` an existing file is an error (FileExistsError)."""
    path = Path(settings.SIGNING_KEY_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    target = path.with_name(path.name + ".new") if replace else path
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(private_key_to_pem(key))
    if replace:
        os.replace(target, path)  # atomic: readers see the old key or the new one, never half a file
    return path


@transaction.atomic
def publish(key: Ed25519PrivateKey) -> SigningKey:
    """Publish the public half (idempotent)."""
    row, created = SigningKey.objects.get_or_create(
        key_id=key_id_for(key), defaults={"public_key_pem": public_key_pem(key)}
    )
    if created:
        audit_append(actor=None, action="signing_key.publish", target=row)
    return row


def _current_key() -> Ed25519PrivateKey:
    try:
        key = load_configured_key()
    except KeyConfigError as exc:
        log.error("%s", exc)
        raise SigningUnavailable(_("签名密钥不可用，请联系平台运营方")) from exc
    if key is None:
        if not settings.DEBUG:
            log.error("signing key %s missing and DEBUG is off: run `manage.py signing_key init`", key_source())
            raise SigningUnavailable(_("签名密钥不可用，请联系平台运营方"))
        log.warning("Signing key %s missing: generating a new Ed25519 key (development only)", key_source())
        try:
            write_key_file(generate_private_key())
        except FileExistsError:
            pass  # another process created it first: use theirs
        key = load_configured_key()
        assert key is not None
    return key


def signing_key() -> tuple[Ed25519PrivateKey, str]:
    """The private key and its key id; publishes the public key. Raises SigningUnavailable (503)."""
    key = _current_key()
    row = publish(key)
    if row.status == KeyStatus.RETIRED:
        log.error("signing key %s was retired on %s: configure the new key", row.key_id, row.retired_at)
        raise SigningUnavailable(_("签名密钥已停用，请联系平台运营方"))
    return key, row.key_id


@transaction.atomic
def retire(key_id: str) -> SigningKey:
    """Mark a published key retired (it keeps verifying). Raises KeyConfigError for unknown or current keys."""
    row = SigningKey.objects.filter(key_id=key_id).first()
    if row is None:
        raise KeyConfigError(f"no published key {key_id}")
    current = load_configured_key()
    if current is not None and key_id_for(current) == key_id:
        raise KeyConfigError(f"{key_id} is the configured signing key: rotate first, then retire it")
    if row.status != KeyStatus.RETIRED:
        SigningKey.objects.filter(pk=row.pk).update(status=KeyStatus.RETIRED, retired_at=timezone.now())
        row.refresh_from_db()
        audit_append(actor=None, action="signing_key.retire", target=row)
    return row


@checks.register("signing")
def check_signing_key(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Startup check: a corrupt key is always an error; with DEBUG off so is a missing one."""
    try:
        key = load_configured_key()
    except KeyConfigError as exc:
        return [checks.Error(str(exc), hint="fix or replace the key (manage.py signing_key)", id="zhonghe.E001")]
    if key is None and not settings.DEBUG:
        return [
            checks.Error(
                f"no signing key: {key_source()} does not exist and DEBUG is off",
                hint="run `manage.py signing_key init` or set ZHONGHE_SIGNING_KEY (PEM) for every instance",
                id="zhonghe.E002",
            )
        ]
    return []
