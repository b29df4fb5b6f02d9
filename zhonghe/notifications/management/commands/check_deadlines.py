"""`manage.py check_deadlines [--today YYYY-MM-DD]`: send the deadline reminders due today (idempotent).

Run by the worker as a periodic command (ZHONGHE_PERIODIC_COMMANDS, default hourly); running it again, or on
two workers at once, sends nothing twice (notifications/services.py).
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhonghe.audit.services import audit_acting_as
from zhonghe.notifications.services import deadline_reminders_send


class Command(BaseCommand):
    help = "Notify organisers 7 days and 1 day before their completion deadline and the day after it passes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", default="", help="the date to check as (default: today, local time)")

    def handle(self, *args: object, **options) -> None:
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError(f"--today: {exc}") from exc
        with audit_acting_as("command:check_deadlines"):  # the reminder.send entries name the command
            result = deadline_reminders_send(today=today)
        self.stdout.write(f"reminders sent {result['sent']}, already sent {result['skipped']}")
