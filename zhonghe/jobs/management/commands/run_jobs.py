"""`python manage.py run_jobs [--once] [--sleep S] [--kind K …]`: the background worker.

Run as many as you like, on as many machines as share the database: each job is claimed by one
worker. SIGTERM or SIGINT lets the job in hand finish, then the worker exits.
"""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhonghe.audit.services import audit_acting_as
from zhonghe.jobs.worker import Worker


class Command(BaseCommand):
    help = "Run queued background jobs and the periodic commands (ZHONGHE_PERIODIC_COMMANDS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run what is due, then exit")
        parser.add_argument("--sleep", type=float, default=1.0, help="seconds to wait when idle (default 1)")
        parser.add_argument("--kind", action="append", default=[], help="only these job kinds (repeatable)")
        parser.add_argument("--worker-id", default="", help="name in Job.locked_by (default host:pid)")

    @audit_acting_as("command:run_jobs")  # services a job calls without an actor log this label
    def handle(self, *args: Any, **options: Any) -> None:
        worker = Worker(
            worker_id=options["worker_id"] or None, sleep_s=max(options["sleep"], 0.05), kinds=options["kind"]
        )
        signal.signal(signal.SIGTERM, worker.stop)
        signal.signal(signal.SIGINT, worker.stop)
        self.stdout.write(f"run_jobs: worker {worker.worker_id} started")
        ran = worker.run(once=bool(options["once"]))
        self.stdout.write(f"run_jobs: worker {worker.worker_id} stopped after {ran} job(s)")
