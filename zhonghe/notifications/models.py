"""In-page notifications and the record of deadline reminders already sent.

ReminderSent has one row per (event, threshold): the unique constraint is what makes a reminder go out exactly
once, however often `check_deadlines` runs and on however many workers (the second insert fails and is skipped).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Threshold(models.TextChoices):
    WEEK_BEFORE = "7d_before", _("完成期限前7天")
    DAY_BEFORE = "1d_before", _("完成期限前1天")
    DAY_AFTER = "1d_after", _("完成期限已过")


class ReminderSent(models.Model):
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="+")
    threshold = models.CharField(max_length=12, choices=Threshold.choices)
    deadline = models.DateField()  # the deadline the reminder was about
    sent_on = models.DateField()
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "已发送提醒")
        verbose_name_plural = pgettext_lazy("model plural", "已发送提醒")
        constraints = [models.UniqueConstraint(fields=["event", "threshold"], name="reminder_once_per_threshold")]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.threshold}"


class Notification(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.ForeignKey("events.Event", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reminder = models.ForeignKey(ReminderSent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "通知")
        verbose_name_plural = pgettext_lazy("model plural", "通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title
