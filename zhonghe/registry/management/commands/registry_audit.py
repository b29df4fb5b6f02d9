from django.core.management.base import BaseCommand, CommandError

from zhonghe.registry.audit import audit_registry


class Command(BaseCommand):
    help = "Re-derive balances and the ledger hash chain from history; list every violation."

    def handle(self, *args, **options):
        problems = audit_registry()
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} registry violation(s)")
        self.stdout.write(self.style.SUCCESS("registry audit: no violations"))
