"""Certificate signing: canonical payload text and Ed25519 signatures.

Design overview
---------------
A certificate is a JSON payload (certificate number, event, organiser, the frozen inventory hash, the
retired serial ranges, ...). What gets signed is not the payload object but its *canonical text*:

* ``json.dumps`` with ``sort_keys=True`` and ``separators=(",", ":")`` so the text does not depend on
  dict insertion order or whitespace;
* ``ensure_ascii=False`` so Chinese stays readable UTF-8 in the stored text (the bytes signed are
  ``canonical.encode("utf-8")``);
* no floats and no ``Decimal`` objects: every quantity is already a string (``"12.345"``) or an int, so
  any verifier in any language reproduces the same bytes. Anything else raises ``TypeError``.

The signature is Ed25519 (deterministic, 64 bytes) over those bytes, transported as standard base64
with padding. A key is named by ``key_id_for``: ``"ed25519:"`` + the first 16 hex digits of SHA-256 over
the raw 32-byte public key, so a verifier can pick the right public key after a key rotation.

Verification needs only the public key PEM text and the canonical text; ``verify_canonical`` never
raises — any malformed input is simply "not valid".

This module is PURE: stdlib and ``cryptography`` only (a purity test enforces it), so it can be used by
an offline verifier without Django.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "canonical_jcs",
    "canonical_payload",
    "canonical_for",
    "generate_private_key",
    "key_id_for",
    "load_private_key_pem",
    "load_public_key_pem",
    "private_key_to_pem",
    "public_key_pem",
    "sign_canonical",
    "signature_fingerprint",
    "verify_canonical",
]

_SIGNATURE_LEN = 64
_KEY_ID_PREFIX = "ed25519:"


def _reject_non_json(value: Any) -> Any:
    """``json.dumps`` ``default`` hook: called only for objects JSON cannot encode natively."""
    if isinstance(value, Decimal):
        raise TypeError(f"Decimal {value!s} in certificate payload: convert quantities to strings before signing")
    raise TypeError(f"{type(value).__name__} is not allowed in a certificate payload: {value!r}")


def _reject_floats(value: Any, path: str = "$") -> None:
    # json.dumps encodes floats natively (never reaching ``default``), so walk the structure first.
    if isinstance(value, float):
        raise TypeError(f"float at {path} ({value!r}) is not allowed in a certificate payload; use a string")
    if isinstance(value, Mapping):
        for key, item in value.items():
            _reject_floats(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _reject_floats(item, f"{path}[{index}]")


def canonical_payload(payload: Mapping[str, Any]) -> str:
    """Return the canonical JSON text of ``payload`` (the exact text that is signed).

    Keys sorted, no whitespace, non-ASCII kept as UTF-8. Raises ``TypeError`` on a float anywhere in the
    payload, on ``Decimal`` values (must already be strings) and on any other non-JSON type.
    """
    _reject_floats(payload)
    return json.dumps(
        payload,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_reject_non_json,
    )


def canonical_jcs(payload: Mapping[str, Any]) -> str:
    """RFC 8785 (JSON Canonicalization Scheme) text of ``payload``, via the ``rfc8785`` library.

    Used from payload schema ``zhonghe.certificate/3`` on, so any JCS implementation reproduces the signed bytes.
    Floats are refused as in ``canonical_payload`` (quantities are strings); other non-JSON types raise too.
    """
    _reject_floats(payload)
    try:
        return rfc8785.dumps(payload).decode("utf-8")
    except rfc8785.CanonicalizationError as exc:
        raise TypeError(str(exc)) from exc


JCS_SCHEMAS = frozenset({"zhonghe.certificate/3", "zhonghe.certificate/4"})


def canonical_for(payload: Mapping[str, Any]) -> str:
    """The canonical text a payload of its own ``schema`` was signed as: JCS from /3, sorted ``json.dumps`` before
    (certificates issued under /1 and /2 keep verifying)."""
    return canonical_jcs(payload) if payload.get("schema") in JCS_SCHEMAS else canonical_payload(payload)


def generate_private_key() -> Ed25519PrivateKey:
    """Return a fresh Ed25519 signing key."""
    return Ed25519PrivateKey.generate()


def private_key_to_pem(key: Ed25519PrivateKey) -> bytes:
    """Serialise ``key`` as unencrypted PKCS#8 PEM (storage protection is the caller's concern)."""
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


def load_private_key_pem(pem: bytes) -> Ed25519PrivateKey:
    """Load an unencrypted PKCS#8 PEM private key; raise ``ValueError`` unless it is Ed25519."""
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"certificate signing key must be Ed25519, got {type(key).__name__}")
    return key


def _public(key: Ed25519PrivateKey | Ed25519PublicKey) -> Ed25519PublicKey:
    return key.public_key() if isinstance(key, Ed25519PrivateKey) else key


def public_key_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """Return the SubjectPublicKeyInfo PEM text of ``key`` (or of a private key's public half)."""
    return (
        _public(key)
        .public_bytes(
            encoding=serialization.Encoding.PEM,
            format=serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        .decode("ascii")
    )


def load_public_key_pem(pem: str | bytes) -> Ed25519PublicKey:
    """Load SubjectPublicKeyInfo PEM text; raise ``ValueError`` unless it is an Ed25519 key."""
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"certificate public key must be Ed25519, got {type(key).__name__}")
    return key


def key_id_for(public_key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """Return ``"ed25519:"`` + 16 hex digits of SHA-256 over the raw 32-byte public key (24 chars)."""
    raw = _public(public_key).public_bytes(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw)
    return _KEY_ID_PREFIX + hashlib.sha256(raw).hexdigest()[:16]


def sign_canonical(canonical: str, private_key: Ed25519PrivateKey) -> str:
    """Sign ``canonical.encode("utf-8")``; return the signature as standard padded base64."""
    signature = private_key.sign(canonical.encode("utf-8"))
    return base64.b64encode(signature).decode("ascii")


def verify_canonical(canonical: str, signature_b64: str, public_key: Ed25519PublicKey) -> bool:
    """Return True iff ``signature_b64`` is a valid signature of ``canonical`` by ``public_key``.

    Never raises on bad input: malformed base64, a wrong length or a bad signature all give False.
    """
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError, TypeError):
        return False
    if len(signature) != _SIGNATURE_LEN:
        return False
    try:
        _public(public_key).verify(signature, canonical.encode("utf-8"))
    except (InvalidSignature, ValueError, TypeError, AttributeError):
        return False
    return True


def signature_fingerprint(signature_b64: str) -> str:
    """Upper-case hex SHA-256 of the raw signature bytes ('' when it is not base64): shown on the PDF and page."""
    try:
        raw = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError, TypeError):
        return ""
    return hashlib.sha256(raw).hexdigest().upper()
