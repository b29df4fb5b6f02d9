"""The per-version source totals (InventorySourceTotal) the bureau's emissions dashboard sums.

`source_totals_write` runs inside `inventory_freeze`'s transaction: it clears `latest` on the event's older
row and writes the new version's row (one bulk_create). `source_total_row` builds the row of one version and
is shared by the data migration and the synthetic data, so all three agree on the columns and the rounding.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

KG = Decimal("0.001")


def source_column(category: str) -> str:
    """The InventorySourceTotal column of a source category (ActivityCategory value)."""
    return f"{category}_kg"


def kg_3dp(value) -> Decimal:
    """kg CO2e to three decimals, as the dashboards have always summed them (ROUND_HALF_UP)."""
    return Decimal(str(value or 0)).quantize(KG, rounding=ROUND_HALF_UP)


def source_total_row(model, inventory, *, latest: bool = True):
    """An unsaved `model` row for `inventory`. A source without a column is an error, never dropped."""
    columns = {source_column(c): kg_3dp(kg) for c, kg in (inventory.by_source_kg or {}).items()}
    known = {f.name for f in model._meta.get_fields()}
    unknown = sorted(set(columns) - known)
    if unknown:
        raise ValueError(f"InventorySourceTotal has no column for {unknown}: add one (and a migration)")
    return model(
        inventory_id=inventory.pk,
        event_id=inventory.event_id,
        latest=latest,
        total_kg_co2e=kg_3dp(inventory.total_kg_co2e),
        **columns,
    )


def source_totals_write(inventory) -> None:
    """The event's newest version's row becomes the `latest` one (called inside inventory_freeze)."""
    from zhonghe.footprints.models import InventorySourceTotal

    InventorySourceTotal.objects.filter(event_id=inventory.event_id, latest=True).update(latest=False)
    InventorySourceTotal.objects.bulk_create([source_total_row(InventorySourceTotal, inventory)])
