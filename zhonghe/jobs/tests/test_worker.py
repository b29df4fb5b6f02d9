"""The run_jobs worker: runs handlers, records results and failures, runs periodic commands."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from zhonghe.jobs.handlers import COMMAND_KIND
from zhonghe.jobs.models import Job, JobStatus
from zhonghe.jobs.registry import job_handler
from zhonghe.jobs.services import job_enqueue, job_progress
from zhonghe.jobs.worker import Worker

pytestmark = pytest.mark.django_db

COUNT = "test.count_rows"
BROKEN = "test.broken"


@job_handler(COUNT)
def _count_rows(job):
    rows = job.payload["rows"]
    for done in range(1, rows + 1):
        job_progress(job_id=job.pk, worker=job.locked_by, rows_done=done, rows_total=rows)
    return {"rows": rows}


@job_handler(BROKEN)
def _broken(job):
    raise RuntimeError("the handler broke")


def test_worker_runs_a_job_and_records_progress_and_result():
    job = job_enqueue(kind=COUNT, payload={"rows": 3})
    ran = Worker(worker_id="w-test").run_one()
    assert ran.pk == job.pk
    job.refresh_from_db()
    assert (job.status, job.result, job.rows_done, job.rows_total) == (JobStatus.DONE, {"rows": 3}, 3, 3)
    assert job.locked_by == "w-test" and job.attempts == 1


def test_a_failing_handler_is_retried_then_failed():
    job = job_enqueue(kind=BROKEN, max_attempts=1)
    Worker(worker_id="w-test").run_one()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error["code"] == "RuntimeError" and "the handler broke" in job.error["message"]


def test_run_jobs_once_drains_the_queue_and_exits():
    jobs = [job_enqueue(kind=COUNT, payload={"rows": n}) for n in (1, 2)]
    out = io.StringIO()
    call_command("run_jobs", "--once", "--worker-id", "cmd-worker", stdout=out)
    assert "stopped after 2 job(s)" in out.getvalue()
    assert {j.status for j in Job.objects.filter(pk__in=[j.pk for j in jobs])} == {JobStatus.DONE}


def test_periodic_command_runs_through_the_worker(settings):
    settings.ZHONGHE_PERIODIC_COMMANDS = {"check": 3600}
    Worker(worker_id="w-test").run(once=True)
    job = Job.objects.get(kind=COMMAND_KIND)
    assert job.status == JobStatus.DONE
    assert job.result["command"] == "check" and "no issues" in job.result["output"]


def test_command_handler_refuses_commands_not_configured(settings):
    settings.ZHONGHE_PERIODIC_COMMANDS = {}
    job = job_enqueue(kind=COMMAND_KIND, payload={"command": "check"}, max_attempts=1)
    Worker(worker_id="w-test").run_one()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "not in ZHONGHE_PERIODIC_COMMANDS" in job.error["message"]


def test_stop_ends_the_loop_after_the_job_in_hand():
    worker = Worker(worker_id="w-test", sleep_s=60)
    job_enqueue(kind=COUNT, payload={"rows": 1})
    job_enqueue(kind=COUNT, payload={"rows": 1})

    original = worker.run_one

    def run_one_then_stop():
        job = original()
        worker.stop()
        return job

    worker.run_one = run_one_then_stop
    assert worker.run() == 1, "the worker went on after being told to stop"
    assert Job.objects.filter(status=JobStatus.QUEUED).count() == 1


def test_a_transient_database_error_does_not_end_the_worker(monkeypatch):
    """SQLite's "database table is locked" or a dropped PostgreSQL connection while claiming: the worker logs it,
    waits and claims again instead of dying (it used to end the run_jobs loop)."""
    from django.db import OperationalError

    import zhonghe.jobs.worker as worker_module

    job = job_enqueue(kind=COUNT, payload={"rows": 2})
    real_claim, failures = worker_module.job_claim, []

    def flaky_claim(**kwargs):
        if not failures:
            failures.append("locked")
            raise OperationalError("database table is locked")
        return real_claim(**kwargs)

    monkeypatch.setattr(worker_module, "job_claim", flaky_claim)
    ran = Worker(worker_id="w-test", sleep_s=0).run(once=True)
    job.refresh_from_db()
    assert failures == ["locked"] and ran == 1 and job.status == JobStatus.DONE
