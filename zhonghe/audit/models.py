"""The audit log: one hash-chained, append-only table every writing service appends to.

AuditHead is one row (pk 1) holding the last sequence and hash; appends lock it (select_for_update) inside
the caller's transaction, so concurrent writers form one linear chain. It also lets audit_verify notice a
truncated tail, which a chain alone cannot.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from zhonghe.audit.digest import GENESIS


class AuditHead(models.Model):
    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="audit_head_single_row")]

    def __str__(self) -> str:
        return f"head #{self.sequence}"


class AuditEntry(models.Model):
    sequence = models.PositiveBigIntegerField(unique=True)
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
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["object_type", "object_code"], name="audit_object_idx"),
            models.Index(fields=["actor_user_id"], name="audit_actor_user_idx"),
            models.Index(fields=["at"], name="audit_at_idx"),
        ]
        constraints = [models.CheckConstraint(condition=Q(sequence__gte=1), name="audit_sequence_positive")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_code}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are append-only")

    def body(self) -> dict:
        """The hashed fields, in their canonical (JSON) form."""
        return {
            "sequence": self.sequence,
            "at": self.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "actor_label": self.actor_label,
            "actor_user_id": self.actor_user_id,
            "actor_org_code": self.actor_org_code,
            "actor_roles": self.actor_roles,
            "action": self.action,
            "object_type": self.object_type,
            "object_code": self.object_code,
            "before_digest": self.before_digest,
            "after_digest": self.after_digest,
            "changes": self.changes,
        }
