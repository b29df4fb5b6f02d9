"""`manage.py synthesize --events N --yes-synthetic [--force]`: synthetic events for measuring the dashboards.

Refused without --yes-synthetic, and refused when DEBUG is off unless --force: the rows bypass the services
and are only fit for benchmarks (zhonghe/supervision/synth.py says what is marked and how).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zhonghe.supervision.synth import synthetic_create


class Command(BaseCommand):
    help = "Create synthetic (clearly marked) events with inventories, retirements and certificates."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--events", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--yes-synthetic", action="store_true", help="confirm: write synthetic rows")
        parser.add_argument("--force", action="store_true", help="allow it with DEBUG off")

    def handle(self, *args: object, **options) -> None:
        if not options["yes_synthetic"]:
            raise CommandError("refused: pass --yes-synthetic to write synthetic events into this database")
        if not settings.DEBUG and not options["force"]:
            raise CommandError("refused: DEBUG is off (a production database?); pass --force to do it anyway")
        if options["events"] < 1:
            raise CommandError("--events must be at least 1")
        started = time.perf_counter()
        counts = synthetic_create(events=options["events"], seed=options["seed"], today=timezone.localdate())
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{name} {n}" for name, n in counts.items())
        self.stdout.write(f"synthetic rows: {summary} in {elapsed:.1f} s")
