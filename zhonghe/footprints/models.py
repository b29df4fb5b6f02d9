"""Frozen inventory versions. Immutable: a correction is a new version."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy


class InventoryVersion(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="inventories")
    version = models.PositiveIntegerField()
    data_hash = models.CharField(max_length=64)
    release_code = models.CharField(max_length=40)
    release_hash = models.CharField(max_length=64)
    method_version = models.CharField(max_length=40)
    total_kg_co2e = models.DecimalField(max_digits=18, decimal_places=3)
    total_t_co2e = models.DecimalField(max_digits=15, decimal_places=3)
    required_offset_t = models.PositiveIntegerField()
    activities = models.JSONField()
    lines = models.JSONField()
    # The accounting options the lines were computed with (venue province, grid...), so a recompute with the
    # stored release gives the same lines.
    options = models.JSONField(default=dict)
    # Totals by phase and by source (category), kg CO2e as strings; the 95 % range of the total.
    by_phase_kg = models.JSONField(default=dict)
    by_source_kg = models.JSONField(default=dict)
    range_low_kg_co2e = models.DecimalField(max_digits=18, decimal_places=3, null=True, blank=True)
    range_high_kg_co2e = models.DecimalField(max_digits=18, decimal_places=3, null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "核算结果版本")
        verbose_name_plural = pgettext_lazy("model plural", "核算结果版本")
        ordering = ["event", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["event", "version"], name="inventory_unique_version"),
            models.CheckConstraint(condition=models.Q(total_kg_co2e__gte=0), name="inventory_total_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Inventory versions are immutable; freeze a new version instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Inventory versions are immutable")


def _kg_column():
    return models.DecimalField(max_digits=18, decimal_places=3, default=0)


class InventorySourceTotal(models.Model):
    """Derived data for the bureau's emissions dashboard: one row per inventory version with its total and its
    by_source_kg as one kg CO2e column per source category (`<category>_kg`, 0 where the source is absent).

    Written with the version by `inventory_freeze` (footprints/source_totals.py) in the same transaction;
    `latest` marks each event's newest version, so the dashboard sums one narrow row per event without looking
    for newer versions or reading JSON. Not audited on its own: it copies numbers the audited version holds.
    """

    inventory = models.OneToOneField(InventoryVersion, on_delete=models.PROTECT, related_name="source_totals")
    event = models.ForeignKey("events.Event", on_delete=models.PROTECT, related_name="+")
    latest = models.BooleanField(default=True)
    total_kg_co2e = models.DecimalField(max_digits=18, decimal_places=3)
    electricity_kg = _kg_column()
    heat_kg = _kg_column()
    fuel_kg = _kg_column()
    travel_kg = _kg_column()
    lodging_kg = _kg_column()
    meals_kg = _kg_column()
    materials_kg = _kg_column()
    waste_kg = _kg_column()
    water_kg = _kg_column()
    freight_kg = _kg_column()

    class Meta:
        verbose_name = pgettext_lazy("model", "核算结果分类合计")
        verbose_name_plural = pgettext_lazy("model plural", "核算结果分类合计")
        indexes = [models.Index(fields=["event"], condition=models.Q(latest=True), name="source_total_latest_idx")]

    def __str__(self) -> str:
        return f"{self.inventory_id} {self.total_kg_co2e} kg"
