from pathlib import Path

from django.core.management.base import BaseCommand

from zhonghe.registry.claims import FORMAT, export_claims, our_claims


class Command(BaseCommand):
    help = (
        f"Write every serial range claimed on this platform ({FORMAT}: our retirements and confirmed external "
        "cancellations) as CSV or JSON, for another platform's claims_check. Format: docs/registry.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")

    def handle(self, *args, format: str, output: str | None, **options):
        text = export_claims(our_claims(), format)
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
