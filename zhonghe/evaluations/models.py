"""Evaluations (碳中和评价): who evaluates an event's neutrality, the checklist, findings and the conclusion.

Written only by evaluations/services.py. The event's status moves through events/workflow.py alongside.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EvaluationMode(models.TextChoices):
    SELF = "self", _("自我评价")
    THIRD_PARTY = "third_party", _("第三方评价")


class EvaluationStatus(models.TextChoices):
    WAITING = "waiting", _("待指派核查机构")
    OPEN = "open", _("评价中")
    RETURNED = "returned", _("退回整改")
    CONCLUDED = "concluded", _("结论已签署，待受理")
    ACCEPTED = "accepted", _("已受理")


class AssignedBy(models.TextChoices):
    ORGANISER = "organiser", _("组织方邀请")
    BUREAU = "bureau", _("生态环境局指派")


class Evaluation(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="evaluations")
    # The inventory version evaluated; a resubmission after corrections moves it to the latest version.
    inventory = models.ForeignKey("footprints.InventoryVersion", on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=20, choices=EvaluationMode.choices)
    verifier = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="evaluations"
    )
    assigned_by = models.CharField(max_length=20, choices=AssignedBy.choices, blank=True)
    status = models.CharField(max_length=20, choices=EvaluationStatus.choices)
    rounds = models.PositiveSmallIntegerField(default=1)  # times the organiser asked (first request + resubmits)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    return_note = models.TextField(blank=True)  # the evaluator's last note when sending the event back
    conclusion = models.TextField(blank=True)
    conclusion_digest = models.CharField(max_length=64, blank=True)  # SHA-256 of what the signer signed
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    concluded_at = models.DateTimeField(null=True, blank=True)
    bureau_note = models.TextField(blank=True)  # reasons of the bureau's last return, or its acceptance note
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "碳中和评价")
        verbose_name_plural = pgettext_lazy("model plural", "碳中和评价")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(mode="self") | models.Q(verifier__isnull=True), name="evaluation_self_no_verifier"
            ),
            # At most one evaluation per event that is not yet accepted.
            models.UniqueConstraint(
                fields=["event"], condition=~models.Q(status="accepted"), name="evaluation_one_open_per_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.mode} {self.status}"


class CheckResult(models.TextChoices):
    PASS = "pass", _("符合")
    FAIL = "fail", _("不符合")
    NOT_APPLICABLE = "na", _("不适用")


class EvaluationCheck(models.Model):
    """The evaluator's answer to one checklist item (evaluations/checklist.py)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="checks")
    item = models.CharField(max_length=40)
    result = models.CharField(max_length=10, choices=CheckResult.choices)
    note = models.TextField(blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "评价检查项")
        verbose_name_plural = pgettext_lazy("model plural", "评价检查项")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "item"], name="evaluation_check_unique_item")]

    def __str__(self) -> str:
        return f"{self.item}={self.result}"


class Severity(models.TextChoices):
    MAJOR = "major", _("重大（须整改）")
    MINOR = "minor", _("一般")
    OBSERVATION = "observation", _("观察项")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待回复")
    RESPONDED = "responded", _("已回复")
    CLOSED = "closed", _("已关闭")


class Finding(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="findings")
    item = models.CharField(max_length=40, blank=True)
    severity = models.CharField(max_length=20, choices=Severity.choices)
    text = models.TextField()
    status = models.CharField(max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    response = models.TextField(blank=True)  # the organiser's response
    responded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "评价发现")
        verbose_name_plural = pgettext_lazy("model plural", "评价发现")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.severity}: {self.text[:30]}"
