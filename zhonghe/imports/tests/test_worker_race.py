"""Two workers on PostgreSQL race for import jobs: each import is claimed and processed exactly once."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from zhonghe.footprints.tests.builders import make_event
from zhonghe.imports import services
from zhonghe.imports.models import Import, ImportStatus
from zhonghe.imports.tests.spreadsheets import ZH, csv_bytes
from zhonghe.jobs.models import Job
from zhonghe.jobs.worker import Worker

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs SELECT … FOR UPDATE SKIP LOCKED"),
    pytest.mark.django_db(transaction=True),
]

IMPORTS = 6


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    settings.ZHONGHE_IMPORT_INLINE_ROWS = 1


def test_two_workers_claim_each_import_job_once(actors):
    event = make_event(actors.organiser)
    for n in range(IMPORTS):
        rows = [ZH, *(["x", "成都", "", "高铁", "是", str(n + 1), "", "", ""] for _ in range(3))]
        services.import_create(
            actor=actors.organiser, code=event.code, kind="attendees", stage="before", data=csv_bytes(rows)
        )
    barrier = threading.Barrier(2)
    claims: dict[str, list[int]] = {"w1": [], "w2": []}
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            worker = Worker(worker_id=name)
            barrier.wait(timeout=30)
            while (job := worker.run_one()) is not None:
                claims[name].append(job.pk)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(name,)) for name in claims]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [] and not any(thread.is_alive() for thread in threads)
    counts = Counter(pk for taken in claims.values() for pk in taken)
    jobs = set(Import.objects.values_list("job_id", flat=True))
    assert set(counts) == jobs and set(counts.values()) == {1}, "an import job was claimed twice or never"
    assert {(job.status, job.attempts) for job in Job.objects.filter(pk__in=jobs)} == {("done", 1)}
    assert set(Import.objects.values_list("status", flat=True)) == {ImportStatus.CONFIRMING}
