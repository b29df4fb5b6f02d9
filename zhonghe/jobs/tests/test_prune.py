"""prune_jobs deletes only finished periodic-command jobs past the keep window; everything else stays."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from zhonghe.jobs.handlers import COMMAND_KIND
from zhonghe.jobs.models import Job, JobStatus
from zhonghe.jobs.services import jobs_prune
from zhonghe.lib.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def _job(key: str | None, status: str, finished_days_ago: float | None, kind: str = COMMAND_KIND) -> Job:
    now = timezone.now()
    finished = None if finished_days_ago is None else now - timedelta(days=finished_days_ago)
    return Job.objects.create(kind=kind, payload={}, dedupe_key=key, status=status, finished_at=finished)


def test_only_old_finished_periodic_jobs_go():
    old = _job("periodic:audit_seal:5:1", JobStatus.DONE, 8)
    recent = _job("periodic:audit_seal:5:2", JobStatus.DONE, 6)
    failed = _job("periodic:check_deadlines:3600:3", JobStatus.FAILED, 30)
    queued = _job("periodic:audit_seal:5:4", JobStatus.QUEUED, None)
    import_job = _job("import:abc", JobStatus.DONE, 30, kind="imports.process")
    no_key = _job(None, JobStatus.DONE, 30, kind="imports.commit")
    assert jobs_prune() == 1
    left = set(Job.objects.values_list("pk", flat=True))
    assert old.pk not in left and {recent.pk, failed.pk, queued.pk, import_job.pk, no_key.pk} <= left
    assert jobs_prune() == 0  # idempotent
    assert jobs_prune(keep_days=5) == 1 and not Job.objects.filter(pk=recent.pk).exists()


def test_the_command_reports_and_a_negative_window_is_refused_with_nothing_deleted():
    _job("periodic:audit_seal:5:1", JobStatus.DONE, 8)
    out = StringIO()
    call_command("prune_jobs", stdout=out)
    assert "deleted 1 finished periodic jobs" in out.getvalue()
    kept = _job("periodic:audit_seal:5:2", JobStatus.DONE, 8)
    with pytest.raises(ValidationFailed) as refused:
        jobs_prune(keep_days=-1)
    assert refused.value.code == "invalid_keep_days" and Job.objects.filter(pk=kept.pk).exists()
