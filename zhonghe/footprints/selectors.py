from __future__ import annotations

from django.db.models import QuerySet

from zhonghe.data.factor_releases import load_release
from zhonghe.engine.footprint import Footprint, calculate_footprint
from zhonghe.events.models import Event
from zhonghe.footprints.models import InventoryVersion
from zhonghe.footprints.translate import from_jsonable, options_from_json


def inventory_latest(event: Event) -> InventoryVersion | None:
    return event.inventories.order_by("-version").first()


def inventories_for_event(event: Event) -> QuerySet[InventoryVersion]:
    return InventoryVersion.objects.filter(event=event).order_by("version")


def inventory_version(event: Event, version: str) -> InventoryVersion | None:
    """The version named by a path segment; None for anything that is not a plain positive number."""
    if not (version.isascii() and version.isdigit() and len(version) <= 9):
        return None
    return inventories_for_event(event).filter(version=int(version)).first()


def inventory_footprint(inventory: InventoryVersion) -> Footprint:
    """Recompute a frozen version with ITS release and options (never the current default).

    The lines and total equal the frozen ones (a test holds every shipped release to that); reports take the
    phase totals, the 95 % range and the gas split from here for versions frozen before those were stored.
    Raises UnknownRelease if the release file is no longer shipped.
    """
    release = load_release(inventory.release_code)
    activities = [from_jsonable(item) for item in inventory.activities]
    return calculate_footprint(activities, release, options_from_json(inventory.options))
