"""Registry ledger: projects, serial blocks, orders, retirements and the hash-chained ledger log.

Design: a block is a serial range held by one organisation. Blocks are never edited in place except
to mark them superseded/retired by registry/services.py, which splits a block into children whose
ranges come from serials.split_range. Balances derive from the active blocks; the LedgerEntry chain
records every move and is re-verified by `registry_audit`.
"""

import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CreditType(models.TextChoices):
    CQCER = "CQCER", _("重庆“碳惠通”核证自愿减排量（CQCER）")
    CCER = "CCER", _("国家核证自愿减排量（CCER）")
    ALLOWANCE = "ALLOWANCE", _("碳排放配额（富余配额）")


class ProductCategory(models.TextChoices):
    ECO_SINK = "eco_sink", _("生态碳汇类")
    INCLUSIVE = "inclusive", _("普惠类")
    OTHER = "other", _("其他")


class Origin(models.TextChoices):
    RURAL_REVITALIZATION = "RURAL_REVITALIZATION", _("乡村振兴帮扶村")
    THREE_GORGES = "THREE_GORGES", _("渝东北三峡库区城镇群")
    WULING = "WULING", _("渝东南武陵山区城镇群")


class CreditProject(models.Model):
    code = models.CharField(_("项目编号"), max_length=40, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    credit_type = models.CharField(_("产品类型"), max_length=20, choices=CreditType.choices)
    product_category = models.CharField(max_length=20, choices=ProductCategory.choices, default=ProductCategory.OTHER)
    methodology_code = models.CharField(_("方法学"), max_length=40)
    origin_tags = models.JSONField(_("优先产地标签"), default=list, blank=True)
    district_code = models.CharField(_("项目所在区县"), max_length=6, blank=True)
    vintage = models.PositiveSmallIntegerField(_("年份"))
    seller = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="credit_projects")
    unit_price_cny = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "减排项目")
        verbose_name_plural = pgettext_lazy("model plural", "减排项目")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class BlockStatus(models.TextChoices):
    ACTIVE = "active", _("可用")
    RETIRED = "retired", _("已注销（用于抵消）")
    CANCELLED = "cancelled", _("已作废")
    INVALIDATED = "invalidated", _("已失效（冻结）")
    SUPERSEDED = "superseded", _("已拆分")


class CreditBlock(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(CreditProject, on_delete=models.PROTECT, related_name="blocks")
    serial_first = models.PositiveBigIntegerField()
    serial_last = models.PositiveBigIntegerField()
    quantity_t = models.PositiveBigIntegerField()
    holder = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="credit_blocks")
    status = models.CharField(max_length=20, choices=BlockStatus.choices, default=BlockStatus.ACTIVE)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "减排量区块")
        verbose_name_plural = pgettext_lazy("model plural", "减排量区块")
        ordering = ["project", "serial_first"]
        constraints = [
            models.CheckConstraint(condition=Q(serial_first__gte=1), name="block_first_positive"),
            models.CheckConstraint(condition=Q(serial_last__gte=F("serial_first")), name="block_range_ordered"),
            models.CheckConstraint(
                condition=Q(quantity_t=F("serial_last") - F("serial_first") + 1),
                name="block_quantity_matches_range",
            ),
            # Live (non-superseded) blocks never share a first serial within a project/vintage.
            models.UniqueConstraint(
                fields=["project", "serial_first"],
                condition=~Q(status="superseded"),
                name="block_unique_live_first_serial",
            ),
            models.CheckConstraint(condition=Q(status__in=BlockStatus.values), name="block_status_known"),
        ]
        indexes = [
            # The live-block lookup of every move: only active rows, so it stays flat as history grows.
            models.Index(
                fields=["project", "holder", "serial_first"],
                condition=Q(status="active"),
                name="block_active_by_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.serial_first}-{self.serial_last}"


class ListingType(models.TextChoices):
    CREDITS = "credits", _("出售减排量")
    ALLOWANCE_DONATION = "allowance_donation", _("捐赠节余配额")


class ListingStatus(models.TextChoices):
    OPEN = "open", _("在售")
    WITHDRAWN = "withdrawn", _("已下架")


class Listing(models.Model):
    """A seller's offer of part of its stock of one project.

    `reserved_t` counts pending orders on the listing, `sold_t` confirmed ones; the remainder
    `quantity_t - reserved_t - sold_t` is what can still be ordered (while open and valid). Only
    registry/listings.py and registry/services.py change these counters, under the listing's row lock.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(CreditProject, on_delete=models.PROTECT, related_name="listings")
    seller = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="listings")
    listing_type = models.CharField(_("挂牌类型"), max_length=20, choices=ListingType.choices)
    quantity_t = models.PositiveBigIntegerField(_("挂牌数量（吨）"))
    reserved_t = models.PositiveBigIntegerField(default=0)
    sold_t = models.PositiveBigIntegerField(default=0)
    unit_price_cny = models.DecimalField(_("单价（元/吨）"), max_digits=10, decimal_places=2)
    valid_until = models.DateField(_("有效期至"))
    status = models.CharField(max_length=20, choices=ListingStatus.choices, default=ListingStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "挂牌")
        verbose_name_plural = pgettext_lazy("model plural", "挂牌")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reserved_t__lte=F("quantity_t") - F("sold_t")), name="listing_reserved_within_offer"
            ),
            models.CheckConstraint(condition=Q(unit_price_cny__gte=0), name="listing_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.code}"

    @property
    def remaining_t(self) -> int:
        """Tonnes that can still be ordered (ignoring status and validity)."""
        return self.quantity_t - self.reserved_t - self.sold_t


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已成交")
    REJECTED = "rejected", _("已拒绝")
    CANCELLED = "cancelled", _("已取消")
    EXPIRED = "expired", _("已过期")


class Order(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    buyer = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="orders")
    seller = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="sales")
    project = models.ForeignKey(CreditProject, on_delete=models.PROTECT, related_name="orders")
    listing = models.ForeignKey(Listing, null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    event = models.ForeignKey("events.Event", null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    quantity_t = models.PositiveBigIntegerField()
    unit_price_cny = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True)  # noqa: DJ001 NULL: no key
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "订单")
        verbose_name_plural = pgettext_lazy("model plural", "订单")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity_t__gte=1), name="order_quantity_positive"),
            models.UniqueConstraint(fields=["buyer", "idempotency_key"], name="order_unique_idempotency_key"),
        ]

    def __str__(self) -> str:
        return str(self.code)

    @property
    def total_cny(self) -> Decimal | None:
        """quantity × unit price, to the fen (0.01 CNY); None when the order carries no price."""
        return order_total_cny(self.quantity_t, self.unit_price_cny)


def order_total_cny(quantity_t: int, unit_price_cny: Decimal | None) -> Decimal | None:
    if unit_price_cny is None:
        return None
    return (Decimal(quantity_t) * unit_price_cny).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class Retirement(models.Model):
    """注销 for a claim: one retired block, against one frozen inventory of one event."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(max_length=30, unique=True)
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="retirements")
    inventory = models.ForeignKey("footprints.InventoryVersion", on_delete=models.PROTECT, related_name="+")
    block = models.OneToOneField(CreditBlock, on_delete=models.PROTECT, related_name="retirement")
    quantity_t = models.PositiveBigIntegerField()
    beneficiary_name = models.CharField(max_length=200)
    beneficiary_uscc = models.CharField(max_length=18, blank=True)
    purpose = models.CharField(max_length=220)  # "大型活动碳中和：" + event name (≤ 200 chars)
    reason = models.TextField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "注销记录")
        verbose_name_plural = pgettext_lazy("model plural", "注销记录")
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=Q(quantity_t__gte=1), name="retirement_quantity_positive")]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        if not self._state.adding:  # a new row may bring its id (its number is built from it)
            raise ValueError("Retirements are append-only")
        super().save(*args, **kwargs)


