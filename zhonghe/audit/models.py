"""The audit log: one hash-chained, append-only table every writing service appends to.

Seal after commit: an append inserts the entry's content and content_hash in the caller's transaction, with
no shared lock; sequence, prev_hash and entry_hash stay NULL (pending) until audit_seal chains the committed
entries. AuditHead is one row (pk 1) holding the last sealed sequence and hash; the sealer locks it, so one
sealer runs at a time and the chain stays linear. It also lets audit_verify notice a truncated tail, which a
chain alone cannot. The only update an entry accepts is that one-time sealing (the model and a trigger).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from zhonghe.audit.digest import CONTENT_FIELDS, GENESIS, at_text, content_hash_of

SEAL_FIELDS = ("sequence", "prev_hash", "entry_hash")


def content_of(values: Mapping[str, Any]) -> dict:
    """The content fields of one entry (a model's attributes or a streamed `.values()` row) in their canonical
    (JSON) form: exactly CONTENT_FIELDS, the time as digest.at_text."""
    return {**{field: values[field] for field in CONTENT_FIELDS}, "at": at_text(values["at"])}


class AuditHead(models.Model):
    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default=GENESIS)
    # Entries up to this sequence were chained at append (digest.chain_hash, before migration 0002).
    legacy_sequence = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = pgettext_lazy("model", "审计日志链头")
        verbose_name_plural = pgettext_lazy("model plural", "审计日志链头")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="audit_head_single_row")]

    def __str__(self) -> str:
        return f"head #{self.sequence}"


class AuditEntry(models.Model):
    sequence = models.PositiveBigIntegerField(unique=True, null=True, blank=True)  # NULL: pending (not sealed)
    at = models.DateTimeField()
    # "user", "api_key", "system" or "command:<name>"; user and organisation are ids, never names.
    actor_label = models.CharField(max_length=80)
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    actor_org_code = models.CharField(max_length=36, blank=True, db_index=True)
    actor_roles = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=60, db_index=True)  # "event.submit", "credits.retire", …
    object_type = models.CharField(max_length=60)  # "<app>.<model>"
    object_code = models.CharField(max_length=64)  # the object's public code / number
    before_digest = models.CharField(max_length=64, blank=True)  # "" when the object is new
    after_digest = models.CharField(max_length=64, blank=True)  # "" when the object was deleted
    changes = models.JSONField(default=dict, blank=True)  # small, with no personal data (see snapshot.py)
    content_hash = models.CharField(max_length=64)  # digest of the content fields, set at append
    # NULL until audit_seal sets them, once, together with sequence (unique among the sealed rows).
    prev_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    entry_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)  # noqa: DJ001

    class Meta:
        verbose_name = pgettext_lazy("model", "审计日志条目")
        verbose_name_plural = pgettext_lazy("model plural", "审计日志条目")
        ordering = ["id"]
        indexes = [
            # the object filter, and its newest entry by id (audit_append's per-object before digest)
            models.Index(fields=["object_type", "object_code", "id"], name="audit_object_id_idx"),
            models.Index(fields=["actor_user_id"], name="audit_actor_user_idx"),
            models.Index(fields=["at"], name="audit_at_idx"),
        ]
        constraints = [models.CheckConstraint(condition=Q(sequence__gte=1), name="audit_sequence_positive")]

    def __str__(self) -> str:
        where = f"#{self.sequence}" if self.sequence is not None else f"pending id {self.pk}"
        return f"{where} {self.action} {self.object_type}:{self.object_code}"

    def save(self, *args, **kwargs):
        """Insert; or, once, fill the seal columns of a pending entry (every other column as stored)."""
        if self.pk is None:
            return super().save(*args, **kwargs)
        stored = AuditEntry.objects.filter(pk=self.pk).values(*CONTENT_FIELDS, "content_hash", *SEAL_FIELDS).first()
        mine = {f: getattr(self, f) for f in (*CONTENT_FIELDS, "content_hash")}
        sealing = (
            stored is not None
            and all(stored[f] is None for f in SEAL_FIELDS)
            and all(getattr(self, f) is not None for f in SEAL_FIELDS)
            and all(stored[f] == mine[f] for f in mine)
        )
        if not sealing:
            raise ValueError("Audit entries are append-only (only a pending entry's seal may be set, once)")
        super().save(update_fields=SEAL_FIELDS)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are append-only")

    @property
    def sealed(self) -> bool:
        return self.sequence is not None

    def content(self) -> dict:
        """The content fields (digest.CONTENT_FIELDS), in their canonical (JSON) form."""
        return content_of({field: getattr(self, field) for field in CONTENT_FIELDS})

    def compute_content_hash(self) -> str:
        return content_hash_of(self.content())

    def body(self) -> dict:
        """The first format's hashed fields (digest.chain_hash): the content and the sequence."""
        return {"sequence": self.sequence, **self.content()}
