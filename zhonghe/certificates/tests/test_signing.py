"""Ed25519 signing of canonical certificate payloads (pure, no DB)."""

from __future__ import annotations

import base64
import json
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1
from cryptography.hazmat.primitives.asymmetric.ec import generate_private_key as ec_key
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from zhonghe.certificates import signing

PAYLOAD = {
    "schema": "zhonghe.certificate/1",
    "number": "ZH-2026-000001",
    "event": {"name": "2026重庆智博会分论坛", "venue_district": "渝中区"},
    "inventory": {"total_t_co2e": "12.345", "version": 1},
    "offsets": {"retirements": [{"quantity_t": 13, "vintage": 2024}]},
}


@pytest.fixture(scope="module")
def key():
    return signing.generate_private_key()


def test_round_trip(key):
    canonical = signing.canonical_payload(PAYLOAD)
    signature = signing.sign_canonical(canonical, key)
    assert len(base64.b64decode(signature, validate=True)) == 64
    assert signing.verify_canonical(canonical, signature, key.public_key())


def test_tampering_one_character_fails(key):
    canonical = signing.canonical_payload(PAYLOAD)
    signature = signing.sign_canonical(canonical, key)
    tampered = canonical.replace("12.345", "12.346")
    assert tampered != canonical
    assert not signing.verify_canonical(tampered, signature, key.public_key())


def test_signature_from_another_key_fails(key):
    canonical = signing.canonical_payload(PAYLOAD)
    other = signing.generate_private_key()
    assert not signing.verify_canonical(canonical, signing.sign_canonical(canonical, other), key.public_key())


@pytest.mark.parametrize("bad", ["", "not base64!!", base64.b64encode(b"short").decode(), "A" * 86 + "=="])
def test_malformed_signature_is_false_not_error(key, bad):
    assert signing.verify_canonical(signing.canonical_payload(PAYLOAD), bad, key.public_key()) is False


def test_canonical_independent_of_key_order():
    reordered = {k: PAYLOAD[k] for k in reversed(list(PAYLOAD))}
    reordered["event"] = {"venue_district": "渝中区", "name": "2026重庆智博会分论坛"}
    assert signing.canonical_payload(reordered) == signing.canonical_payload(PAYLOAD)


def test_canonical_is_compact_and_keeps_chinese_as_utf8():
    canonical = signing.canonical_payload(PAYLOAD)
    assert "2026重庆智博会分论坛" in canonical
    assert "\\u" not in canonical
    assert ", " not in canonical and ": " not in canonical
    assert canonical.startswith('{"event":{"name":')
    assert json.loads(canonical) == PAYLOAD


@pytest.mark.parametrize(
    "payload",
    [
        {"total": 12.345},
        {"inventory": {"total_t_co2e": 1.0}},
        {"offsets": {"retirements": [{"quantity_t": 13.0}]}},
    ],
)
def test_float_rejected(payload):
    with pytest.raises(TypeError, match="float"):
        signing.canonical_payload(payload)


def test_decimal_rejected_with_clear_message():
    with pytest.raises(TypeError, match="Decimal.*string"):
        signing.canonical_payload({"total_t_co2e": Decimal("12.345")})


def test_other_non_json_type_rejected():
    with pytest.raises(TypeError, match="set"):
        signing.canonical_payload({"x": {1, 2}})


def test_verify_with_only_public_key_pem_text(key):
    canonical = signing.canonical_payload(PAYLOAD)
    signature = signing.sign_canonical(canonical, key)
    pem_text = signing.public_key_pem(key)
    assert pem_text.startswith("-----BEGIN PUBLIC KEY-----")
    assert signing.verify_canonical(canonical, signature, signing.load_public_key_pem(pem_text))
    assert signing.verify_canonical(canonical, signature, signing.load_public_key_pem(pem_text.encode()))


def test_private_key_pem_round_trip(key):
    pem = signing.private_key_to_pem(key)
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    loaded = signing.load_private_key_pem(pem)
    assert signing.public_key_pem(loaded) == signing.public_key_pem(key)


def test_non_ed25519_private_key_rejected():
    pem = ec_key(SECP256R1()).private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    with pytest.raises(ValueError, match="Ed25519"):
        signing.load_private_key_pem(pem)


def test_non_ed25519_public_key_rejected():
    pem = ec_key(SECP256R1()).public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(ValueError, match="Ed25519"):
        signing.load_public_key_pem(pem)


def test_key_id_stable_and_24_chars(key):
    key_id = signing.key_id_for(key.public_key())
    assert len(key_id) == 24
    assert key_id.startswith("ed25519:")
    int(key_id.removeprefix("ed25519:"), 16)
    assert signing.key_id_for(key) == key_id
    assert signing.key_id_for(signing.load_public_key_pem(signing.public_key_pem(key))) == key_id
    assert signing.key_id_for(signing.generate_private_key()) != key_id


def test_jcs_orders_keys_by_utf16_code_units_as_rfc8785_says():
    from zhonghe.certificates.signing import canonical_for, canonical_jcs, canonical_payload

    # RFC 8785 §3.2.3's sorting example: the emoji (a surrogate pair) sorts before U+FB33 in UTF-16 order,
    # whereas Python's code-point sort (json.dumps sort_keys) puts it last.
    keys = ["\u20ac", "\r", "\ufb33", "1", "\U0001f600", "\u0080", "\u00f6"]
    payload = {key: "x" for key in keys}
    text = canonical_jcs(payload)
    order = [k for k in json.loads(text)]
    assert order == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]
    assert text != canonical_payload(payload)
    assert canonical_for({**payload, "schema": "zhonghe.certificate/3"}) == canonical_jcs(
        {**payload, "schema": "zhonghe.certificate/3"}
    )
    old = {**payload, "schema": "zhonghe.certificate/2"}
    assert canonical_for(old) == canonical_payload(old)  # older certificates keep their canonical text
    with pytest.raises(TypeError):
        canonical_jcs({"total": 1.5})
