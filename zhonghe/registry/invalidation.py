"""Invalidation is not retirement (issue 8 item 7): the registry operator invalidates a serial range of a
platform project (a reversal). Nothing is deleted: every live block the range touches is superseded by children,
the part inside the range with status INVALIDATED (held credits freeze: no move takes them any more), and one
INVALIDATE ledger entry per part records the reversal. Retired parts keep their retirement row; the retirement's
event gets an InvalidationImpact (it needs replacement credits; offset_covered_t no longer counts those tonnes)
naming the event's valid certificate, if any, as needing a top-up.

Lock order (services.py): the project's open listings (id order), the project row, its live blocks in serial
order, then the number sequences ("invalidation", then "ledger").
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Role
from zhonghe.accounts.services import next_number
from zhonghe.audit.services import audit_append
from zhonghe.lib.errors import Conflict, NotFound, ValidationFailed
from zhonghe.lib.text import clean_text
from zhonghe.registry import ledger
from zhonghe.registry.models import (
    BlockStatus,
    CreditBlock,
    CreditInvalidation,
    CreditProject,
    InvalidationImpact,
    LedgerKind,
    Listing,
    ListingStatus,
    Retirement,
)
from zhonghe.registry.serials import SerialError, SerialRange

INVALIDATABLE = (BlockStatus.ACTIVE, BlockStatus.RETIRED)
VALID_CERTIFICATE = "valid"  # certificates.models.CertificateStatus.VALID (test_invalidation checks they agree)


def _retirement_of(block: CreditBlock) -> Retirement | None:
    """The retirement a retired block belongs to: its own, or that of the ancestor it was split from."""
    node: CreditBlock | None = block
    while node is not None:
        found = Retirement.objects.filter(block_id=node.pk).first()
        if found is not None:
            return found
        node = CreditBlock.objects.filter(pk=node.parent_id).first() if node.parent_id else None
    return None


def _trim_listings(open_listings: list[Listing], holder_id: int, project: CreditProject, frozen_t: int) -> None:
    """Shrink the holder's open listings so they promise no more than it still holds; refuse (Conflict) when
    pending orders have reserved the tonnes (decline them first)."""
    held_t = (
        CreditBlock.objects.filter(project=project, holder_id=holder_id, status=BlockStatus.ACTIVE).aggregate(
            t=Sum("quantity_t")
        )["t"]
        or 0
    ) - frozen_t
    mine = [x for x in open_listings if x.seller_id == holder_id]
    promised_t = sum(x.quantity_t - x.sold_t for x in mine)
    for listing in reversed(mine):  # newest first
        excess_t = promised_t - held_t
        if excess_t <= 0:
            break
        cut_t = min(excess_t, listing.remaining_t)
        if cut_t:
            listing.quantity_t -= cut_t
            listing.save(update_fields=["quantity_t", "updated_at"])
            promised_t -= cut_t
    if promised_t > held_t:
        raise Conflict(
            _("失效范围内的减排量已被待确认订单预留，请先处理这些订单"),
            code="reserved_credits",
            fields={"holder": holder_id},
        )


@transaction.atomic
def credits_invalidate(
    *, actor: Actor, project_code: str, serial_first: int, serial_last: int, reason: str
) -> CreditInvalidation:
    """Invalidate every serial of `serial_first`..`serial_last` of the project (operator only).

    Every serial must be live (active or retired); refuses (nothing written) with ValidationFailed, NotFound,
    Conflict not_invalidatable (a serial not issued, or already invalidated or cancelled) or reserved_credits.
    """
    actor.require(Role.ADMIN)
    reason_text = clean_text(reason, field="reason", multiline=True).strip()
    if not reason_text:
        raise ValidationFailed(_("请填写失效原因"), fields={"reason": "required"})
    try:
        serials = SerialRange(serial_first, serial_last)
    except SerialError as exc:
        raise ValidationFailed(_("序列号范围无效"), fields={"serial_first": exc.message}) from exc
    project = CreditProject.objects.filter(code=project_code).first()
    if project is None:
        raise NotFound(_("项目不存在"))
    open_listings = list(
        Listing.objects.select_for_update(of=("self",))
        .filter(project=project, status=ListingStatus.OPEN)
        .order_by("id")
    )
    CreditProject.objects.select_for_update().filter(pk=project.pk).first()
    touched = list(
        CreditBlock.objects.select_for_update()
        .filter(project=project, serial_first__lte=serials.last, serial_last__gte=serials.first)
        .exclude(status=BlockStatus.SUPERSEDED)
        .order_by("serial_first")
    )
    covered = (
        bool(touched)
        and touched[0].serial_first <= serials.first
        and touched[-1].serial_last >= serials.last
        and all(touched[i].serial_last + 1 == touched[i + 1].serial_first for i in range(len(touched) - 1))
        and all(b.status in INVALIDATABLE for b in touched)
    )
    if not covered:
        raise Conflict(_("该范围内有未签发、已失效或已作废的序列号"), code="not_invalidatable")
    frozen_by_holder: dict[int, int] = {}
    for block in touched:
        if block.status == BlockStatus.ACTIVE:
            inside_t = min(block.serial_last, serials.last) - max(block.serial_first, serials.first) + 1
            frozen_by_holder[block.holder_id] = frozen_by_holder.get(block.holder_id, 0) + inside_t
    for holder_id, frozen_t in sorted(frozen_by_holder.items()):
        _trim_listings(open_listings, holder_id, project, frozen_t)
    invalidation = CreditInvalidation.objects.create(
        number=f"ZH-V-{timezone.localdate().year}-{next_number('invalidation'):06d}",
        project=project,
        serial_first=serials.first,
        serial_last=serials.last,
        quantity_t=serials.quantity,
        reason=reason_text,
        actor=actor.user,
    )
    hit: dict[int, tuple[Retirement, int]] = {}
    for block in touched:
        retirement = _retirement_of(block) if block.status == BlockStatus.RETIRED else None
        for part in ledger.invalidate_block(block, serials):
            ledger.append_entry(
                kind=LedgerKind.INVALIDATE,
                project=project,
                serials=SerialRange(part.serial_first, part.serial_last),
                from_org=block.holder,
                to_org=None,
                reference=f"invalidation:{invalidation.number}",
            )
            if retirement is not None:
                before = hit.get(retirement.pk, (retirement, 0))[1]
                hit[retirement.pk] = (retirement, before + part.quantity_t)
    for retirement, quantity_t in hit.values():
        event = retirement.event
        InvalidationImpact.objects.create(
            invalidation=invalidation,
            retirement=retirement,
            event=event,
            # its valid certificate (CertificateStatus.VALID), read through the FK InvalidationImpact declares:
            certificate=event.certificates.filter(status=VALID_CERTIFICATE).first(),  # registry is below certificates
            quantity_t=quantity_t,
        )
    audit_append(actor=actor, action="credits.invalidate", target=invalidation)  # last: after every row lock
    return invalidation
