"""Certificate issue and revoke. Issue is gated on a frozen inventory, Σ cancelled ≥ required whole tonnes (R3)
and an accepted evaluation."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Role
from zhonghe.accounts.services import next_number
from zhonghe.audit.services import audit_append
from zhonghe.certificates.keys import signing_key
from zhonghe.certificates.models import Certificate, CertificateStatus
from zhonghe.certificates.signing import canonical_jcs, sign_canonical
from zhonghe.data.districts import district_by_code
from zhonghe.evaluations.models import Evaluation
from zhonghe.evaluations.offsets import offset_covered_t
from zhonghe.evaluations.selectors import evaluation_accepted_for
from zhonghe.events import workflow
from zhonghe.events.models import Event, Status
from zhonghe.footprints.models import InventoryVersion
from zhonghe.interop.idempotency import run_idempotent
from zhonghe.lib.errors import Conflict, NotFound, ValidationFailed
from zhonghe.lib.ids import parse_code
from zhonghe.registry.models import Retirement
from zhonghe.registry.selectors import ledger_head
from zhonghe.registry.serials import format_serial

# /2 added "ledger_head"; /3 is RFC 8785 (JCS) canonical and adds the factor release hash, the evaluation,
# the Beijing issue time and the late flag. Older certificates keep their own schema and canonical text.
PAYLOAD_SCHEMA = "zhonghe.certificate/3"
BEIJING = ZoneInfo("Asia/Shanghai")
REVOKE_REASON_MAX_CHARS = 500


def verify_url(number: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("certificates:verify", args=[number])


def build_payload(
    *,
    number: str,
    event: Event,
    inventory: InventoryVersion,
    retirements: list[Retirement],
    issued_at: datetime,
    key_id: str,
    head: dict,
    evaluation: Evaluation,
    late: bool,
) -> dict:
    """The signed statement: binds event, organiser, inventory hash, the exact retired serial ranges, and the
    ledger head at issue time ({"hash", "entries"}), which anchors the retirements in the hash chain."""
    org = event.organization
    return {
        "schema": PAYLOAD_SCHEMA,
        "number": number,
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
        },
        "offsets": {
            "required_t": inventory.required_offset_t,
            "retired_t": sum(r.quantity_t for r in retirements),
            "retirements": [
                {
                    "number": r.number,
                    "credit_type": r.block.project.credit_type,
                    "project_code": r.block.project.code,
                    "project_name": r.block.project.name,
                    "vintage": r.block.project.vintage,
                    "serial_first": format_serial(r.block.project.code, r.block.serial_first),
                    "serial_last": format_serial(r.block.project.code, r.block.serial_last),
                    "quantity_t": r.quantity_t,
                }
                for r in retirements
            ],
        },
        "evaluation": {
            "mode": evaluation.mode,
            "verifier": {"name": evaluation.verifier.name, "uscc": evaluation.verifier.uscc or ""}
            if evaluation.verifier
            else None,
            "conclusion_digest": evaluation.conclusion_digest,
            "concluded_at": _utc(evaluation.concluded_at),
            "accepted_at": _utc(evaluation.accepted_at),
        },
        "completed_late": late,
        "ledger_head": {"hash": head["hash"], "entries": head["entries"]},
        "issued_at": _utc(issued_at),
        "issued_at_beijing": issued_at.astimezone(BEIJING).replace(microsecond=0).isoformat(),
        "key_id": key_id,
    }


def _utc(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _issuable(event: Event):
    """(inventory, evaluation) when every precondition holds, else Conflict naming the first one missing:
    a frozen inventory, cancelled tonnes ≥ its required offset, and an accepted evaluation of that version."""
    inventory = event.inventories.order_by("-version").first()
    if inventory is None:
        raise Conflict(_("尚未冻结核算结果，不能颁发证书"), code="no_inventory")
    covered_t = offset_covered_t(event)
    if covered_t < inventory.required_offset_t:
        raise Conflict(
            _("注销量（%(r)s吨）少于排放量（%(n)s吨），不能颁发证书")
            % {"r": covered_t, "n": inventory.required_offset_t},
            code="insufficient_offset",
        )
    evaluation = evaluation_accepted_for(event, inventory)
    if evaluation is None:
        raise Conflict(_("碳中和评价尚未被生态环境局受理，不能颁发证书"), code="evaluation_not_accepted")
    if event.status != Status.ACCEPTED:
        raise Conflict(_("当前状态不能颁发证书"), code="illegal_transition")
    return inventory, evaluation


@transaction.atomic
def certificate_issue(*, actor: Actor, event_code: object, idempotency_key: object = "") -> Certificate:
    """Sign and store the certificate (R3, R8).

    Refuses (Conflict, nothing written) without a frozen inventory, while offset_covered_t < required_offset_t,
    without an accepted evaluation of the latest inventory, or outside ACCEPTED. Completion after the deadline
    is issued with `late` set. A repeated `idempotency_key` (the page's one-time token) returns the certificate
    first issued with it, so a double click issues once.
    """
    actor.require(Role.ORGANISER)
    event = (
        Event.objects.select_for_update(of=("self",))  # lock order: registry/services.py
        .select_related("organization")
        .filter(code=parse_code(event_code, "event"), organization=actor.organization)
        .first()
    )
    if event is None:
        raise NotFound(_("活动不存在"))
    return run_idempotent(
        organization=actor.organization,
        key=idempotency_key,
        operation="certificate_issue",
        params={"event": str(event.code)},
        perform=lambda: _issue(actor, event),
        ref=lambda certificate: certificate.number,
        load=lambda number: Certificate.objects.get(number=number),
    )


def _issue(actor: Actor, event: Event) -> Certificate:
    inventory, evaluation = _issuable(event)
    retirements = list(Retirement.objects.filter(event=event).select_related("block__project").order_by("id"))
    key, key_id = signing_key()
    number = f"ZH-{timezone.localdate().year}-{next_number('certificate'):06d}"
    now = timezone.now().replace(microsecond=0)
    late = event.deadline is not None and timezone.localdate() > event.deadline
    payload = build_payload(
        number=number,
        event=event,
        inventory=inventory,
        retirements=retirements,
        issued_at=now,
        key_id=key_id,
        head=ledger_head(),
        evaluation=evaluation,
        late=late,
    )
    canonical = canonical_jcs(payload)
    certificate = Certificate.objects.create(
        number=number,
        event=event,
        inventory=inventory,
        payload=payload,
        payload_canonical=canonical,
        signature=sign_canonical(canonical, key),
        key_id=key_id,
        issued_at=now,
        evaluation=evaluation,
        late=late,
    )
    workflow.transition(event=event, action="issue_certificate", actor=actor.user, note=number)
    audit_append(actor=actor, action="certificate.issue", target=certificate)
    return certificate


@transaction.atomic
def certificate_revoke(*, actor: Actor, number: str, reason: str) -> Certificate:
    """Bureau reviewer or admin revokes; the certificate stays visible as revoked, the event returns to accounting."""
    actor.require(Role.REVIEWER)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请填写撤销原因"), fields={"reason": "required"})
    if len(reason) > REVOKE_REASON_MAX_CHARS:
        raise ValidationFailed(
            _("撤销原因不能超过%(n)d个字符") % {"n": REVOKE_REASON_MAX_CHARS}, fields={"reason": "too_long"}
        )
    found = Certificate.objects.filter(number=str(number or "")).values_list("event_id", flat=True).first()
    if found is None:
        raise NotFound(_("证书不存在"))
    event = Event.objects.select_for_update().get(pk=found)  # lock order: event, then certificate
    cert = Certificate.objects.select_for_update().get(number=number)
    if cert.status == CertificateStatus.REVOKED:
        raise Conflict(_("证书已撤销"), code="already_revoked")
    cert.status = CertificateStatus.REVOKED
    cert.revoked_at = timezone.now()
    cert.revoke_reason = reason
    cert.save(update_fields=["status", "revoked_at", "revoke_reason"])
    workflow.transition(event=event, action="revoke_certificate", actor=actor.user, note=f"{cert.number}：{reason}")
    audit_append(actor=actor, action="certificate.revoke", target=cert)
    return cert
