"""Every claim on a serial range, read side: what counts towards an event's offset, and the cross-platform
duplicate-claim exchange (issue 8 item 6) — `claims_export` writes every claimed range, `claims_check` compares
another platform's list with ours. The format is documented in docs/registry.md.

A claimed range is (registry, batch, first, last): our own retirements are in registry "zhonghe" with the
project code as batch; external cancellations are in their registry (national CCER, Chongqing or national
allowances) with an empty batch, since those registries' serials are unique within the registry.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

from django.db import connection

from zhonghe.events.models import Event
from zhonghe.registry.models import (
    ExternalCancellation,
    ExternalRegistry,
    ExternalStatus,
    InvalidationImpact,
    Retirement,
)

FORMAT = "zhonghe-claims/1"
PLATFORM_REGISTRY = "zhonghe"
FIELDS = ("registry", "batch", "serial_first", "serial_last", "quantity_t", "kind", "reference", "claimed_on")
REGISTRIES = frozenset({PLATFORM_REGISTRY, *ExternalRegistry.values})


def event_adjustments_t(event: Event) -> tuple[int, int]:
    """(confirmed external tonnes, invalidated retired tonnes) of the event, in one fixed statement (a
    retirement asks it every time: the ORM's Subquery/Coalesce form cost more Python than the query itself)."""
    with connection.cursor() as cursor:
        cursor.execute(_ADJUSTMENTS_SQL, [event.pk, ExternalStatus.CONFIRMED, event.pk])
        external_t, invalidated_t = cursor.fetchone()
    return int(external_t), int(invalidated_t)


_ADJUSTMENTS_SQL = (
    f"SELECT (SELECT COALESCE(SUM(quantity_t), 0) FROM {ExternalCancellation._meta.db_table}"
    " WHERE event_id = %s AND status = %s),"
    f" (SELECT COALESCE(SUM(quantity_t), 0) FROM {InvalidationImpact._meta.db_table} WHERE event_id = %s)"
)


@dataclass(frozen=True)
class Claim:
    registry: str
    batch: str
    serial_first: int
    serial_last: int
    quantity_t: int
    kind: str  # "retired" (our registry) or "external" (confirmed cancellation elsewhere)
    reference: str
    claimed_on: str  # ISO date


def our_claims() -> Iterator[Claim]:
    """Every range claimed on this platform: retired blocks of our registry and confirmed external cancellations."""
    for r in Retirement.objects.select_related("block__project").order_by("id").iterator():
        yield Claim(
            PLATFORM_REGISTRY,
            r.block.project.code,
            r.block.serial_first,
            r.block.serial_last,
            r.quantity_t,
            "retired",
            r.number,
            r.at.date().isoformat(),
        )
    confirmed = ExternalCancellation.objects.filter(status=ExternalStatus.CONFIRMED).order_by("id")
    for x in confirmed.iterator():
        yield Claim(
            x.registry,
            "",
            x.serial_first,
            x.serial_last,
            x.quantity_t,
            "external",
            x.number,
            x.cancelled_on.isoformat(),
        )


def export_claims(claims: Iterable[Claim], fmt: str) -> str:
    rows = [asdict(c) for c in claims]
    if fmt == "json":
        return json.dumps({"format": FORMAT, "claims": rows}, ensure_ascii=False, indent=1) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


class ClaimsFormatError(ValueError):
    pass


def _claim(row: dict, where: str) -> Claim:
    try:
        first, last = int(row["serial_first"]), int(row["serial_last"])
        registry, batch = str(row["registry"]).strip(), str(row.get("batch") or "").strip()
    except (KeyError, TypeError, ValueError) as exc:
        raise ClaimsFormatError(f"{where}: needs registry, serial_first and serial_last (integers)") from exc
    if registry not in REGISTRIES:
        raise ClaimsFormatError(f"{where}: unknown registry {registry!r} (one of {', '.join(sorted(REGISTRIES))})")
    if not 1 <= first <= last:
        raise ClaimsFormatError(f"{where}: serial range {first}-{last} is not 1 <= first <= last")
    quantity = last - first + 1
    if str(row.get("quantity_t") or quantity) != str(quantity):
        raise ClaimsFormatError(f"{where}: quantity_t {row.get('quantity_t')} does not match {first}-{last}")
    reference = str(row.get("reference") or "")
    return Claim(
        registry, batch, first, last, quantity, str(row.get("kind") or ""), reference, str(row.get("claimed_on") or "")
    )


def parse_claims(text: str) -> list[Claim]:
    """A claims list in either documented form (JSON object with "claims", or CSV with a header)."""
    stripped = text.lstrip("\ufeff").strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ClaimsFormatError(f"not valid JSON: {exc}") from exc
        rows = data.get("claims") if isinstance(data, dict) else None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ClaimsFormatError('JSON needs {"claims": [ {...}, ... ]}')
        return [_claim(row, f"claim {i + 1}") for i, row in enumerate(rows)]
    reader = csv.DictReader(io.StringIO(stripped))
    return [_claim(row, f"line {i + 2}") for i, row in enumerate(reader)]


def _same_credits(a: Claim, b: Claim) -> bool:
    return a.registry == b.registry and (a.batch == b.batch or not a.batch or not b.batch)


def find_claim_overlaps(theirs: list[Claim], ours: list[Claim]) -> list[tuple[Claim, Claim]]:
    """(their claim, our claim) pairs that claim a common serial of the same credits; sweep per registry."""
    overlaps = []
    by_registry: dict[str, list[Claim]] = {}
    for claim in ours:
        by_registry.setdefault(claim.registry, []).append(claim)
    for group in by_registry.values():
        group.sort(key=lambda c: c.serial_first)
    for their in sorted(theirs, key=lambda c: (c.registry, c.serial_first)):
        for our in by_registry.get(their.registry, []):
            if our.serial_first > their.serial_last:
                break
            if our.serial_last >= their.serial_first and _same_credits(their, our):
                overlaps.append((their, our))
    return overlaps
