from django.core.management.base import BaseCommand

from zhonghe.audit.services import audit_seal_all


class Command(BaseCommand):
    help = "Seal the committed pending audit entries: chain them after the head (the worker runs this periodically)."

    def handle(self, *args, **options):
        sealed = audit_seal_all()
        self.stdout.write(f"audit log: sealed {sealed} pending entr{'y' if sealed == 1 else 'ies'}")
