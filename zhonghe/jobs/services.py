"""The only writers of Job rows. A job is claimed by one worker at a time:

- PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED, so concurrent workers take different rows without waiting;
- SQLite (no row locks): an atomic conditional UPDATE … WHERE status = 'queued'; only one claimer
  sees its update count as 1.

Every later write names the worker and only applies while that worker still holds the lock, so a worker
whose lock was taken back (stale-lock recovery) cannot overwrite the new owner's outcome.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from zhonghe.accounts.models import Organization
from zhonghe.jobs.models import Job, JobStatus
from zhonghe.jobs.registry import handler_for
from zhonghe.lib.errors import Conflict, ValidationFailed

# Claiming looks at this many candidates per call on SQLite before giving up for this round.
_SQLITE_CANDIDATES = 10


def retry_delay_s(attempts: int) -> int:
    """Back-off before the next attempt: 10 s, 40 s, 160 s, … capped at one hour."""
    return min(10 * 4 ** max(attempts - 1, 0), 3600)


@transaction.atomic
def job_enqueue(
    *,
    kind: str,
    payload: dict[str, Any] | None = None,
    organization: Organization | None = None,
    run_after: datetime | None = None,
    max_attempts: int | None = None,
    dedupe_key: str | None = None,
) -> Job:
    """Queue a job of a registered kind. With `dedupe_key`, a second enqueue returns the first job."""
    if handler_for(kind) is None:
        raise ValidationFailed(_("未知的任务类型：%(kind)s") % {"kind": kind}, fields={"kind": kind})
    payload = payload or {}
    try:
        json.dumps(payload)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(_("任务参数不是有效的JSON"), fields={"payload": str(exc)}) from exc
    attempts_allowed = settings.ZHONGHE_JOB_MAX_ATTEMPTS if max_attempts is None else max_attempts
    if attempts_allowed < 1:
        raise ValidationFailed(_("重试次数至少为1"), fields={"max_attempts": attempts_allowed})
    if dedupe_key:
        existing = Job.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    fields = {
        "kind": kind,
        "payload": payload,
        "organization": organization,
        "run_after": run_after or timezone.now(),
        "max_attempts": attempts_allowed,
        "dedupe_key": dedupe_key or None,
    }
    if not dedupe_key:
        return Job.objects.create(**fields)
    try:
        with transaction.atomic():
            return Job.objects.create(**fields)
    except IntegrityError:  # another worker queued the same key between our check and insert
        return Job.objects.get(dedupe_key=dedupe_key)


def _claim_update(now: datetime, worker: str) -> dict[str, Any]:
    return {
        "status": JobStatus.RUNNING,
        "locked_by": worker,
        "locked_at": now,
        "started_at": now,
        "attempts": F("attempts") + 1,
    }


@transaction.atomic
def job_claim(*, worker: str, kinds: list[str] | None = None, now: datetime | None = None) -> Job | None:
    """Take the oldest due queued job for `worker`, or None when there is nothing to do."""
    if not worker:
        raise ValidationFailed(_("缺少工作进程标识"), fields={"worker": "required"})
    now = now or timezone.now()
    due = Job.objects.filter(status=JobStatus.QUEUED, run_after__lte=now).order_by("run_after", "id")
    if kinds:
        due = due.filter(kind__in=kinds)
    if connection.features.has_select_for_update_skip_locked:
        job = due.select_for_update(skip_locked=True).first()
        if job is None:
            return None
        Job.objects.filter(pk=job.pk).update(**_claim_update(now, worker))
        job.refresh_from_db()
        return job
    for job_id in list(due.values_list("id", flat=True)[:_SQLITE_CANDIDATES]):
        if Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(**_claim_update(now, worker)) == 1:
            return Job.objects.get(pk=job_id)
    return None


def _held(job_id: int, worker: str):
    return Job.objects.filter(pk=job_id, status=JobStatus.RUNNING, locked_by=worker)


@transaction.atomic
def job_progress(*, job_id: int, worker: str, rows_done: int, rows_total: int | None = None) -> None:
    """Record progress (and that the worker is alive). Conflict if the worker no longer holds the job."""
    if rows_done < 0 or (rows_total is not None and rows_total < 0):
        raise ValidationFailed(_("进度不能为负数"), fields={"rows_done": rows_done, "rows_total": rows_total})
    if rows_total is not None and rows_done > rows_total:
        raise ValidationFailed(_("已完成行数超过总行数"), fields={"rows_done": rows_done, "rows_total": rows_total})
    changes: dict[str, Any] = {"rows_done": rows_done, "locked_at": timezone.now()}
    if rows_total is not None:
        changes["rows_total"] = rows_total
    if _held(job_id, worker).update(**changes) != 1:
        raise Conflict(_("该任务已不由此工作进程执行"), code="job_lock_lost")


@transaction.atomic
def job_finish(*, job_id: int, worker: str, result: Any = None) -> None:
    """Mark the job done with its JSON-able result."""
    try:
        json.dumps(result)
    except (TypeError, ValueError):
        result = {"repr": repr(result)}
    changes = {"status": JobStatus.DONE, "result": result, "finished_at": timezone.now(), "locked_at": None}
    if _held(job_id, worker).update(**changes) != 1:
        raise Conflict(_("该任务已不由此工作进程执行"), code="job_lock_lost")


@transaction.atomic
def job_fail(*, job_id: int, worker: str, error: dict[str, Any], now: datetime | None = None) -> Job:
    """Record a failed attempt: back to the queue after a delay, or failed for good after max_attempts."""
    now = now or timezone.now()
    job = _held(job_id, worker).select_for_update().first()
    if job is None:
        raise Conflict(_("该任务已不由此工作进程执行"), code="job_lock_lost")
    job.error = error
    job.locked_by = ""
    job.locked_at = None
    if job.attempts < job.max_attempts:
        job.status = JobStatus.QUEUED
        job.run_after = now + timedelta(seconds=retry_delay_s(job.attempts))
    else:
        job.status = JobStatus.FAILED
        job.finished_at = now
    job.save(update_fields=["error", "locked_by", "locked_at", "status", "run_after", "finished_at"])
    return job


@transaction.atomic
def job_recover_stale(*, now: datetime | None = None, timeout_s: int | None = None) -> int:
    """Take back running jobs whose worker has been silent longer than the lock timeout (it died).

    They go back to the queue, or fail when no attempt is left. Returns how many were taken back.
    """
    now = now or timezone.now()
    timeout_s = settings.ZHONGHE_JOB_LOCK_TIMEOUT_S if timeout_s is None else timeout_s
    stale = Job.objects.filter(status=JobStatus.RUNNING, locked_at__lt=now - timedelta(seconds=timeout_s))
    error = {"code": "lock_expired", "message": f"worker silent for more than {timeout_s} s"}
    cleared = {"locked_by": "", "locked_at": None, "error": error}
    exhausted = stale.filter(attempts__gte=F("max_attempts")).update(
        status=JobStatus.FAILED, finished_at=now, **cleared
    )
    requeued = stale.filter(attempts__lt=F("max_attempts")).update(status=JobStatus.QUEUED, run_after=now, **cleared)
    return exhausted + requeued


@transaction.atomic
def jobs_prune(*, keep_days: int | None = None, now: datetime | None = None) -> int:
    """Delete the finished jobs of periodic commands older than `keep_days` (ZHONGHE_JOB_KEEP_DAYS, default 7);
    returns how many. Their period slots are past, so nothing queues them again; a seal every 5 s would otherwise
    add 17,280 rows a day. Failed ones and every other kind of job (imports, …) stay as history."""
    now = now or timezone.now()
    days = settings.ZHONGHE_JOB_KEEP_DAYS if keep_days is None else keep_days
    if days < 0:
        raise ValidationFailed(_("保留天数不能为负数"), code="invalid_keep_days", fields={"keep_days": days})
    old = Job.objects.filter(
        dedupe_key__startswith="periodic:", status=JobStatus.DONE, finished_at__lt=now - timedelta(days=days)
    )
    deleted, _by_model = old.delete()
    return deleted
