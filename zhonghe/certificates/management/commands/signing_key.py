"""manage.py signing_key init | rotate | retire KEY_ID | list — the certificate signing keys (certificates/keys.py)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from zhonghe.audit.services import audit_acting_as
from zhonghe.certificates import keys, pades, pdf_keys
from zhonghe.certificates.models import SigningKey
from zhonghe.certificates.signing import generate_private_key, key_id_for


class Command(BaseCommand):
    help = (
        "Manage the Ed25519 signing keys and the PDF-signing key they issue: init (idempotent), rotate, "
        "retire KEY_ID, list."
    )
    # The signing key system check refuses to start without a key (DEBUG off): this command is how one gets made.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("init", help="create the key file if missing and publish the key (idempotent)")
        sub.add_parser("rotate", help="write a new key file and publish it; the old key stays active until retired")
        retire = sub.add_parser("retire", help="retire a published key: it still verifies, signs nothing new")
        retire.add_argument("key_id")
        sub.add_parser("list", help="published keys: key_id, status, created, retired")

    @audit_acting_as("command:signing_key")
    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except keys.KeyConfigError as exc:
            raise CommandError(str(exc)) from exc

    def _init(self, **options) -> None:
        key = keys.load_configured_key()
        if key is None:
            key = generate_private_key()
            try:
                path = keys.write_key_file(key)
            except FileExistsError:  # created meanwhile by another instance: use it
                key = keys.load_configured_key()
                assert key is not None
            else:
                self.stdout.write(f"created {path}")
        try:
            row = keys.publish(key)
        except DatabaseError:  # run before `migrate` on a fresh database: the key is published on first use
            self.stdout.write(f"signing key {key_id_for(key)} from {keys.key_source()} (not yet published: migrate)")
            return
        self.stdout.write(f"signing key {row.key_id} ({row.status}) from {keys.key_source()}")
        _pdf_key, certificate = pdf_keys.pdf_signer()  # made (or re-issued) when missing or stale
        self.stdout.write(f"PDF signing key (ECDSA P-256) issued by {pades.issuer_key_id(certificate)}")

    def _rotate(self, **options) -> None:
        if keys.key_source() == "ZHONGHE_SIGNING_KEY":
            raise CommandError("the key comes from ZHONGHE_SIGNING_KEY: rotate by setting a new PEM there")
        old = keys.load_configured_key()
        new = generate_private_key()
        keys.write_key_file(new, replace=True)
        row = keys.publish(new)
        if old is not None:
            keys.publish(old)
            self.stdout.write(f"previous key {key_id_for(old)} stays active: retire it once every instance restarted")
        self.stdout.write(f"new signing key {row.key_id} written to {keys.key_source()}")
        pdf_keys.make_pdf_key()
        self.stdout.write(f"new PDF signing key issued by {row.key_id} written to {pdf_keys.pdf_key_file()}")

    def _retire(self, *, key_id: str, **options) -> None:
        row = keys.retire(key_id)
        self.stdout.write(f"retired {row.key_id} at {row.retired_at.isoformat()}")

    def _list(self, **options) -> None:
        try:
            current = keys.load_configured_key()
        except keys.KeyConfigError:
            current = None
        current_id = key_id_for(current) if current is not None else None
        for row in SigningKey.objects.order_by("created_at", "id"):
            retired = row.retired_at.isoformat() if row.retired_at else "-"
            mark = " (configured)" if row.key_id == current_id else ""
            self.stdout.write(f"{row.key_id}\t{row.status}\t{row.created_at.isoformat()}\t{retired}{mark}")
