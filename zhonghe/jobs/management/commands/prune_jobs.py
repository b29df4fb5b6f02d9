"""`manage.py prune_jobs [--keep-days N]` — delete finished periodic-command jobs older than N days (idempotent;
in the worker's default schedule hourly)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from zhonghe.jobs.services import jobs_prune


class Command(BaseCommand):
    help = "Delete finished periodic-command jobs older than --keep-days (default ZHONGHE_JOB_KEEP_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument("--keep-days", type=int, default=None)

    def handle(self, *args, keep_days=None, **options):
        deleted = jobs_prune(keep_days=keep_days)
        self.stdout.write(f"deleted {deleted} finished periodic jobs")
