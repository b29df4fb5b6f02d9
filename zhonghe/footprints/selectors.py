from __future__ import annotations

from zhonghe.events.models import Event
from zhonghe.footprints.models import InventoryVersion


def inventory_latest(event: Event) -> InventoryVersion | None:
    return event.inventories.order_by("-version").first()
