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
from zhonghe.lib.errors import NotFound

router = Router(tags=["inventories"])


@router.post("/events/{code}/inventory", response=responses(201, InventoryOut), summary="Freeze the inventory")
def freeze_inventory(request: HttpRequest, code: str):
    return Status(201, footprint_services.inventory_freeze(actor=actor_of(request), code=code))


@router.get("/events/{code}/inventories", response=responses(200, list[InventorySummary]))
def list_inventories(request: HttpRequest, code: str):
    return event_get(actor_of(request), code).inventories.order_by("version")


@router.get("/events/{code}/inventories/{version}", response=responses(200, InventoryOut))
def get_inventory(request: HttpRequest, code: str, version: str):
    event = event_get(actor_of(request), code)
    well_formed = version.isascii() and version.isdigit() and len(version) <= 9
    inventory = event.inventories.filter(version=int(version)).first() if well_formed else None
    if inventory is None:
        raise NotFound(_("核算版本不存在"))
    return inventory
