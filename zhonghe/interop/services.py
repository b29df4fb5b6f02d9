"""Organisation API keys: `zh_<key_id>_<secret>`; only sha256(secret) is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhonghe.accounts.models import Organization, User
from zhonghe.audit.services import audit_append
from zhonghe.interop.models import ApiKey
from zhonghe.lib.errors import ValidationFailed

ALLOWED_SCOPES = frozenset({"read", "write"})


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *, organization: Organization, scopes: list[str], name: str = "", created_by: User | None = None
) -> tuple[ApiKey, str]:
    """Create a key; returns the row and the full key text, which is shown once and never stored."""
    clean = sorted({s.strip() for s in scopes if s.strip()})
    if not clean or not set(clean) <= ALLOWED_SCOPES:
        raise ValidationFailed(_("权限范围应为 read 和/或 write"), fields={"scopes": ",".join(scopes)})
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    row = ApiKey.objects.create(
        key_id=key_id,
        secret_hash=_hash(secret),
        organization=organization,
        scopes=",".join(clean),
        name=name,
        created_by=created_by,
    )
    audit_append(actor=created_by, action="api_key.create", target=row)  # the hash is a secret: never logged
    return row, f"zh_{key_id}_{secret}"


def api_key_authenticate(token: str) -> ApiKey | None:
    """The live key for `token`, or None. Constant-time comparison of the secret hash."""
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != "zh":
        return None
    row = ApiKey.objects.select_related("organization").filter(key_id=parts[1], revoked_at__isnull=True).first()
    if row is None or not hmac.compare_digest(row.secret_hash, _hash(parts[2])):
        return None
    ApiKey.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row
