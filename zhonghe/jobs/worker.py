"""The loop of `manage.py run_jobs`: recover stale locks, queue periodic commands, claim, run, record."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback

from django.db import InterfaceError, OperationalError, connections

from zhonghe.jobs.models import Job
from zhonghe.jobs.registry import handler_for
from zhonghe.jobs.scheduler import schedule_due
from zhonghe.jobs.services import job_claim, job_fail, job_finish, job_recover_stale
from zhonghe.lib.errors import ApplicationError, Conflict

log = logging.getLogger(__name__)

RECOVER_EVERY_S = 30.0


def refresh_connections() -> None:
    """Drop broken or expired database connections between jobs (what Django does between requests).

    Connections inside an atomic block (a test's transaction) are left alone.
    """
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Worker:
    def __init__(self, *, worker_id: str | None = None, sleep_s: float = 1.0, kinds: list[str] | None = None):
        self.worker_id = worker_id or default_worker_id()
        self.sleep_s = sleep_s
        self.kinds = kinds or None
        self._stop = threading.Event()
        self._last_recover = 0.0

    def stop(self, *_args: object) -> None:
        """Finish the job in hand, then leave the loop (SIGTERM / SIGINT)."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def _housekeeping(self) -> None:
        if time.monotonic() - self._last_recover >= RECOVER_EVERY_S:
            taken_back = job_recover_stale()
            if taken_back:
                log.warning("took back %d job(s) from silent workers", taken_back)
            self._last_recover = time.monotonic()
        schedule_due()

    def run_one(self) -> Job | None:
        """Claim and run one due job; None when there is none."""
        refresh_connections()
        self._housekeeping()
        job = job_claim(worker=self.worker_id, kinds=self.kinds)
        if job is None:
            return None
        handler = handler_for(job.kind)
        try:
            if handler is None:
                raise LookupError(f"no handler for job kind {job.kind!r}")
            result = handler(job)
        except Exception as exc:  # noqa: BLE001 - any failure is recorded on the job and retried
            code = exc.code if isinstance(exc, ApplicationError) else type(exc).__name__
            log.warning("job %s attempt %d failed: %s", job, job.attempts, exc)
            error = {"code": code, "message": str(exc), "traceback": traceback.format_exc()[-4000:]}
            try:
                job_fail(job_id=job.pk, worker=self.worker_id, error=error)
            except Conflict:
                log.warning("job %s was taken back while failing; leaving it to its new owner", job)
        else:
            try:
                job_finish(job_id=job.pk, worker=self.worker_id, result=result)
            except Conflict:
                log.warning("job %s was taken back before it finished; its result is dropped", job)
        job.refresh_from_db()
        return job

    def run(self, *, once: bool = False) -> int:
        """Loop until stopped (or, with once, until nothing is due). Returns how many jobs ran."""
        ran = 0
        while not self.stopping:
            try:
                job = self.run_one()
            except (OperationalError, InterfaceError) as exc:
                # A database that is briefly unavailable or locked (SQLite "database table is locked", a dropped
                # PostgreSQL connection) must not end the worker: drop the connection and try again shortly.
                log.warning("worker %s: database error, retrying: %s", self.worker_id, exc)
                refresh_connections()
                self._stop.wait(self.sleep_s)
                continue
            if job is not None:
                ran += 1
                continue
            if once:
                break
            self._stop.wait(self.sleep_s)
        refresh_connections()
        return ran
