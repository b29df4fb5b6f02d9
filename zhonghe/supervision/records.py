"""Per-event cancellation record (注销记录) and evaluation note: the data, read once, for the PDF and the workbook.

Every retirement with its serial range, plus the confirmed external cancellations when the registry has that
model (another branch adds registry.ExternalCancellation; until then there are none). The event is reached
through events.selectors.event_get, so another organisation's event is NotFound.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.utils.translation import gettext as _

from zhonghe.accounts.actors import Actor
from zhonghe.evaluations.selectors import evaluation_current_for_event
from zhonghe.events.models import Event
from zhonghe.events.selectors import event_get
from zhonghe.footprints.selectors import inventory_latest
from zhonghe.registry.selectors import retirements_for_event
from zhonghe.registry.serials import format_serial


@dataclass
class CancellationRow:
    number: str
    source: str  # "retirement" (on this platform) or "external"
    credit_type: str
    project: str
    serial_first: str
    serial_last: str
    quantity_t: int
    at: str


@dataclass
class EventRecord:
    event: Event
    inventory_total_kg: object = None
    required_offset_t: int | None = None
    inventory_version: int | None = None
    rows: list[CancellationRow] = field(default_factory=list)
    evaluation: dict = field(default_factory=dict)

    @property
    def total_t(self) -> int:
        return sum(r.quantity_t for r in self.rows)


def _external_rows(event: Event) -> list[CancellationRow]:
    try:
        model = apps.get_model("registry", "ExternalCancellation")
    except LookupError:
        return []
    names = {f.name for f in model._meta.get_fields()}
    qs = model.objects.filter(event=event)
    if "status" in names:
        qs = qs.filter(status="confirmed")
    rows = []
    for ext in qs.order_by("id"):
        rows.append(
            CancellationRow(
                number=str(getattr(ext, "number", "") or getattr(ext, "code", "")),
                source="external",
                credit_type=str(getattr(ext, "credit_type", "")),
                project=str(getattr(ext, "project_code", "") or getattr(ext, "registry_name", "")),
                serial_first=str(getattr(ext, "serial_first", "")),
                serial_last=str(getattr(ext, "serial_last", "")),
                quantity_t=int(getattr(ext, "quantity_t", 0) or 0),
                at=str(getattr(ext, "confirmed_at", "") or "")[:10],
            )
        )
    return rows


def _evaluation_note(event: Event) -> dict:
    evaluation = evaluation_current_for_event(event)
    if evaluation is None:
        return {}
    return {
        "mode": evaluation.get_mode_display(),
        "status": evaluation.get_status_display(),
        "verifier": str(evaluation.verifier or _("自我评价")),
        "conclusion": evaluation.conclusion,
        "concluded_at": evaluation.concluded_at.date().isoformat() if evaluation.concluded_at else "",
        "bureau_note": evaluation.bureau_note,
        "accepted_at": evaluation.accepted_at.date().isoformat() if evaluation.accepted_at else "",
    }


def event_record(actor: Actor, code: object) -> EventRecord:
    """The event's 注销记录 and evaluation note. Raises NotFound for an event the actor may not see."""
    event = event_get(actor, code)
    record = EventRecord(event=event)
    inventory = inventory_latest(event)
    if inventory is not None:
        record.inventory_total_kg = inventory.total_kg_co2e
        record.required_offset_t = inventory.required_offset_t
        record.inventory_version = inventory.version
    for r in retirements_for_event(event):
        project = r.block.project
        record.rows.append(
            CancellationRow(
                number=r.number,
                source="retirement",
                credit_type=project.credit_type,
                project=project.code,
                serial_first=format_serial(project.code, r.block.serial_first),
                serial_last=format_serial(project.code, r.block.serial_last),
                quantity_t=r.quantity_t,
                at=r.at.date().isoformat(),
            )
        )
    record.rows += _external_rows(event)
    record.evaluation = _evaluation_note(event)
    return record
