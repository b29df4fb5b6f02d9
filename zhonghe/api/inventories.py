"""Frozen inventory versions: freeze the AFTER data, list versions, read one with its lines."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from zhonghe.api.auth import actor_of
from zhonghe.api.footprint_schemas import InventoryOut, InventorySummary
from zhonghe.api.schemas import responses
from zhonghe.events.selectors import event_get
from zhonghe.footprints import services as footprint_services
from zhonghe.footprints.selectors import inventories_for_event, inventory_version
from zhonghe.lib.errors import NotFound

router = Router(tags=["inventories"])


@router.post("/events/{code}/inventory", response=responses(201, InventoryOut), summary="Freeze the inventory")
def freeze_inventory(request: HttpRequest, code: str):
    return Status(201, footprint_services.inventory_freeze(actor=actor_of(request), code=code))


@router.get("/events/{code}/inventories", response=responses(200, list[InventorySummary]))
def list_inventories(request: HttpRequest, code: str):
    return inventories_for_event(event_get(actor_of(request), code))


@router.get("/events/{code}/inventories/{version}", response=responses(200, InventoryOut))
def get_inventory(request: HttpRequest, code: str, version: str):
    inventory = inventory_version(event_get(actor_of(request), code), version)
    if inventory is None:
        raise NotFound(_("核算版本不存在"))
    return inventory
