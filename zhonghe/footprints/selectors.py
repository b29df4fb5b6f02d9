from __future__ import annotations

from django.db.models import QuerySet

from zhonghe.events.models import Event
from zhonghe.footprints.models import InventoryVersion


def inventory_latest(event: Event) -> InventoryVersion | None:
    return event.inventories.order_by("-version").first()


def inventories_for_event(event: Event) -> QuerySet[InventoryVersion]:
    return InventoryVersion.objects.filter(event=event).order_by("version")


def inventory_version(event: Event, version: str) -> InventoryVersion | None:
    """The version named by a path segment; None for anything that is not a plain positive number."""
    if not (version.isascii() and version.isdigit() and len(version) <= 9):
        return None
    return inventories_for_event(event).filter(version=int(version)).first()
