from __future__ import annotations

from django.db.models import QuerySet

from zhonghe.certificates.models import Certificate, CertificateStatus, SigningKey
from zhonghe.events.models import Event


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
