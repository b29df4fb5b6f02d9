"""An uploaded spreadsheet of one event: its file, hash, row count, errors, places and outcome.

The stored file may hold attendees' names: it is kept for audit (its SHA-256 and row count too) and
shown only to the event's organisation; names never reach an ActivityRecord (the inventory) nor any
public page. One *live* import per (event, file hash, kind, stage): uploading the same file twice is
refused with ``duplicate_file`` instead of counting it twice. Refused and failed imports are not live,
so a corrected file (or the same file after a failure) can be uploaded again.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhonghe.events.models import ActivityRecord, Event, Stage


class ImportKind(models.TextChoices):
    ATTENDEES = "attendees", _("参会人员交通")
    ACTIVITIES = "activities", _("其他活动数据")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    PROCESSING = "processing", _("处理中")
    REFUSED = "refused", _("有错误，未保存")
    CONFIRMING = "confirming", _("待确认地点")
    READY = "ready", _("待提交")
    COMMITTED = "committed", _("已导入")
    FAILED = "failed", _("处理失败")


NOT_LIVE = (ImportStatus.REFUSED, ImportStatus.FAILED)
COMMIT_JOB_KIND = "imports.commit"


def _upload_path(instance: Import, filename: str) -> str:
    # Never the uploaded name in the path: it is the person's text; the extension comes from the content.
    return f"imports/{instance.code}.{instance.file_format or 'bin'}"


def _annotated_path(instance: Import, filename: str) -> str:
    return f"imports/{instance.code}-errors.{instance.file_format or 'bin'}"


class Import(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="imports")
    kind = models.CharField(max_length=12, choices=ImportKind.choices)
    stage = models.CharField(max_length=10, choices=Stage.choices)
    status = models.CharField(max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    file = models.FileField(upload_to=_upload_path, max_length=200)
    file_name = models.CharField(max_length=200, blank=True)  # as uploaded, shown to the organisation only
    file_format = models.CharField(max_length=4, blank=True)  # csv or xlsx
    size_bytes = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    encoding = models.CharField(max_length=12, blank=True)  # utf-8, utf-8-sig, gb18030 or xlsx
    header_row = models.PositiveIntegerField(null=True, blank=True)
    rows_estimate = models.PositiveIntegerField(default=0)
    row_count = models.PositiveIntegerField(default=0)  # non-empty data rows of the file
    rows_read = models.PositiveIntegerField(default=0)
    rows_validated = models.PositiveIntegerField(default=0)
    rows_resolved = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # the first MAX_STORED_ERRORS row errors
    error_count = models.PositiveIntegerField(default=0)
    annotated_file = models.FileField(upload_to=_annotated_path, max_length=200, blank=True)
    # [{text, status, match, code, label, count, candidates: [{code, label}], needs_confirmation}]
    places = models.JSONField(default=list, blank=True)
    corrections = models.JSONField(default=dict, blank=True)  # place text → adcode / IATA chosen by a person
    places_confirmed = models.BooleanField(default=False)
    lines = models.JSONField(default=list, blank=True)  # activity fields to record on commit (no names)
    line_count = models.PositiveIntegerField(default=0)
    total_kg_co2e = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    release_code = models.CharField(max_length=40, blank=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    failure = models.CharField(max_length=500, blank=True)
    activity_records = models.ManyToManyField(ActivityRecord, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "表格导入")
        verbose_name_plural = pgettext_lazy("model plural", "表格导入")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "sha256", "kind", "stage"],
                condition=~models.Q(status__in=[status.value for status in NOT_LIVE]),
                name="import_live_file_once",
            )
        ]

    def __str__(self) -> str:
        return f"import {self.code} ({self.kind}, {self.status})"

    @property
    def rows_total(self) -> int:
        return self.row_count or self.rows_estimate

    @property
    def rows_done(self) -> int:
        return min(self.rows_validated, self.rows_total) if self.rows_total else self.rows_validated

    @property
    def committing(self) -> bool:
        """Ready, and a worker has been asked to record its lines (a big file)."""
        job = self.job if self.job_id else None
        return (
            self.status == ImportStatus.READY
            and job is not None
            and job.kind == COMMIT_JOB_KIND
            and job.status in ("queued", "running")
        )

    @property
    def busy(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.PROCESSING) or self.committing

    @property
    def percent(self) -> int:
        if not self.busy or self.committing:
            return 100
        total = self.rows_total or 1
        done = (self.rows_read + self.rows_validated + self.rows_resolved) * 100 // (3 * total)
        return max(0, min(99, done))
