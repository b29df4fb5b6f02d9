"""`manage.py create_api_key --org <USCC> --scopes read,write` — prints the new key as its last line."""

from django.core.management.base import BaseCommand, CommandError

from zhonghe.accounts.selectors import organization_by_uscc
from zhonghe.audit.services import audit_acting_as
from zhonghe.interop.services import api_key_create
from zhonghe.lib.errors import ApplicationError


class Command(BaseCommand):
    help = "Create an API key for an organisation; the key is printed once, as the last line."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="the organisation's 统一社会信用代码 (USCC)")
        parser.add_argument("--scopes", default="read", help="comma-separated: read,write")
        parser.add_argument("--name", default="", help="a label for the key")

    @audit_acting_as("command:create_api_key")
    def handle(self, *args, org, scopes, name, **options):
        organization = organization_by_uscc(org)
        if organization is None:
            raise CommandError(f"No organisation with USCC {org}")
        try:
            row, key = api_key_create(organization=organization, scopes=scopes.split(","), name=name)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stderr.write(f"API key {row.key_id} for {organization.name} (scopes: {row.scopes}); shown once:")
        self.stdout.write(key)
