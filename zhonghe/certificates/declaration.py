"""The organiser's 碳中和声明 (neutrality declaration), drawn from the same data as the certificate.

Contents (the merged checklist for a declaration): event identity (name, dates, venue, scale, organiser), boundary
and total emissions with the 95 % range and the emissions by source, the reduction measures taken, the offset
instruments with quantities, source projects and cancellation evidence (serial ranges, retirement numbers,
external proof numbers), the evaluator and mode with the conclusion, the statement that neutrality was achieved
and on which date, and the issuing platform, certificate number, issue date and verification link.
The signed payload is the source of every figure it shares with the certificate; the plan and the evaluation give
the texts the payload does not carry (boundary, measures, conclusion).
"""

from __future__ import annotations

from decimal import Decimal

from zhonghe.certificates.documents import STATUS_LABELS, certificate_document
from zhonghe.certificates.models import Certificate
from zhonghe.certificates.payload import BEIJING, KG_PER_T, T_PLACES
from zhonghe.evaluations.models import Evaluation, EvaluationMode
from zhonghe.events.models import ActivityCategory, EventKind, Plan
from zhonghe.registry.models import CreditType

EVALUATION_MODE_LABELS = dict(EvaluationMode.choices)


def _by_source_t(cert: Certificate) -> list[tuple[str, str]]:
    rows = []
    for category, kg in sorted((cert.inventory.by_source_kg or {}).items()):
        label = dict(ActivityCategory.choices).get(category, category)
        rows.append((str(label), str((Decimal(str(kg)) / KG_PER_T).quantize(T_PLACES))))
    return rows


def declaration_for(cert: Certificate) -> dict:
    """Everything the declaration page and PDF show, as plain values (strings, lists, dicts)."""
    payload, event = cert.payload, cert.event
    plan = Plan.objects.filter(event=event).first()
    evaluation = Evaluation.objects.filter(pk=cert.evaluation_id).first() if cert.evaluation_id else None
    offsets = payload.get("offsets", {})
    retirements = [
        {**r, "credit_type_label": str(dict(CreditType.choices).get(r["credit_type"], r["credit_type"]))}
        for r in offsets.get("retirements", [])
    ]
    issued_beijing = cert.issued_at.astimezone(BEIJING)
    mode = (payload.get("evaluation") or {}).get("mode", "")
    verifier = (payload.get("evaluation") or {}).get("verifier")
    return {
        "number": cert.number,
        "status": cert.status,
        "status_label": STATUS_LABELS.get(cert.status, cert.status),
        "document": certificate_document(cert),
        "event_name": payload["event"]["name"],
        "event_kind": str(dict(EventKind.choices).get(payload["event"]["kind"], payload["event"]["kind"])),
        "start_date": payload["event"]["start_date"],
        "end_date": payload["event"]["end_date"],
        "venue": "，".join(p for p in (payload["event"]["venue_district"], payload["event"]["venue_address"]) if p),
        "participants": event.expected_participants,
        "area_m2": str(event.area_m2) if event.area_m2 is not None else "",
        "organiser_name": payload["organiser"]["name"],
        "organiser_uscc": payload["organiser"]["uscc"],
        "boundary": plan.boundary if plan else "",
        "reduction_measures": plan.reduction_measures if plan else "",
        "total_t_co2e": payload["inventory"]["total_t_co2e"],
        "range_95": payload["inventory"].get("range_95"),
        "by_source_t": _by_source_t(cert),
        "factor_release": payload["inventory"]["factor_release"],
        "required_t": offsets.get("required_t"),
        "retired_t": offsets.get("retired_t"),
        "retirements": retirements,
        "external_cancellations": offsets.get("external_cancellations", []),
        "evaluation_mode": str(EVALUATION_MODE_LABELS.get(mode, mode)),
        "verifier_name": verifier["name"] if verifier else payload["organiser"]["name"],
        "conclusion": evaluation.conclusion if evaluation else "",
        "achieved_on": issued_beijing.date().isoformat(),
        "issued_at_beijing": issued_beijing.strftime("%Y-%m-%d %H:%M"),
        "issuer": payload.get("issuer", ""),
    }
