from django.core.management.base import BaseCommand, CommandError

from zhonghe.audit.services import audit_seal_all
from zhonghe.audit.verify import audit_verify_chain


class Command(BaseCommand):
    help = (
        "Seal the committed pending entries, then check the audit log's hash chain, sequence and every pending "
        "entry's content hash; name the first broken link (exit status 1 when any). --no-seal: verify as found."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-seal", action="store_true", help="do not seal first; check the log as found")

    def handle(self, *args, **options):
        if not options["no_seal"]:
            sealed = audit_seal_all()
            if sealed:
                self.stdout.write(f"sealed {sealed} pending entr{'y' if sealed == 1 else 'ies'}")
        problems = audit_verify_chain()
        for problem in problems:
            self.stdout.write(str(problem))
        if problems:
            first = problems[0]
            raise CommandError(f"audit log broken at {first.where} ({first.kind}); {len(problems)} problem(s)")
        self.stdout.write(self.style.SUCCESS("audit log: chain intact"))
