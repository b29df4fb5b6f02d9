from django.core.management.base import BaseCommand

from zhonghe.audit.services import audit_acting_as
from zhonghe.registry.listings import orders_expire


class Command(BaseCommand):
    help = (
        "Expire pending listing orders past their hold deadline and release their reserved tonnes. "
        "Idempotent: run it periodically (an expired order is never touched again)."
    )

    def handle(self, *args, **options):
        with audit_acting_as("command:expire_orders"):
            count = orders_expire()
        self.stdout.write(f"expired {count} order(s)")
