"""Idempotent creates: a repeated key returns the first result instead of writing again.

Services call `run_idempotent` inside their transaction. The record is inserted in the same transaction as
the write, so either both exist or neither; a concurrent request with the same key blocks on the unique
index and, once the first commits, gets the first result.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zhonghe.accounts.models import Organization
from zhonghe.interop.models import IdempotencyRecord
from zhonghe.lib.errors import Conflict, ValidationFailed

T = TypeVar("T")
KEY_MAX_CHARS = 80


def clean_key(key: object) -> str:
    text = str(key or "").strip()
    if len(text) > KEY_MAX_CHARS:
        raise ValidationFailed(
            _("幂等键不能超过%(n)d个字符") % {"n": KEY_MAX_CHARS}, fields={"idempotency_key": "too_long"}
        )
    return text


def request_hash(params: dict[str, Any]) -> str:
    canonical = json.dumps(params, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(organization: Organization, key: str, operation: str, digest: str) -> str | None:
    record = IdempotencyRecord.objects.filter(organization=organization, key=key).first()
    if record is None:
        return None
    if (record.operation, record.request_hash) != (operation, digest):
        raise Conflict(
            _("同一提交标识已提交过不同内容，请刷新页面后重新提交"),
            code="idempotency_key_reused",
            fields={"idempotency_key": key},
        )
    return record.result_ref


def was_carried_out(organization: Organization, key: object) -> bool:
    """Whether a request with this key has already been carried out (the API answers a replay with 200)."""
    text = str(key or "").strip()
    return bool(text) and IdempotencyRecord.objects.filter(organization=organization, key=text).exists()


def run_idempotent(
    *,
    organization: Organization,
    key: object,
    operation: str,
    params: dict[str, Any],
    perform: Callable[[], T],
    ref: Callable[[T], str],
    load: Callable[[str], T],
) -> T:
    """`perform()` once per (organisation, key); a repeat with the same operation and params gets `load(ref)`."""
    text = clean_key(key)
    if not text:
        return perform()
    digest = request_hash(params)
    if (earlier := _replay(organization, text, operation, digest)) is not None:
        return _load(load, earlier)
    try:
        with transaction.atomic():
            result = perform()
            IdempotencyRecord.objects.create(
                organization=organization, key=text, operation=operation, request_hash=digest, result_ref=ref(result)
            )
            return result
    except IntegrityError:
        earlier = _replay(organization, text, operation, digest)
        if earlier is None:
            raise
        return _load(load, earlier)


def _load(load: Callable[[str], T], ref: str) -> T:
    try:
        return load(ref)
    except ObjectDoesNotExist as exc:  # e.g. the activity then recorded has been deleted since
        raise Conflict(_("该提交已处理过"), code="already_carried_out") from exc
