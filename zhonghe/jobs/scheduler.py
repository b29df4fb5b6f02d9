"""Periodic management commands (settings.ZHONGHE_PERIODIC_COMMANDS = {"name": every_s}).

Every worker calls schedule_due() on each loop; the time is cut into slots of every_s seconds and each
slot's job has a dedupe key, so a command runs once per period however many workers are running.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from zhonghe.jobs.handlers import COMMAND_KIND
from zhonghe.jobs.models import Job
from zhonghe.jobs.services import job_enqueue


def slot_key(command: str, every_s: int, now: datetime) -> str:
    return f"periodic:{command}:{every_s}:{int(now.timestamp()) // every_s}"


def schedule_due(*, now: datetime | None = None) -> list[Job]:
    """Queue this period's job of every periodic command (idempotent within the period)."""
    now = now or timezone.now()
    return [
        job_enqueue(kind=COMMAND_KIND, payload={"command": command}, dedupe_key=slot_key(command, every_s, now))
        for command, every_s in settings.ZHONGHE_PERIODIC_COMMANDS.items()
        if every_s > 0
    ]
