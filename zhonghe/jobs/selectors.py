"""Reads of jobs. An organisation sees only its own jobs; anyone else's is "not found"."""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhonghe.accounts.models import Organization
from zhonghe.jobs.models import Job
from zhonghe.lib.errors import NotFound


def job_of_organization(*, organization: Organization, job_id: int) -> Job:
    """The job (for its progress and result), or NotFound when it belongs to another organisation."""
    job = Job.objects.filter(pk=job_id, organization=organization).first()
    if job is None:
        raise NotFound(_("任务不存在"))
    return job
