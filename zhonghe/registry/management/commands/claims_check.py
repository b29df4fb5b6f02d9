from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhonghe.registry.claims import ClaimsFormatError, find_claim_overlaps, our_claims, parse_claims


class Command(BaseCommand):
    help = (
        "Compare another platform's claims list (claims_export CSV or JSON, docs/registry.md) with every range "
        "claimed here; print each overlap and exit non-zero when there is any."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")

    def handle(self, *args, file: str, **options):
        try:
            theirs = parse_claims(Path(file).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ClaimsFormatError) as exc:
            raise CommandError(f"{file}: {exc}") from exc
        overlaps = find_claim_overlaps(theirs, list(our_claims()))
        for their, our in overlaps:
            batch = f" {their.batch}" if their.batch else ""
            self.stdout.write(
                f"overlap: their {their.registry}{batch} {their.serial_first}-{their.serial_last} "
                f"({their.reference or 'no reference'}) and our {our.kind} {our.reference} "
                f"{our.serial_first}-{our.serial_last}"
            )
        if overlaps:
            raise CommandError(f"{len(overlaps)} overlapping claim(s) out of {len(theirs)} checked")
        self.stdout.write(self.style.SUCCESS(f"claims check: {len(theirs)} claim(s), no overlap with ours"))
