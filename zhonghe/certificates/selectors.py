from __future__ import annotations

from django.db.models import QuerySet

from zhonghe.certificates.models import Certificate, SigningKey


def certificate_public_list() -> QuerySet[Certificate]:
    return Certificate.objects.select_related("event", "event__organization").order_by("-issued_at", "-id")


def certificate_by_number(number: str) -> Certificate | None:
    return certificate_public_list().filter(number=number).first()


def signing_keys() -> QuerySet[SigningKey]:
    return SigningKey.objects.order_by("created_at")
