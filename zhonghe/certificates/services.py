"""Certificate issue and revoke. Issue is gated on a frozen inventory, Σ cancelled ≥ required whole tonnes (R3)
and an accepted evaluation."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Role
from zhonghe.accounts.services import next_number
from zhonghe.audit.services import audit_append, audit_snapshot
from zhonghe.certificates.documents import verify_url
from zhonghe.certificates.keys import signing_key
from zhonghe.certificates.models import Certificate, CertificateStatus, FeaturedCase
from zhonghe.certificates.payload import PAYLOAD_SCHEMA, build_payload
from zhonghe.certificates.selectors import external_cancellations_for_certificate
from zhonghe.certificates.signing import canonical_jcs, sign_canonical
from zhonghe.evaluations.offsets import offset_covered_t
from zhonghe.evaluations.selectors import evaluation_accepted_for
from zhonghe.events import workflow
from zhonghe.events.models import Event, Status
from zhonghe.interop.idempotency import run_idempotent
from zhonghe.lib.errors import Conflict, NotFound, ValidationFailed
from zhonghe.lib.ids import parse_code
from zhonghe.lib.numbers import format_number
from zhonghe.registry.models import Retirement
from zhonghe.registry.selectors import ledger_head
from zhonghe.registry.services import ledger_seal_all

REVOKE_REASON_MAX_CHARS = 500
__all__ = [
    "PAYLOAD_SCHEMA",
    "build_payload",
    "case_feature",
    "certificate_correction_open",
    "certificate_issue",
    "certificate_revoke",
    "verify_url",
]


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
            % {"r": format_number(covered_t, "credits"), "n": format_number(inventory.required_offset_t, "credits")},
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
    is issued with `late` set. When the event already holds a valid certificate (a corrected inventory was
    completed: certificate_correction_open), the new one supersedes it: the old one becomes SUPERSEDED, points
    to the new one, and the new payload names it. A repeated `idempotency_key` (the page's one-time token or the
    API's Idempotency-Key) returns the certificate first issued with it, so a double click issues once.
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
    previous = Certificate.objects.select_for_update().filter(event=event, status=CertificateStatus.VALID).first()
    # Seal the committed ledger entries (the event's retirements committed under the event lock, held here), so
    # the signed ledger_head includes them. Here, after every refusal: a refused issue writes nothing. The head
    # lock is held to this commit, a few milliseconds; sealers only wait, no writer takes it before the event.
    ledger_seal_all()
    if previous is not None:  # one valid certificate per event: the old one steps aside first
        previous.status = CertificateStatus.SUPERSEDED
        previous.superseded_at = now
        previous.save(update_fields=["status", "superseded_at"])
    payload = build_payload(
        number=number,
        event=event,
        inventory=inventory,
        retirements=retirements,
        external_cancellations=external_cancellations_for_certificate(event),
        issued_at=now,
        key_id=key_id,
        head=ledger_head(),
        evaluation=evaluation,
        late=late,
        supersedes=previous.number if previous else None,
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
    if previous is not None:
        previous.superseded_by = certificate
        previous.save(update_fields=["superseded_by"])
    workflow.transition(event=event, action="issue_certificate", actor=actor.user, note=number)
    audit_append(actor=actor, action="certificate.issue", target=certificate)
    return certificate


@transaction.atomic
def certificate_correction_open(*, actor: Actor, event_code: object, reason: str) -> Event:
    """The organiser reopens a certified event's accounting to correct its inventory (CERTIFIED → ACCOUNTED).

    The certificate stays valid meanwhile; a new frozen inventory, any top-up retirements and a new accepted
    evaluation lead to a new certificate that supersedes it (certificate_issue). Refused (nothing written)
    without a reason, for another organisation's event (NotFound) and outside CERTIFIED.
    """
    actor.require(Role.ORGANISER)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请填写更正原因"), fields={"reason": "required"})
    if len(reason) > REVOKE_REASON_MAX_CHARS:
        raise ValidationFailed(
            _("更正原因不能超过%(n)d个字符") % {"n": REVOKE_REASON_MAX_CHARS}, fields={"reason": "too_long"}
        )
    event = (
        Event.objects.select_for_update(of=("self",))
        .filter(code=parse_code(event_code, "event"), organization=actor.organization)
        .first()
    )
    if event is None:
        raise NotFound(_("活动不存在"))
    before = audit_snapshot(event)
    workflow.transition(event=event, action="reopen_for_correction", actor=actor.user, note=reason)
    audit_append(actor=actor, action="event.correction_open", target=event, before=before)
    return event


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
    if cert.status == CertificateStatus.SUPERSEDED:
        raise Conflict(_("证书已被新证书取代，请撤销新证书"), code="already_superseded")
    cert.status = CertificateStatus.REVOKED
    cert.revoked_at = timezone.now()
    cert.revoke_reason = reason
    cert.save(update_fields=["status", "revoked_at", "revoke_reason"])
    if event.status == Status.CERTIFIED:  # a correction under way (ACCOUNTED…) stays where it is
        workflow.transition(event=event, action="revoke_certificate", actor=actor.user, note=f"{cert.number}：{reason}")
    audit_append(actor=actor, action="certificate.revoke", target=cert)
    return cert


@transaction.atomic
def case_feature(*, actor: Actor, event_code: object, featured: bool) -> Event:
    """The bureau features (or unfeatures) a certified event in the public gallery; featured cases come first.

    Only events holding a valid certificate can be featured (Conflict otherwise, nothing written); featuring a
    featured event or unfeaturing one that is not featured changes nothing.
    """
    actor.require(Role.REVIEWER)
    event = Event.objects.select_for_update().filter(code=parse_code(event_code, "event")).first()
    if event is None:
        raise NotFound(_("活动不存在"))
    if not featured:
        if case := FeaturedCase.objects.filter(event=event).first():
            audit_append(actor=actor, action="case.unfeature", target=case, deleted=True)
        FeaturedCase.objects.filter(event=event).delete()
        return event
    if not Certificate.objects.filter(event=event, status=CertificateStatus.VALID).exists():
        raise Conflict(_("只有持有有效证书的活动才能列为典型案例"), code="not_certified")
    case, created = FeaturedCase.objects.get_or_create(
        event=event, defaults={"featured_at": timezone.now(), "featured_by": actor.user}
    )
    if created:  # featuring a featured event changes nothing, and logs nothing
        audit_append(actor=actor, action="case.feature", target=case)
    return event
