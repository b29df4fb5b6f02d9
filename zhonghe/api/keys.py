"""Published certificate signing keys, so anyone can verify a certificate offline."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema

from zhonghe.certificates import selectors as certificate_selectors
from zhonghe.certificates.keys import SigningUnavailable, signing_key

router = Router(tags=["keys"])


class KeyOut(Schema):
    key_id: str
    algorithm: str
    public_key_pem: str
    status: Literal["active", "retired"]  # a retired key signs nothing new but still verifies what it signed
    created_at: datetime
    retired_at: datetime | None


@router.get("/keys", response=list[KeyOut], auth=None, summary="Public keys (Ed25519, PEM), retired ones included")
def list_keys(request: HttpRequest):
    try:
        signing_key()  # publishes the current key on first use
    except SigningUnavailable:
        pass  # logged; the keys already published still verify
    return certificate_selectors.signing_keys()
