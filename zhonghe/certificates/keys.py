"""The platform's Ed25519 signing key: loaded from settings.SIGNING_KEY_FILE, created once when missing.

The public half is published in SigningKey (GET /api/v1/keys) so anyone can verify offline.
"""

from __future__ import annotations

import logging
import os
from functools import cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from zhonghe.certificates.models import SigningKey
from zhonghe.certificates.signing import (
    generate_private_key,
    key_id_for,
    load_private_key_pem,
    private_key_to_pem,
    public_key_pem,
)

log = logging.getLogger(__name__)


@cache
def _load_or_create(path_text: str) -> Ed25519PrivateKey:
    path = settings.SIGNING_KEY_FILE.__class__(path_text)
    if path.exists():
        return load_private_key_pem(path.read_bytes())
    log.warning("Signing key %s missing: generating a new Ed25519 key (development only)", path)
    key = generate_private_key()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(private_key_to_pem(key))
    return key


def signing_key() -> tuple[Ed25519PrivateKey, str]:
    """The private key and its key id; makes sure the public key is published."""
    key = _load_or_create(str(settings.SIGNING_KEY_FILE))
    key_id = key_id_for(key)
    SigningKey.objects.get_or_create(key_id=key_id, defaults={"public_key_pem": public_key_pem(key)})
    return key, key_id
