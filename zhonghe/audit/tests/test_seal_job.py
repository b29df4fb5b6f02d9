"""audit_seal runs as the worker's periodic command (default schedule) and as `manage.py audit_seal`."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from zhonghe.accounts.models import Organization
from zhonghe.audit.models import AuditEntry
from zhonghe.audit.services import audit_append
from zhonghe.audit.verify import audit_verify_chain
from zhonghe.jobs.handlers import COMMAND_KIND
from zhonghe.jobs.models import Job, JobStatus
from zhonghe.jobs.worker import Worker

ROOT = Path(__file__).resolve().parents[3]


def _append(n: int) -> None:
    with transaction.atomic():
        for i in range(n):
            org = Organization.objects.create(name=f"封存单位{i}", kind="individual")
            audit_append(actor="system", action="organization.create", target=org)


@pytest.mark.django_db
def test_the_worker_seals_pending_entries_as_a_periodic_command(settings):
    settings.ZHONGHE_PERIODIC_COMMANDS = {"audit_seal": 5}
    _append(3)
    Worker(worker_id="w-seal").run(once=True)
    job = Job.objects.get(kind=COMMAND_KIND)
    assert job.status == JobStatus.DONE and job.result["command"] == "audit_seal"
    assert "sealed 3 pending entries" in job.result["output"]
    assert not AuditEntry.objects.filter(sequence__isnull=True).exists()
    assert audit_verify_chain() == []


@pytest.mark.django_db
def test_the_command_seals_and_says_how_many():
    _append(2)
    out = StringIO()
    call_command("audit_seal", stdout=out)
    assert "sealed 2 pending entries" in out.getvalue()
    out = StringIO()
    call_command("audit_seal", stdout=out)
    assert "sealed 0 pending entries" in out.getvalue()
    assert sorted(AuditEntry.objects.values_list("sequence", flat=True)) == [1, 2]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (None, {"audit_seal": 5, "ledger_seal": 5, "check_deadlines": 3600, "prune_jobs": 3600}),
        ("check:60", {"check": 60}),
    ],
)
def test_the_default_schedule_seals_every_five_seconds_and_reminds_hourly(env, expected):
    environ = {k: v for k, v in os.environ.items() if k != "ZHONGHE_PERIODIC_COMMANDS"}
    if env is not None:
        environ["ZHONGHE_PERIODIC_COMMANDS"] = env
    code = "import zhonghe.settings as s; print(sorted(s.ZHONGHE_PERIODIC_COMMANDS.items()))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip().splitlines()[-1] == str(sorted(expected.items()))
