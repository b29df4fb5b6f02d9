"""``manage.py footprint_file FILE [--kind attendees|activities] [--release CODE] [--destination 重庆]``.

Prints one line per aggregated inventory line (ref, description, factor, quantity, kg CO2e, tab-separated;
a second part of one line, such as a flight's radiative-forcing line under method/2, as ref/part)
and then ``total_kg_co2e: <decimal>``; exits non-zero listing every row error when the file is bad.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zhonghe.data.factor_releases import load_release
from zhonghe.data.places import UnknownPlace
from zhonghe.engine.errors import EngineError
from zhonghe.imports.columns import Kind
from zhonghe.imports.errors import ImportRefused
from zhonghe.imports.footprint import file_footprint


class Command(BaseCommand):
    help = "Print the footprint of an attendee-travel or activity spreadsheet (CSV/XLSX) without an event."
    # A stateless calculator: it needs no database, signing key or server settings, so it runs anywhere.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", choices=[kind.value for kind in Kind], default=Kind.ATTENDEES.value)
        parser.add_argument("--release", default=settings.DEFAULT_FACTOR_RELEASE)
        parser.add_argument("--destination", default="", help="the venue: destination of rows without one")
        parser.add_argument(
            "--place", action="append", default=[], metavar="TEXT=CODE",
            help="confirm a place: every row with TEXT means adcode or IATA CODE (repeatable)",
        )  # fmt: skip

    def handle(self, *args, **options):
        try:
            data = options["file"].read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc.strerror}") from None
        corrections = dict(item.split("=", 1) for item in options["place"] if "=" in item)
        try:
            result = file_footprint(
                data, options["kind"], load_release(options["release"]),
                venue=options["destination"], corrections=corrections,
            )  # fmt: skip
        except ImportRefused as refused:
            for error in refused.errors:
                self.stderr.write(error.line())
            raise CommandError(f"{len(refused.errors)} error(s) in {options['file']}") from None
        except (UnknownPlace, EngineError) as exc:
            raise CommandError(str(exc)) from None
        for line in result.footprint.lines:
            # Under zhonghe-method/2 one ref may have several parts (a flight's "rf" line): ref/part.
            ref = f"{line.ref}/{line.part}" if getattr(line, "part", "") else line.ref
            quantity = f"{line.quantity} {line.unit}"
            self.stdout.write("\t".join([ref, line.description, line.factor_key, quantity, f"{line.kg_co2e}"]))
        self.stdout.write(f"total_kg_co2e: {result.footprint.total_kg_co2e}")