class LedgerKind(models.TextChoices):
    ISSUE = "issue", _("签发")
    TRANSFER = "transfer", _("转让")
    RETIRE = "retire", _("注销")
    INVALIDATE = "invalidate", _("失效冲正")


class LedgerHead(models.Model):
    """The last sealed ledger entry (one row, pk 1). ledger_seal locks it: one sealer at a time, a linear chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = pgettext_lazy("model", "登记簿链头")
        verbose_name_plural = pgettext_lazy("model plural", "登记簿链头")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="ledger_head_single_row")]

    def __str__(self) -> str:
        return f"head #{self.seq}"


class LedgerEntry(models.Model):
    """Hash-chained, append-only record of every move (seal after commit, registry/ledger.py).

    Appended pending: content_hash = sha256(content without seq); seq, prev_hash and entry_hash stay NULL until
    ledger_seal chains the committed entries: entry_hash = sha256(prev_hash + body with seq).
    """

    seq = models.PositiveBigIntegerField(unique=True, null=True, blank=True)  # NULL: pending (not sealed)
    kind = models.CharField(max_length=20, choices=LedgerKind.choices)
    project = models.ForeignKey(CreditProject, on_delete=models.PROTECT, related_name="+")
    serial_first = models.PositiveBigIntegerField()
    serial_last = models.PositiveBigIntegerField()
    quantity_t = models.PositiveBigIntegerField()
    from_org = models.ForeignKey("accounts.Organization", null=True, on_delete=models.PROTECT, related_name="+")
    to_org = models.ForeignKey("accounts.Organization", null=True, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=80, blank=True)
    at = models.DateTimeField()
    content_hash = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    entry_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)  # noqa: DJ001

    class Meta:
        verbose_name = pgettext_lazy("model", "登记簿分录")
        verbose_name_plural = pgettext_lazy("model plural", "登记簿分录")
        ordering = ["id"]
        # No new constraints here: altering the table would drop the append-only triggers on SQLite (the
        # audit checks each entry's quantity against its range).
        constraints = [models.CheckConstraint(condition=Q(quantity_t__gte=1), name="ledger_quantity_positive")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind}" if self.seq is not None else f"pending id {self.pk} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Ledger entries are append-only (ledger_seal sets the seal columns, once)")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Ledger entries are append-only")


# Claims beyond the ledger (external cancellations, invalidations) live in their own module of the same app.
from zhonghe.registry.models_claims import (  # noqa: E402, F401
    CreditInvalidation,
    ExternalCancellation,
    ExternalRegistry,
    ExternalStatus,
    InvalidationImpact,
)
