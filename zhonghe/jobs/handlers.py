"""Built-in job kinds."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.management import call_command

from zhonghe.jobs.registry import job_handler

COMMAND_KIND = "management_command"


@job_handler(COMMAND_KIND)
def run_management_command(job) -> dict[str, str]:
    """Run one of the configured periodic commands; anything else is refused (payloads are data)."""
    command = str(job.payload.get("command", ""))
    if command not in settings.ZHONGHE_PERIODIC_COMMANDS:
        raise ValueError(f"command {command!r} is not in ZHONGHE_PERIODIC_COMMANDS")
    out = io.StringIO()
    call_command(command, stdout=out)
    return {"command": command, "output": out.getvalue()[-4000:]}
