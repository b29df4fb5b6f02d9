"""External cancellations (issue 8 item 5): CCER and allowances cancelled in another registry, recorded by the
organiser against its event's frozen inventory with the proof document, confirmed or rejected by the bureau
(reviewer) or the registry operator. Confirmed tonnes count towards the offset (registry/offsets.py).

Uniqueness across the whole platform: a pending or confirmed record claims its registry + serial range and its
proof file's SHA-256; a second record overlapping that range in the same registry, or carrying the same file, is
refused whoever records it. The check runs under one lock row (the "external" number sequence, taken before the
check), so two concurrent recordings queue and the second sees the first.

Lock order (services.py): the event row, then the record row, then the "external" sequence row.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Role
from zhonghe.accounts.services import next_number
from zhonghe.audit.services import audit_append, audit_snapshot
from zhonghe.events import workflow
from zhonghe.events.models import Event, Status
from zhonghe.lib.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhonghe.lib.ids import parse_code
from zhonghe.lib.numbers import format_number
from zhonghe.lib.text import clean_text
from zhonghe.registry.models import ExternalCancellation, ExternalRegistry, ExternalStatus
from zhonghe.registry.offsets import offset_covered_t
from zhonghe.registry.services import retirement_beneficiary

MAX_PROOF_BYTES = 10 * 1024 * 1024  # 10 MiB: a scanned 注销证明 of a few pages
MAX_EXTERNAL_SERIAL = 10**18 - 1  # external registries number serials in up to 18 digits
# Magic bytes → (content type, file extension). Only PDF documents and PNG/JPEG images are accepted.
PROOF_TYPES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


def proof_kind(content: bytes) -> tuple[str, str]:
    """(content type, extension) of a proof file by its magic bytes; ValidationFailed if empty, too large or
    neither PDF nor PNG/JPEG."""
    if not content:
        raise ValidationFailed(_("请上传注销证明文件"), fields={"proof": "required"})
    if len(content) > MAX_PROOF_BYTES:
        raise ValidationFailed(_("注销证明文件不能超过10 MB"), fields={"proof": "too_large"})
    for magic, content_type, extension in PROOF_TYPES:
        if content.startswith(magic):
            return content_type, extension
    raise ValidationFailed(_("注销证明应为PDF文件或PNG/JPEG图片"), fields={"proof": "unsupported_type"})


def _serials(first: object, last: object, quantity_t: object) -> tuple[int, int, int]:
    values = (first, last, quantity_t)
    if any(not isinstance(v, int) or isinstance(v, bool) for v in values):
        raise ValidationFailed(_("序列号和数量应为整数"), fields={"serial_first": str(first)})
    if not 1 <= first <= last <= MAX_EXTERNAL_SERIAL:  # type: ignore[operator]
        raise ValidationFailed(_("序列号范围无效"), fields={"serial_first": str(first), "serial_last": str(last)})
    if last - first + 1 != quantity_t:  # type: ignore[operator]
        raise ValidationFailed(
            _("序列号范围含%(n)s吨，与数量不符") % {"n": format_number(last - first + 1, "credits")},  # type: ignore[operator]
            fields={"quantity_t": quantity_t},
        )
    return first, last, quantity_t  # type: ignore[return-value]


def claimed_conflict(registry: str, first: int, last: int, sha256: str) -> ExternalCancellation | None:
    """A live (pending or confirmed) record anywhere on the platform overlapping the range in the same
    registry, or with the same proof file."""
    live = ExternalCancellation.objects.exclude(status=ExternalStatus.REJECTED)
    overlap = live.filter(registry=registry, serial_first__lte=last, serial_last__gte=first).first()
    return overlap or live.filter(proof_sha256=sha256).first()


@transaction.atomic
def external_cancellation_record(
    *,
    actor: Actor,
    event_code: object,
    registry: str,
    serial_first: int,
    serial_last: int,
    quantity_t: int,
    cancelled_on: dt.date,
    proof_number: str,
    proof: bytes,
    project_ref: str = "",
    beneficiary_name: str = "",
    beneficiary_uscc: str = "",
) -> ExternalCancellation:
    """Record a cancellation made in `registry` for the organiser's event (frozen inventory, not yet offset).

    Refuses (nothing written): ValidationFailed (registry, serials, quantity, date in the future, proof type or
    size, text), NotFound (another organisation's event), Conflict not_accounted, and Conflict already_claimed
    when the range overlaps, or the proof file equals, a live record of any event or organisation.
    """
    actor.require(Role.ORGANISER)
    if registry not in ExternalRegistry.values:
        raise ValidationFailed(_("请选择注销登记系统"), fields={"registry": str(registry)})
    first, last, quantity_t = _serials(serial_first, serial_last, quantity_t)
    if not isinstance(cancelled_on, dt.date) or cancelled_on > timezone.localdate():
        raise ValidationFailed(_("注销日期不能晚于今天"), fields={"cancelled_on": str(cancelled_on)})
    number_text = clean_text(proof_number, field="proof_number").strip()
    if not number_text or len(number_text) > 80:
        raise ValidationFailed(_("请填写注销证明编号（不超过80个字符）"), fields={"proof_number": "required"})
    project_text = clean_text(project_ref, field="project_ref").strip()[:80]
    content_type, extension = proof_kind(bytes(proof or b""))
    beneficiary = retirement_beneficiary(
        actor.organization,
        clean_text(beneficiary_name, field="beneficiary_name"),
        clean_text(beneficiary_uscc, field="beneficiary_uscc"),
    )
    event = (
        Event.objects.select_for_update(of=("self",))
        .filter(code=parse_code(event_code, "event"), organization=actor.organization)
        .first()
    )
    if event is None:
        raise NotFound(_("活动不存在"))
    if event.status != Status.ACCOUNTED:
        raise Conflict(_("请先冻结核算结果；已完成抵消的活动无需再登记注销"), code="not_accounted")
    inventory = event.inventories.order_by("-version").first()
    sha256 = hashlib.sha256(proof).hexdigest()
    number = next_number("external")  # the lock row: recordings queue here, then check what is claimed
    if clash := claimed_conflict(registry, first, last, sha256):
        raise Conflict(
            _("该注销证明或序列号范围已在平台上登记（%(n)s），不能重复使用") % {"n": clash.number},
            code="already_claimed",
            fields={"serial_first": first, "serial_last": last},
        )
    stored = default_storage.save(f"external-proofs/{sha256}.{extension}", ContentFile(proof))
    record = ExternalCancellation.objects.create(
        number=f"ZH-X-{timezone.localdate().year}-{number:06d}",
        event=event,
        inventory=inventory,
        organization=actor.organization,
        registry=registry,
        project_ref=project_text,
        serial_first=first,
        serial_last=last,
        quantity_t=quantity_t,
        cancelled_on=cancelled_on,
        proof_number=number_text,
        beneficiary_name=beneficiary[0],
        beneficiary_uscc=beneficiary[1],
        proof_file=stored,
        proof_sha256=sha256,
        proof_size_bytes=len(proof),
        proof_content_type=content_type,
        recorded_by=actor.user,
    )
    audit_append(actor=actor, action="external_cancellation.record", target=record)
    return record


def _locked_pending(actor: Actor, code: object) -> tuple[Event, ExternalCancellation]:
    if not actor.has(Role.REVIEWER):  # the bureau; the registry operator (admin) holds every role
        raise PermissionDenied(_("只有生态环境局或登记机构可以审核外部注销"))
    found = ExternalCancellation.objects.filter(code=parse_code(code, "external cancellation")).first()
    if found is None:
        raise NotFound(_("外部注销记录不存在"))
    event = Event.objects.select_for_update(of=("self",)).get(pk=found.event_id)
    record = ExternalCancellation.objects.select_for_update(of=("self",)).get(pk=found.pk)
    if record.status != ExternalStatus.PENDING:
        raise Conflict(_("该记录已审核"), code="external_not_pending")
    return event, record


@transaction.atomic
def external_cancellation_confirm(*, actor: Actor, code: object) -> ExternalCancellation:
    """Confirm a pending record: its tonnes now count; the event becomes OFFSET once covered."""
    event, record = _locked_pending(actor, code)
    before = audit_snapshot(record)
    record.status = ExternalStatus.CONFIRMED
    record.reviewed_by, record.reviewed_at = actor.user, timezone.now()
    record.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    inventory = event.inventories.order_by("-version").first()
    if event.status == Status.ACCOUNTED and offset_covered_t(event) >= inventory.required_offset_t:
        workflow.transition(event=event, action="complete_offset", actor=actor.user, note=_("注销量已不少于排放量"))
    audit_append(actor=actor, action="external_cancellation.confirm", target=record, before=before)
    return record


@transaction.atomic
def external_cancellation_reject(*, actor: Actor, code: object, note: str) -> ExternalCancellation:
    """Reject a pending record with a reason; its range and proof file are free to be claimed again."""
    note_text = clean_text(note, field="note", multiline=True).strip()
    if not note_text:
        raise ValidationFailed(_("请填写驳回理由"), fields={"note": "required"})
    _event, record = _locked_pending(actor, code)
    before = audit_snapshot(record)
    record.status = ExternalStatus.REJECTED
    record.reviewed_by, record.reviewed_at, record.review_note = actor.user, timezone.now(), note_text[:2000]
    record.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    audit_append(actor=actor, action="external_cancellation.reject", target=record, before=before)
    return record
