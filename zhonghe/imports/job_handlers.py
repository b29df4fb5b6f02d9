"""The worker side of a big import: ``imports.process`` jobs (autodiscovered by the jobs app).

A failed attempt is retried by the jobs app; when the last attempt fails the import is marked ``failed``
(no longer live), so the organiser sees it and may upload the same file again.
"""

from __future__ import annotations

from typing import Any

from zhonghe.imports.models import Import
from zhonghe.imports.services import (
    COMMIT_KIND,
    JOB_KIND,
    import_commit_queued,
    import_fail,
    import_process,
    progress_writer,
)
from zhonghe.jobs.registry import job_handler


@job_handler(JOB_KIND)
def process_import(job: Any) -> dict[str, Any]:
    found = Import.objects.get(pk=int(job.payload["import"]))
    report = progress_writer(found, job_id=job.pk, worker=job.locked_by)
    try:
        return import_process(import_id=found.pk, report=report)
    except Exception as exc:
        if job.attempts >= job.max_attempts:
            import_fail(import_id=found.pk, reason=f"{type(exc).__name__}: {exc}")
        raise


@job_handler(COMMIT_KIND)
def commit_import(job: Any) -> dict[str, Any]:
    payload = job.payload
    return import_commit_queued(
        import_id=int(payload["import"]), user_id=payload.get("user"), api_key_id=str(payload.get("api_key_id", ""))
    )
