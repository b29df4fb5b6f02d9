"""Events, their workflow log, plan and activity records.

Status is written only by events/workflow.py; EventTransition rows are append-only.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EventKind(models.TextChoices):
    MEETING = "meeting", _("会议")
    FORUM = "forum", _("论坛")
    SPORTS = "sports", _("赛事")
    EXHIBITION = "exhibition", _("展览")
    PERFORMANCE = "performance", _("演出")


class MeetingClass(models.IntegerChoices):
    CLASS_1 = 1, _("一类会议")
    CLASS_2 = 2, _("二类会议")
    CLASS_3 = 3, _("三类会议")
    CLASS_4 = 4, _("四类会议")


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已申请")
    PLANNED = "planned", _("计划书已发布")
    ACCOUNTED = "accounted", _("已核算")
    OFFSET = "offset", _("已抵消")
    EVALUATING = "evaluating", _("评价中")
    EVALUATED = "evaluated", _("评价待受理")
    ACCEPTED = "accepted", _("评价已受理")
    CERTIFIED = "certified", _("已获证书")
    WITHDRAWN = "withdrawn", _("已撤回")


class GridChoice(models.TextChoices):
    """Which grid factor an event's purchased electricity uses (the engine's AccountingOptions.grid)."""

    PROVINCIAL = "provincial", _("省级电网（举办地所在省份，缺省）")
    NATIONAL = "national", _("全国电网平均")
    REGIONAL = "regional", _("区域电网（西南）")


class Stage(models.TextChoices):
    BEFORE = "before", _("事前（预估）")
    AFTER = "after", _("事后（实际）")


class Event(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="events")
    name = models.CharField(_("活动名称"), max_length=200)
    kind = models.CharField(_("活动类型"), max_length=20, choices=EventKind.choices)
    meeting_class = models.PositiveSmallIntegerField(_("会议类别"), choices=MeetingClass.choices, null=True, blank=True)
    chengyu_meeting = models.BooleanField(_("成渝双城经济圈有关会议"), default=False)
    expected_participants = models.PositiveIntegerField(_("预计参与人数"))
    area_m2 = models.DecimalField(_("面积（平方米）"), max_digits=12, decimal_places=2, null=True, blank=True)
    venue_district = models.CharField(_("举办区县"), max_length=6)
    venue_address = models.CharField(_("举办地址"), max_length=300, blank=True)
    # The grid factor the event's electricity uses; each inventory version stores the options it was computed with.
    grid = models.CharField(_("电网排放因子"), max_length=12, choices=GridChoice.choices, default=GridChoice.PROVINCIAL)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    jurisdiction = models.CharField(max_length=20, default="cq-2025")
    obliged = models.BooleanField(null=True, blank=True)
    obligation_rule = models.CharField(max_length=60, blank=True)
    obligation_reason = models.TextField(blank=True)
    obligation_reason_en = models.TextField(blank=True)
    deadline = models.DateField(null=True, blank=True)
    # Σ tonnes retired against the event: written only by registry.services.credits_retire (under the event lock),
    # read by lower layers (inventory_freeze) that may not query the registry; registry_audit re-derives it.
    retired_t = models.PositiveBigIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "活动")
        verbose_name_plural = pgettext_lazy("model plural", "活动")
        ordering = ["-start_date", "-id"]
        # The bureau's deadline-first lists and deadline board, and its year filter (supervision).
        indexes = [
            models.Index(fields=["deadline", "id"], name="event_deadline_idx"),
            models.Index(fields=["end_date"], name="event_end_date_idx"),
            # The dashboards' aggregates read only these columns: on PostgreSQL an index-only scan of this
            # narrow index instead of the wide table (SQLite ignores `include`).
            models.Index(
                fields=["organization", "kind"],
                include=["status", "obliged", "deadline", "end_date", "id"],
                name="event_supervision_cover_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="event_dates_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(area_m2__isnull=True) | models.Q(area_m2__gte=0),
                name="event_area_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EventTransition(models.Model):
    """Append-only log of status moves: who, when, from, to, why."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "活动状态变更")
        verbose_name_plural = pgettext_lazy("model plural", "活动状态变更")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("EventTransition rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("EventTransition rows are append-only")


class Plan(models.Model):
    """碳中和计划书: boundary, ex-ante estimate, reduction measures and offset plan."""

    event = models.OneToOneField(Event, on_delete=models.PROTECT, related_name="plan")
    boundary = models.TextField(_("核算边界"))
    reduction_measures = models.TextField(_("减排措施"), blank=True)
    offset_plan = models.TextField(_("抵消计划"), blank=True)
    estimate_kg_co2e = models.DecimalField(max_digits=18, decimal_places=3, null=True, blank=True)
    estimate_release = models.CharField(max_length=40, blank=True)
    estimate_lines = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "碳中和计划书")
        verbose_name_plural = pgettext_lazy("model plural", "碳中和计划书")

    def __str__(self) -> str:
        return f"计划书 {self.event_id}"


