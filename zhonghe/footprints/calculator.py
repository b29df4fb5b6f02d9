"""The stateless calculator: activities in, footprint out, nothing stored (``POST /api/v1/footprint``).

It cleans each activity exactly as ``activity_add`` does (records.activity_record_build, translate.to_engine)
and computes with the same engine call, so the same data gives the same lines as a frozen inventory.
Every refusal names the activity's ``ref`` and the field.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from zhonghe.data.factor_releases import load_release
from zhonghe.data.places import UnknownPlace, city_place
from zhonghe.engine.activities import Activity, TravelActivity
from zhonghe.engine.errors import EngineError
from zhonghe.engine.factors import FactorRelease
from zhonghe.engine.footprint import AccountingOptions, Footprint, calculate_footprint
from zhonghe.footprints.records import activity_record_build
from zhonghe.footprints.translate import engine_refusal, to_engine
from zhonghe.lib.errors import ApplicationError, ValidationFailed


def _release(code: str | None) -> FactorRelease:
    code = code or settings.DEFAULT_FACTOR_RELEASE
    try:
        return load_release(code)
    except EngineError as exc:
        raise engine_refusal(exc, release=code) from exc


def _named(exc: ApplicationError, ref: str) -> ValidationFailed:
    message = _("活动 %(ref)s：%(msg)s") % {"ref": ref, "msg": exc.message}
    return ValidationFailed(message, code=exc.code, fields={"ref": ref, **exc.fields})


def _activity(item: dict[str, Any], release: FactorRelease, options: AccountingOptions) -> Activity | TravelActivity:
    ref = str(item["ref"])
    fields = {name: value for name, value in item.items() if name not in ("ref", "category")}
    try:
        record = activity_record_build(
            event=None, stage="after", category=str(item.get("category", "")), fields=fields, release=release
        )
        activity = to_engine(record, ref=ref)
        calculate_footprint([activity], release, options)  # the engine's own checks, on this activity alone
    except EngineError as exc:
        raise _named(engine_refusal(exc), ref) from exc
    except ApplicationError as exc:
        raise _named(exc, ref) from exc
    return activity


def venue_province(query: str | None) -> str:
    """The 2-digit province adcode of a venue given as such, as a district/city adcode or as a place name.

    None or "" → "50" (Chongqing: the platform's events). Raises ValidationFailed on `venue_province`.
    """
    text = (query or "").strip()
    if not text:
        return AccountingOptions().venue_province
    lookup = f"{text}0000" if len(text) == 2 and text.isdigit() else text
    try:
        return city_place(lookup).code[:2]
    except UnknownPlace as exc:
        message = _("未知的举办地：%(q)s（请填写省级行政区代码、区县代码或地名）") % {"q": text}
        raise ValidationFailed(message, code="unknown_place", fields={"venue_province": message}) from exc


def calculator_options(
    *, venue: str | None = None, grid: str | None = None, radiative_forcing: bool | None = None
) -> AccountingOptions:
    """The options of one calculation: the same ones an event's inventory stores (translate.accounting_options)."""
    try:
        return AccountingOptions(
            venue_province=venue_province(venue), grid=grid or "provincial", radiative_forcing=radiative_forcing
        )
    except EngineError as exc:
        raise engine_refusal(exc) from exc


def footprint_calculate(
    *, release_code: str | None, activities: list[dict[str, Any]], options: AccountingOptions | None = None
) -> Footprint:
    """Compute the footprint of `activities` (dicts with a unique `ref`) with `release_code` (default release).

    `options` (calculator_options) default to a venue in Chongqing, the provincial grid and the release's RF
    default. Raises ValidationFailed (fields name the `ref` and the field) or the release's refusal; writes nothing.
    """
    release = _release(release_code)
    options = options or AccountingOptions()
    try:
        calculate_footprint([], release, options)  # options a method/1 release cannot honour: refused first
    except EngineError as exc:
        raise engine_refusal(exc) from exc
    seen: set[str] = set()
    for item in activities:
        ref = str(item.get("ref", ""))
        if ref in seen:
            raise ValidationFailed(_("活动编号重复：%(ref)s") % {"ref": ref}, fields={"ref": ref})
        seen.add(ref)
    engine_activities = [_activity(item, release, options) for item in activities]
    try:
        return calculate_footprint(engine_activities, release, options)
    except EngineError as exc:
        raise engine_refusal(exc) from exc
