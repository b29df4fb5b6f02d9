"""The plan's tools: adopted reduction measures (with their computed figures) and copies of estimate rows.

The plan itself (boundary, estimate, offset text, publication) stays in events.Plan; these tables hang off it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Scenario(models.TextChoices):
    """The engine's ScenarioKey values (zhonghe/engine/scenarios.py), with their labels."""

    RAIL_FOR_SHORT_FLIGHTS = "rail_for_short_flights", _("短途航班改乘高铁")
    GREEN_POWER = "green_power", _("使用绿色电力")
    VEGETARIAN_MEALS = "vegetarian_meals", _("提供素食餐")
    FEWER_PRINTS = "fewer_prints", _("减少印刷物料")
    SHUTTLE_BUSES = "shuttle_buses", _("接驳大巴替代小汽车和出租车")


class ReductionMeasure(models.Model):
    """减排措施 (planned): a scenario adopted into the plan, with the figures computed when it was adopted.

    `baseline_kg_co2e` is the plan's estimate the figures were computed on; when the estimate changes the
    measure is stale and publication refuses until it is adopted again (plans.services).
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey("events.Plan", on_delete=models.PROTECT, related_name="measures")
    scenario = models.CharField(max_length=30, choices=Scenario.choices)
    parameter = models.DecimalField(max_digits=12, decimal_places=4)  # share 0..1, or threshold km
    release_code = models.CharField(max_length=40)
    baseline_kg_co2e = models.DecimalField(max_digits=18, decimal_places=3)
    new_kg_co2e = models.DecimalField(max_digits=18, decimal_places=3)
    saving_kg_co2e = models.DecimalField(max_digits=18, decimal_places=3)
    saving_pct = models.DecimalField(max_digits=6, decimal_places=2)
    # The release's factors the measure switches to, with their citations (key, value, unit, sources, year).
    factors = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "减排措施")
        verbose_name_plural = pgettext_lazy("model plural", "减排措施")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "scenario"], name="measure_one_per_scenario"),
            models.CheckConstraint(condition=models.Q(saving_kg_co2e__gt=0), name="measure_saving_positive"),
            models.CheckConstraint(
                condition=models.Q(new_kg_co2e__gte=0) & models.Q(baseline_kg_co2e__gte=models.F("new_kg_co2e")),
                name="measure_new_not_above_baseline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.scenario}"

    @property
    def parameter_shown(self) -> str:
        """The parameter as the pages show it: km for the rail threshold, else the share in %."""
        value = self.parameter if self.scenario == Scenario.RAIL_FOR_SHORT_FLIGHTS else self.parameter * 100
        return f"{value.normalize():f}"


class EstimateCopy(models.Model):
    """One estimate (BEFORE) row copied into the actual (AFTER) data; a source is copied at most once."""

    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="+")
    source = models.OneToOneField("events.ActivityRecord", on_delete=models.CASCADE, related_name="+")
    # Deleting the copied row deletes this link, so a later copy brings the row back (it is missing again).
    copy = models.OneToOneField("events.ActivityRecord", on_delete=models.CASCADE, related_name="estimate_copy")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "预估数据复制记录")
        verbose_name_plural = pgettext_lazy("model plural", "预估数据复制记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.copy_id}"
