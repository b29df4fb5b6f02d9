"""The signed ledger head: save it as a checkpoint, later `registry_audit --checkpoint FILE` checks it."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from zhonghe.api.schemas import ErrorOut
from zhonghe.certificates.checkpoints import signed_ledger_head

router = Router(tags=["ledger"])


class LedgerHeadOut(Schema):
    """`signature` is base64 Ed25519 over payload_canonical's UTF-8 bytes (schema, hash, entries, at, key_id)."""

    schema_: str = Field(..., alias="schema")
    hash: str = Field(..., pattern=r"^[0-9a-f]{64}$")
    entries: int = Field(..., ge=0)
    at: str
    key_id: str
    payload_canonical: str
    signature: str


@router.get(
    "/ledger/head",
    response={200: LedgerHeadOut, 503: ErrorOut},
    auth=None,
    by_alias=True,
    summary="Signed head of the hash-chained ledger (public)",
)
def ledger_head(request: HttpRequest):
    return signed_ledger_head()
