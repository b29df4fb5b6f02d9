"""Claims recorded beside the ledger: cancellations made in other registries (CCER, allowances) and the
operator's invalidations of platform credits with the retirements and certificates they hit.

Written only by registry/external.py and registry/invalidation.py; rows are never deleted.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ExternalRegistry(models.TextChoices):
    CCER_NATIONAL = "ccer_national", _("全国温室气体自愿减排注册登记系统（CCER）")
    ALLOWANCE_CHONGQING = "allowance_chongqing", _("重庆市碳排放权注册登记系统（地方配额）")
    ALLOWANCE_NATIONAL = "allowance_national", _("全国碳排放权注册登记系统（全国配额）")


class ExternalStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("已驳回")


class ExternalCancellation(models.Model):
    """注销 made in another registry, recorded by the organiser against one frozen inventory of its event.

    A pending or confirmed record claims its serials and proof file: no other record on the platform (any
    event, any organisation) may overlap its range in the same registry or carry the same proof SHA-256.
    Only a rejected record frees them. Only confirmed records count towards the offset.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(max_length=30, unique=True)
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="external_cancellations")
    inventory = models.ForeignKey("footprints.InventoryVersion", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    registry = models.CharField(_("注销登记系统"), max_length=30, choices=ExternalRegistry.choices)
    project_ref = models.CharField(_("项目编号"), max_length=80, blank=True)
    serial_first = models.PositiveBigIntegerField(_("起始序列号"))
    serial_last = models.PositiveBigIntegerField(_("终止序列号"))
    quantity_t = models.PositiveBigIntegerField(_("数量（吨）"))
    cancelled_on = models.DateField(_("注销日期"))
    proof_number = models.CharField(_("注销证明编号"), max_length=80)
    beneficiary_name = models.CharField(max_length=200)
    beneficiary_uscc = models.CharField(max_length=18, blank=True)
    proof_file = models.FileField(upload_to="external-proofs/", max_length=200)
    proof_sha256 = models.CharField(max_length=64)
    proof_size_bytes = models.PositiveIntegerField()
    proof_content_type = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=ExternalStatus.choices, default=ExternalStatus.PENDING)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "外部注销证明")
        verbose_name_plural = pgettext_lazy("model plural", "外部注销证明")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(serial_first__gte=1), name="external_first_positive"),
            models.CheckConstraint(
                condition=Q(quantity_t=F("serial_last") - F("serial_first") + 1), name="external_quantity_matches_range"
            ),
            models.CheckConstraint(condition=Q(status__in=ExternalStatus.values), name="external_status_known"),
            models.CheckConstraint(condition=Q(registry__in=ExternalRegistry.values), name="external_registry_known"),
            # The same proof file is claimed at most once (a rejected record no longer claims it).
            models.UniqueConstraint(
                fields=["proof_sha256"], condition=~Q(status="rejected"), name="external_unique_live_proof"
            ),
            models.UniqueConstraint(
                fields=["registry", "serial_first"], condition=~Q(status="rejected"), name="external_unique_live_first"
            ),
        ]
        indexes = [models.Index(fields=["registry", "serial_first"], name="external_by_registry_serial")]

    def __str__(self) -> str:
        return self.number


class CreditInvalidation(models.Model):
    """The operator's invalidation (a reversal) of one serial range of a platform project."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(max_length=30, unique=True)
    project = models.ForeignKey("registry.CreditProject", on_delete=models.PROTECT, related_name="invalidations")
    serial_first = models.PositiveBigIntegerField()
    serial_last = models.PositiveBigIntegerField()
    quantity_t = models.PositiveBigIntegerField()
    reason = models.TextField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "减排量作废")
        verbose_name_plural = pgettext_lazy("model plural", "减排量作废")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity_t=F("serial_last") - F("serial_first") + 1),
                name="invalidation_quantity_matches_range",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class InvalidationImpact(models.Model):
    """Tonnes of one retirement that an invalidation hit: the event needs replacement credits, and its valid
    certificate at the time (if any) needs a top-up. Open until the replacement is made (`replaced_at`)."""

    invalidation = models.ForeignKey(CreditInvalidation, on_delete=models.PROTECT, related_name="impacts")
    retirement = models.ForeignKey("registry.Retirement", on_delete=models.PROTECT, related_name="impacts")
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="invalidation_impacts")
    certificate = models.ForeignKey(
        "certificates.Certificate", null=True, blank=True, on_delete=models.PROTECT, related_name="top_ups_needed"
    )
    quantity_t = models.PositiveBigIntegerField()
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "作废影响")
        verbose_name_plural = pgettext_lazy("model plural", "作废影响")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity_t__gte=1), name="impact_quantity_positive"),
            models.UniqueConstraint(fields=["invalidation", "retirement"], name="impact_once_per_retirement"),
        ]

    def __str__(self) -> str:
        return f"{self.invalidation_id}:{self.retirement_id}"
