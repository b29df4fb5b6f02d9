"""Workers racing for jobs on PostgreSQL (threads, real transactions): each job is claimed exactly once."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from zhonghe.jobs.models import Job
from zhonghe.jobs.services import job_claim, job_enqueue, job_finish
from zhonghe.jobs.tests.test_services import ECHO

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs SELECT … FOR UPDATE SKIP LOCKED"),
    pytest.mark.django_db(transaction=True),
]

JOBS = 60
WORKERS = 4


def test_racing_workers_claim_every_job_exactly_once():
    ids = {job_enqueue(kind=ECHO, payload={"i": i}).pk for i in range(JOBS)}
    barrier = threading.Barrier(WORKERS)
    claims: dict[str, list[int]] = {f"w{n}": [] for n in range(WORKERS)}
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            barrier.wait(timeout=30)
            while (job := job_claim(worker=name)) is not None:
                claims[name].append(job.pk)
                job_finish(job_id=job.pk, worker=name, result={"by": name})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(name,)) for name in claims]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    assert errors == []
    counts = Counter(pk for taken in claims.values() for pk in taken)
    assert set(counts) == ids and set(counts.values()) == {1}, "a job was claimed twice or never"
    assert sum(1 for taken in claims.values() if taken) >= 2, "only one worker got jobs: no race happened"
    rows = Job.objects.filter(pk__in=ids)
    assert {(r.status, r.attempts) for r in rows} == {("done", 1)}
    assert all(r.result == {"by": r.locked_by} for r in rows)
