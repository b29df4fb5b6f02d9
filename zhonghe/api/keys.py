"""Published certificate signing keys, so anyone can verify a certificate offline."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from zhonghe.certificates import selectors as certificate_selectors
from zhonghe.certificates.keys import signing_key

router = Router(tags=["keys"])


class KeyOut(Schema):
    key_id: str
    algorithm: str
    public_key_pem: str


@router.get("/keys", response=list[KeyOut], auth=None, summary="Public keys (Ed25519, PEM)")
def list_keys(request: HttpRequest):
    signing_key()  # publishes the current key on first use
    return certificate_selectors.signing_keys()
