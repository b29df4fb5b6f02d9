from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from zhonghe.certificates.models import Certificate, CertificateStatus, SigningKey
from zhonghe.events.models import Event
from zhonghe.registry.models import CreditType
from zhonghe.registry.models_claims import ExternalCancellation, ExternalRegistry, ExternalStatus


def certificate_public_list() -> QuerySet[Certificate]:
    return Certificate.objects.select_related("event", "event__organization").order_by("-issued_at", "-id")


def certificate_by_number(number: str) -> Certificate | None:
    return certificate_public_list().filter(number=number).first()


def signing_keys() -> QuerySet[SigningKey]:
    return SigningKey.objects.order_by("created_at")


def certificate_valid_for_event(event: Event) -> Certificate | None:
    return Certificate.objects.filter(event=event, status=CertificateStatus.VALID).first()


def certificates_revoked_for_event(event: Event) -> QuerySet[Certificate]:
    return Certificate.objects.filter(event=event, status=CertificateStatus.REVOKED).order_by("-revoked_at", "-id")


def signing_key_by_id(key_id: str) -> SigningKey | None:
    return signing_keys().filter(key_id=key_id).first()


def certificate_state(number: str) -> tuple[object, ...] | None:
    """(code, status, revoked_at, superseded_by) of a certificate, or None: its identity and all that can
    change after issue.

    Asked on every public read of a certificate, so it is one statement by the unique index without the
    ORM's compile step; values come back as the driver gives them (only compared, never shown).
    """
    quote = connection.ops.quote_name
    table = quote(Certificate._meta.db_table)
    columns = ", ".join(quote(c) for c in ("code", "status", "revoked_at", "superseded_by_id"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE {quote('number')} = %s", [number])
        row = cursor.fetchone()
    return tuple(row) if row else None


def external_cancellations_for_certificate(event: Event) -> list[dict]:
    """Confirmed external cancellations (CCER, allowances cancelled in other registries) counted for `event`, as
    the certificate payload lists them, oldest first: {"number", "registry", "credit_type", "project_ref",
    "serial_first", "serial_last", "quantity_t" (int), "cancelled_on" (ISO date), "reference" (the other
    registry's proof number), "proof_sha256"}. The same rows evaluations/offsets.py offset_covered_t counts.
    """
    credit_type = {ExternalRegistry.CCER_NATIONAL: CreditType.CCER}
    rows = ExternalCancellation.objects.filter(event=event, status=ExternalStatus.CONFIRMED).order_by("id")
    return [
        {
            "number": row.number,
            "registry": row.registry,
            "credit_type": str(credit_type.get(row.registry, CreditType.ALLOWANCE)),
            "project_ref": row.project_ref,
            "serial_first": int(row.serial_first),
            "serial_last": int(row.serial_last),
            "quantity_t": int(row.quantity_t),
            "cancelled_on": row.cancelled_on.isoformat(),
            "reference": row.proof_number,
            "proof_sha256": row.proof_sha256,
        }
        for row in rows
    ]


def certificates_superseding_chain(certificate: Certificate) -> list[Certificate]:
    """The certificates that replaced `certificate`, in order (empty when it was never superseded)."""
    chain, current, seen = [], certificate, {certificate.pk}
    while current.superseded_by_id and current.superseded_by_id not in seen:
        current = Certificate.objects.get(pk=current.superseded_by_id)
        seen.add(current.pk)
        chain.append(current)
    return chain
