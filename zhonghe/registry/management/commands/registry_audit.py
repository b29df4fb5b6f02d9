import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhonghe.registry.audit import audit_registry
from zhonghe.registry.services import ledger_seal_all


class Command(BaseCommand):
    help = (
        "Seal the committed pending ledger entries, then re-derive balances and the ledger hash chain from "
        "history; list every violation. "
        "--checkpoint FILE (a saved GET /api/v1/ledger/head answer) also checks the chain still holds that head."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="FILE",
            help="a saved /api/v1/ledger/head JSON; may be given more than once",
        )

    def handle(self, *args, checkpoint: list[str], **options):
        checkpoints = []
        for name in checkpoint:
            try:
                checkpoints.append(json.loads(Path(name).read_text(encoding="utf-8")))
            except (OSError, ValueError) as exc:
                raise CommandError(f"checkpoint {name}: {exc}") from exc
        ledger_seal_all()  # the chain first takes in every committed entry (ledger_seal)
        problems = audit_registry(checkpoints=tuple(checkpoints))
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} registry violation(s)")
        self.stdout.write(self.style.SUCCESS("registry audit: no violations"))
