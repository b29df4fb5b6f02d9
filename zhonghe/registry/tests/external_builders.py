"""Builders for external-cancellation tests: proof files and a recorded cancellation, through the services."""

from __future__ import annotations

import datetime as dt

from zhonghe.registry.external import external_cancellation_record

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def proof_pdf(tag: str) -> bytes:
    """A distinct small PDF per tag (a different file, so a different SHA-256)."""
    return PDF + f"% {tag}\n".encode()


def record(actor, event, *, first=1, last=13, registry="ccer_national", proof=None, **extra):
    return external_cancellation_record(
        actor=actor,
        event_code=event.code,
        registry=registry,
        serial_first=first,
        serial_last=last,
        quantity_t=last - first + 1,
        cancelled_on=extra.pop("cancelled_on", dt.date(2027, 3, 21)),
        proof_number=extra.pop("proof_number", f"NCSC-ZX-{first}-{last}"),
        proof=proof if proof is not None else proof_pdf(f"{registry}-{first}-{last}"),
        **extra,
    )
