from django.core.management.base import BaseCommand, CommandError

from zhonghe.audit.verify import audit_verify_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain and sequence; name the first broken link (exit status 1 when any)."

    def handle(self, *args, **options):
        problems = audit_verify_chain()
        for problem in problems:
            self.stdout.write(str(problem))
        if problems:
            raise CommandError(
                f"audit log broken at #{problems[0].sequence} ({problems[0].kind}); {len(problems)} problem(s)"
            )
        self.stdout.write(self.style.SUCCESS("audit log: chain intact"))
