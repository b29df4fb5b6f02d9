"""The signed certificate statement (payload): what a certificate asserts, built from the issue-time rows.

Schema history: /1 sorted JSON; /2 added "ledger_head"; /3 is RFC 8785 (JCS) canonical and adds the factor
release hash, the evaluation, the Beijing issue time and the late flag; /4 (JCS too) adds the inventory's 95 %
range (t CO2e, null where the method has none), the external cancellation references, the certificate it
supersedes and the issuing platform. Fields are only ever added; older certificates keep their own schema.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from zhonghe.data.districts import district_by_code
from zhonghe.evaluations.models import Evaluation
from zhonghe.events.models import Event
from zhonghe.footprints.models import InventoryVersion
from zhonghe.registry.models import Retirement
from zhonghe.registry.serials import format_serial

PAYLOAD_SCHEMA = "zhonghe.certificate/4"
BEIJING = ZoneInfo("Asia/Shanghai")
ISSUER = "中和（Zhonghe）大型会议和活动碳中和平台"
KG_PER_T = Decimal(1000)
T_PLACES = Decimal("0.001")


def utc_text(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def beijing_text(moment: datetime | None) -> str | None:
    return moment.astimezone(BEIJING).replace(microsecond=0).isoformat() if moment else None


def range_95_t(inventory: InventoryVersion) -> dict | None:
    """The inventory's 95 % range in t CO2e (strings), or None where the inventory carries none (method/1)."""
    if inventory.range_low_kg_co2e is None or inventory.range_high_kg_co2e is None:
        return None
    return {
        "low_t_co2e": str((inventory.range_low_kg_co2e / KG_PER_T).quantize(T_PLACES)),
        "high_t_co2e": str((inventory.range_high_kg_co2e / KG_PER_T).quantize(T_PLACES)),
    }


def _retirement(r: Retirement) -> dict:
    project = r.block.project
    return {
        "number": r.number,
        "credit_type": project.credit_type,
        "project_code": project.code,
        "project_name": project.name,
        "vintage": project.vintage,
        "serial_first": format_serial(project.code, r.block.serial_first),
        "serial_last": format_serial(project.code, r.block.serial_last),
        "quantity_t": r.quantity_t,
    }


def _evaluation(evaluation: Evaluation) -> dict:
    verifier = evaluation.verifier
    return {
        "mode": evaluation.mode,
        "verifier": {"name": verifier.name, "uscc": verifier.uscc or ""} if verifier else None,
        "conclusion_digest": evaluation.conclusion_digest,
        "concluded_at": utc_text(evaluation.concluded_at),
        "accepted_at": utc_text(evaluation.accepted_at),
    }


def build_payload(
    *,
    number: str,
    event: Event,
    inventory: InventoryVersion,
    retirements: list[Retirement],
    external_cancellations: list[dict],
    issued_at: datetime,
    key_id: str,
    head: dict,
    evaluation: Evaluation,
    late: bool,
    supersedes: str | None,
) -> dict:
    """The signed statement: binds event, organiser, inventory hash, the exact retired serial ranges, the external
    cancellation references, the evaluation, and the ledger head at issue time ({"hash", "entries"}), which
    anchors the retirements in the hash chain. Every quantity is a string or an int (no floats)."""
    org = event.organization
    return {
        "schema": PAYLOAD_SCHEMA,
        "number": number,
        "issuer": ISSUER,
        "event": {
            "code": str(event.code),
            "name": event.name,
            "kind": event.kind,
            "start_date": event.start_date.isoformat(),
            "end_date": event.end_date.isoformat(),
            "venue_district": district_by_code(event.venue_district).name_zh,
            "venue_address": event.venue_address,
        },
        "organiser": {"name": org.name, "uscc": org.uscc or ""},
        "inventory": {
            "version": inventory.version,
            "hash": inventory.data_hash,
            "factor_release": inventory.release_code,
            "method_version": inventory.method_version,
            "factor_release_hash": inventory.release_hash,
            "total_t_co2e": str(inventory.total_t_co2e),
            "range_95": range_95_t(inventory),
        },
        "offsets": {
            "required_t": inventory.required_offset_t,
            "retired_t": sum(r.quantity_t for r in retirements),
            "retirements": [_retirement(r) for r in retirements],
            "external_t": sum(int(c["quantity_t"]) for c in external_cancellations),
            "external_cancellations": external_cancellations,
        },
        "evaluation": _evaluation(evaluation),
        "completed_late": late,
        "supersedes": supersedes,
        "ledger_head": {"hash": head["hash"], "entries": head["entries"]},
        "issued_at": utc_text(issued_at),
        "issued_at_beijing": beijing_text(issued_at),
        "key_id": key_id,
    }
