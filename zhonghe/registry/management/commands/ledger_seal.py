from django.core.management.base import BaseCommand

from zhonghe.registry.services import ledger_seal_all


class Command(BaseCommand):
    help = "Seal the committed pending ledger entries: chain them after the head (the worker runs this periodically)."

    def handle(self, *args, **options):
        sealed = ledger_seal_all()
        self.stdout.write(f"ledger: sealed {sealed} pending entr{'y' if sealed == 1 else 'ies'}")
