"""Job services: enqueue, claim, progress, finish, fail with retry, stale-lock recovery, the scheduler."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from zhonghe.jobs.handlers import COMMAND_KIND
from zhonghe.jobs.models import Job, JobStatus
from zhonghe.jobs.registry import job_handler, registered_kinds
from zhonghe.jobs.scheduler import schedule_due
from zhonghe.jobs.services import (
    job_claim,
    job_enqueue,
    job_fail,
    job_finish,
    job_progress,
    job_recover_stale,
    retry_delay_s,
)
from zhonghe.lib.errors import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db

ECHO = "test.echo"


@job_handler(ECHO)
def _echo(job):
    return {"echo": job.payload}


def jobs_now():
    return list(Job.objects.order_by("pk").values())


def refused_job_write(exc_type, code, call, **kwargs):
    before = jobs_now()
    with pytest.raises(exc_type) as info:
        call(**kwargs)
    assert info.value.code == code
    assert jobs_now() == before, "a refused job call wrote"
    return info.value


def test_enqueue_records_a_queued_job():
    job = job_enqueue(kind=ECHO, payload={"n": 1})
    job.refresh_from_db()
    assert (job.status, job.attempts, job.payload, job.locked_by) == (JobStatus.QUEUED, 0, {"n": 1}, "")
    assert ECHO in registered_kinds() and COMMAND_KIND in registered_kinds()


def test_enqueue_refuses_unknown_kind_bad_payload_and_zero_attempts():
    refused_job_write(ValidationFailed, "validation_failed", job_enqueue, kind="no.such.kind")
    refused_job_write(ValidationFailed, "validation_failed", job_enqueue, kind=ECHO, payload={"x": object()})
    refused_job_write(ValidationFailed, "validation_failed", job_enqueue, kind=ECHO, max_attempts=0)
    assert Job.objects.count() == 0


def test_dedupe_key_gives_the_first_job_back():
    first = job_enqueue(kind=ECHO, payload={"n": 1}, dedupe_key="k1")
    again = job_enqueue(kind=ECHO, payload={"n": 2}, dedupe_key="k1")
    assert again.pk == first.pk
    assert Job.objects.count() == 1


def test_claim_takes_the_oldest_due_job_once():
    later = job_enqueue(kind=ECHO, run_after=timezone.now() + timedelta(hours=1))
    first = job_enqueue(kind=ECHO)
    second = job_enqueue(kind=ECHO)
    claimed = job_claim(worker="w1")
    assert claimed.pk == first.pk
    assert (claimed.status, claimed.locked_by, claimed.attempts) == (JobStatus.RUNNING, "w1", 1)
    assert claimed.locked_at is not None and claimed.started_at is not None
    assert job_claim(worker="w2").pk == second.pk
    assert job_claim(worker="w3") is None, "a job not yet due (or already claimed) was claimed"
    later.refresh_from_db()
    assert later.status == JobStatus.QUEUED


def test_claim_filters_by_kind_and_needs_a_worker_name():
    job_enqueue(kind=COMMAND_KIND, payload={"command": "x"})
    assert job_claim(worker="w1", kinds=[ECHO]) is None
    refused_job_write(ValidationFailed, "validation_failed", job_claim, worker="")


def test_progress_only_by_the_holder_and_within_bounds():
    job = job_enqueue(kind=ECHO)
    job_claim(worker="w1")
    job_progress(job_id=job.pk, worker="w1", rows_done=5, rows_total=10)
    job.refresh_from_db()
    assert (job.rows_done, job.rows_total) == (5, 10)
    refused_job_write(Conflict, "job_lock_lost", job_progress, job_id=job.pk, worker="w2", rows_done=6)
    refused_job_write(ValidationFailed, "validation_failed", job_progress, job_id=job.pk, worker="w1", rows_done=-1)
    refused_job_write(
        ValidationFailed, "validation_failed", job_progress, job_id=job.pk, worker="w1", rows_done=11, rows_total=10
    )


def test_finish_records_the_result_only_for_the_holder():
    job = job_enqueue(kind=ECHO)
    job_claim(worker="w1")
    refused_job_write(Conflict, "job_lock_lost", job_finish, job_id=job.pk, worker="w2", result={"x": 1})
    job_finish(job_id=job.pk, worker="w1", result={"ok": True})
    job.refresh_from_db()
    assert (job.status, job.result) == (JobStatus.DONE, {"ok": True})
    assert job.finished_at is not None and job.locked_at is None
    refused_job_write(Conflict, "job_lock_lost", job_finish, job_id=job.pk, worker="w1", result={"again": 1})


def test_fail_retries_with_growing_delay_then_fails_for_good():
    job = job_enqueue(kind=ECHO, max_attempts=2)
    now = timezone.now()
    job_claim(worker="w1", now=now)
    retried = job_fail(job_id=job.pk, worker="w1", error={"code": "boom"}, now=now)
    assert (retried.status, retried.attempts, retried.locked_by) == (JobStatus.QUEUED, 1, "")
    assert retried.run_after == now + timedelta(seconds=retry_delay_s(1))
    assert job_claim(worker="w1", now=now) is None, "retried before its delay"
    later = now + timedelta(seconds=retry_delay_s(1))
    assert job_claim(worker="w2", now=later).pk == job.pk
    final = job_fail(job_id=job.pk, worker="w2", error={"code": "boom2"}, now=later)
    assert (final.status, final.attempts, final.error) == (JobStatus.FAILED, 2, {"code": "boom2"})
    assert final.finished_at == later
    assert job_claim(worker="w3", now=later + timedelta(days=1)) is None


def test_retry_delay_grows_and_is_capped():
    delays = [retry_delay_s(n) for n in range(1, 10)]
    assert delays[:3] == [10, 40, 160]
    assert delays == sorted(delays) and max(delays) == 3600


def test_stale_locks_are_taken_back_or_failed_when_exhausted():
    now = timezone.now()
    queued_at = now - timedelta(hours=1)
    retryable = job_enqueue(kind=ECHO, max_attempts=3, run_after=queued_at)
    exhausted = job_enqueue(kind=ECHO, max_attempts=1, run_after=queued_at)
    fresh = job_enqueue(kind=ECHO, run_after=queued_at)
    job_claim(worker="dead", now=now - timedelta(seconds=700))
    job_claim(worker="dead", now=now - timedelta(seconds=700))
    job_claim(worker="alive", now=now - timedelta(seconds=10))
    assert job_recover_stale(now=now, timeout_s=600) == 2
    retryable.refresh_from_db()
    exhausted.refresh_from_db()
    fresh.refresh_from_db()
    assert (retryable.status, retryable.locked_by, retryable.error["code"]) == (JobStatus.QUEUED, "", "lock_expired")
    assert (exhausted.status, exhausted.error["code"]) == (JobStatus.FAILED, "lock_expired")
    assert (fresh.status, fresh.locked_by) == (JobStatus.RUNNING, "alive")
    # The dead worker's late report is refused; the job belongs to the queue again.
    refused_job_write(Conflict, "job_lock_lost", job_finish, job_id=retryable.pk, worker="dead", result=1)


def test_scheduler_queues_each_period_once(settings):
    settings.ZHONGHE_PERIODIC_COMMANDS = {"check": 60, "disabled": 0}
    t0 = timezone.now().replace(second=5, microsecond=0)
    first = schedule_due(now=t0)
    again = schedule_due(now=t0 + timedelta(seconds=30))
    assert [j.pk for j in again] == [j.pk for j in first] and len(first) == 1
    assert first[0].payload == {"command": "check"} and first[0].kind == COMMAND_KIND
    schedule_due(now=t0 + timedelta(seconds=60))
    assert Job.objects.filter(kind=COMMAND_KIND).count() == 2


def test_an_organisation_sees_only_its_own_jobs(actors):
    from zhonghe.jobs.selectors import job_of_organization
    from zhonghe.lib.errors import NotFound

    job = job_enqueue(kind=ECHO, organization=actors.orgs.organiser)
    assert job_of_organization(organization=actors.orgs.organiser, job_id=job.pk).pk == job.pk
    with pytest.raises(NotFound):
        job_of_organization(organization=actors.orgs.outsider, job_id=job.pk)
    with pytest.raises(NotFound):
        job_of_organization(organization=actors.orgs.organiser, job_id=job.pk + 1000)
