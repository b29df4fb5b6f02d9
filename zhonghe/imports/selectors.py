"""Reads of imports: only the event's own organisation sees them (anyone else: "not found")."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zhonghe.accounts.actors import Actor
from zhonghe.events.models import Event
from zhonghe.imports.models import Import
from zhonghe.lib.errors import NotFound
from zhonghe.lib.ids import parse_code


def own_event(actor: Actor, code: object) -> Event:
    event = Event.objects.filter(code=parse_code(code, "event"), organization=actor.organization).first()
    if event is None:
        raise NotFound(_("活动不存在"))
    return event


def imports_for_event(actor: Actor, code: object) -> QuerySet[Import]:
    return Import.objects.filter(event=own_event(actor, code)).select_related("event", "job").order_by("-id")


def import_get(actor: Actor, code: object, import_code: object) -> Import:
    found = imports_for_event(actor, code).filter(code=parse_code(import_code, "import")).first()
    if found is None:
        raise NotFound(_("导入记录不存在"))
    return found


def import_file_bytes(found: Import, *, annotated: bool = False) -> bytes:
    stored = found.annotated_file if annotated else found.file
    if not stored:
        raise NotFound(_("没有可下载的文件"))
    with stored.open("rb") as handle:
        return handle.read()