class ActivityCategory(models.TextChoices):
    ELECTRICITY = "electricity", _("电力")
    HEAT = "heat", _("外购热力")
    FUEL = "fuel", _("化石燃料")
    TRAVEL = "travel", _("交通出行")
    LODGING = "lodging", _("住宿")
    MEALS = "meals", _("餐饮")
    MATERIALS = "materials", _("物料")
    WASTE = "waste", _("废弃物")
    WATER = "water", _("用水")
    FREIGHT = "freight", _("货运")


class PlaceKind(models.TextChoices):
    AIRPORT = "airport", _("机场（IATA）")
    CITY = "city", _("城市/区县")


class Phase(models.TextChoices):
    """When the emission happens (the engine's Phase): preparation, the event itself, closing down."""

    PREPARATION = "preparation", _("筹备")
    HOLDING = "holding", _("举办")
    CLOSING = "closing", _("收尾")


class DataQuality(models.TextChoices):
    """How the quantity was obtained (the engine's Quality); it sets the line's uncertainty."""

    METERED = "metered", _("计量（表计读数）")
    INVOICED = "invoiced", _("票据（发票、账单）")
    SURVEYED = "surveyed", _("调查（问卷、登记）")
    ESTIMATED = "estimated", _("估算")
    DEFAULT = "default", _("缺省值")


class Cabin(models.TextChoices):
    ECONOMY = "economy", _("经济舱")
    PREMIUM_ECONOMY = "premium_economy", _("超级经济舱")
    BUSINESS = "business", _("公务舱")
    FIRST = "first", _("头等舱")


class VehicleFuel(models.TextChoices):
    PETROL = "petrol", _("汽油车")
    DIESEL = "diesel", _("柴油车")
    ELECTRIC = "electric", _("电动车")


class ActivityRecord(models.Model):
    """One quantity of activity data; the inventory freezes a snapshot of these rows."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="activities")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    category = models.CharField(max_length=20, choices=ActivityCategory.choices)
    factor_key = models.CharField(max_length=60)
    quantity = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    description = models.CharField(max_length=200, blank=True)
    # Travel only: trips × distance (given, or from two places).
    travel_mode = models.CharField(max_length=30, blank=True)
    person_trips = models.PositiveIntegerField(null=True, blank=True)
    distance_km = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    place_kind = models.CharField(max_length=10, choices=PlaceKind.choices, blank=True)
    origin = models.CharField(max_length=60, blank=True)
    destination = models.CharField(max_length=60, blank=True)
    # One default everywhere (API, page form, service): attendees travel there and back.
    round_trip = models.BooleanField(default=True)
    cabin = models.CharField(max_length=20, choices=Cabin.choices, blank=True)  # flights only
    fuel = models.CharField(max_length=10, choices=VehicleFuel.choices, blank=True)  # car/taxi only
    occupancy = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)  # persons per vehicle
    phase = models.CharField(max_length=12, choices=Phase.choices, default=Phase.HOLDING)
    quality = models.CharField(max_length=10, choices=DataQuality.choices, default=DataQuality.ESTIMATED)
    # Electricity only: the part covered by green power (kWh, or a share 0..1) and its 绿证 ids.
    green_kwh = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    green_share = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    green_certificates = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "活动数据")
        verbose_name_plural = pgettext_lazy("model plural", "活动数据")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__isnull=True) | models.Q(quantity__gte=0),
                name="activity_quantity_nonneg",
            ),
            models.CheckConstraint(
                condition=models.Q(distance_km__isnull=True) | models.Q(distance_km__gte=0),
                name="activity_distance_nonneg",
            ),
            models.CheckConstraint(
                condition=models.Q(occupancy__isnull=True) | models.Q(occupancy__gte=1),
                name="activity_occupancy_at_least_one",
            ),
            models.CheckConstraint(
                condition=models.Q(green_kwh__isnull=True) | models.Q(green_kwh__gte=0),
                name="activity_green_kwh_nonneg",
            ),
            models.CheckConstraint(
                condition=models.Q(green_share__isnull=True) | models.Q(green_share__gte=0, green_share__lte=1),
                name="activity_green_share_0_1",
            ),
            models.CheckConstraint(
                condition=models.Q(green_kwh__isnull=True) | models.Q(green_share__isnull=True),
                name="activity_green_kwh_or_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.factor_key} {self.quantity or self.person_trips}"
