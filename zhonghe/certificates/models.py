"""Certificates: signed, immutable payloads. A revoked certificate stays visible as revoked."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class KeyStatus(models.TextChoices):
    ACTIVE = "active", _("使用中")
    RETIRED = "retired", _("已停用")  # signs nothing new; still verifies what it signed


class SigningKey(models.Model):
    """Published public keys; the private key lives outside the database (certificates/keys.py)."""

    key_id = models.CharField(max_length=40, unique=True)
    algorithm = models.CharField(max_length=20, default="Ed25519")
    public_key_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=KeyStatus.choices, default=KeyStatus.ACTIVE)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "签名密钥")
        verbose_name_plural = pgettext_lazy("model plural", "签名密钥")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.key_id


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    REVOKED = "revoked", _("已撤销")
    SUPERSEDED = "superseded", _("已被取代")  # a corrected inventory's certificate replaced it


class Certificate(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(max_length=30, unique=True)
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="certificates")
    inventory = models.ForeignKey("footprints.InventoryVersion", on_delete=models.PROTECT, related_name="+")
    payload = models.JSONField()
    payload_canonical = models.TextField()
    signature = models.TextField()
    key_id = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=CertificateStatus.choices, default=CertificateStatus.VALID)
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.TextField(blank=True)
    # The accepted evaluation the certificate rests on (null only for certificates issued before evaluations).
    evaluation = models.ForeignKey(
        "evaluations.Evaluation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Completed after the deadline (event end + the jurisdiction's period): issued, but counted late.
    late = models.BooleanField(default=False)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "碳中和证书")
        verbose_name_plural = pgettext_lazy("model plural", "碳中和证书")
        ordering = ["-issued_at", "-id"]
        constraints = [
            # One valid certificate per event at a time.
            models.UniqueConstraint(
                fields=["event"], condition=models.Q(status="valid"), name="cert_one_valid_per_event"
            ),
        ]
        # The bureau's "completed late" counts and lane (supervision): few rows, found without a table scan.
        indexes = [
            models.Index(fields=["event"], condition=models.Q(status="valid", late=True), name="cert_valid_late_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    REVOKE_FIELDS = frozenset({"status", "revoked_at", "revoke_reason", "superseded_by", "superseded_at"})

    def save(self, *args, **kwargs):
        # Append-only like the ledger (the database refuses it too): revocation or supersession is the one
        # allowed update.
        if self.pk is not None and not (
            kwargs.get("update_fields") and set(kwargs["update_fields"]) <= self.REVOKE_FIELDS
        ):
            raise ValueError("Certificates are append-only: only the revocation fields may change")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Certificates are append-only")


class FeaturedCase(models.Model):
    """A certified event the bureau features in the public gallery (典型案例); shown first while featured."""

    event = models.OneToOneField("events.Event", on_delete=models.PROTECT, related_name="featured_case")
    featured_at = models.DateTimeField()
    featured_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = pgettext_lazy("model", "典型案例")
        verbose_name_plural = pgettext_lazy("model plural", "典型案例")

    def __str__(self) -> str:
        return f"featured {self.event_id}"
