"""Canonical JSON and content hashes: the fingerprints that freeze inventories and releases.

The same data must always give the same bytes, whatever the input order, the Decimal scale the
organiser typed ("1.50" and "1.5" are one quantity) or the machine. So: keys sorted, no spaces,
UTF-8 left as is, Decimals written in plain notation without trailing zeros, dates in ISO form,
dataclasses as objects and enums as their values. Floats are refused: their text is not stable and
the engine never produces them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .activities import Place
from .errors import InvalidActivity

if TYPE_CHECKING:  # factors imports this module; annotations only
    from .activities import Activity, TravelActivity
    from .factors import FactorRelease


def decimal_text(number: Decimal) -> str:
    """Plain-notation text of ``number`` without trailing zeros: 1.50 → "1.5", 1E+2 → "100", -0 → "0".

    Done on the text rather than with ``Decimal.normalize`` because normalize rounds to the
    current context's precision. Raises ``ValueError`` for NaN and infinities.
    """
    if not number.is_finite():
        raise ValueError(f"cannot hash a non-finite Decimal: {number}")
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# Field names per dataclass type: dataclasses.fields() is slow enough to dominate hashing 10^4 rows.
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
# Per type, the fields added after zhonghe-method/1 and the default at which each is left out, so
# that data (and releases) written before those fields existed keep their hashes byte for byte.
_OMIT_DEFAULTS: dict[type, dict[str, object]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(item.name for item in dataclasses.fields(kind))
        _OMIT_DEFAULTS[kind] = dict(getattr(kind, "HASH_OMIT_DEFAULTS", {}))
    return names


def _dataclass_jsonable(obj: Any, kind: type) -> dict[str, Any]:
    names = _field_names(kind)
    omit = _OMIT_DEFAULTS[kind]
    if not omit:
        return {name: _jsonable(getattr(obj, name)) for name in names}
    result = {}
    for name in names:
        value = getattr(obj, name)
        if name in omit and value == omit[name]:
            continue
        result[name] = _jsonable(value)
    return result


@lru_cache(maxsize=4096)
def _place_jsonable(place: Place) -> dict[str, Any]:
    # Thousands of trips share a few hundred places; equal places give equal text, so caching is safe.
    return _dataclass_jsonable(place, Place)


def _jsonable(obj: Any) -> Any:
    kind = type(obj)
    # Exact-type fast paths first (str, Decimal, int are most of an inventory); subclasses such as
    # StrEnum fall through to the general checks below.
    if kind is str or kind is int or kind is bool or obj is None:
        return obj
    if kind is Decimal:
        return decimal_text(obj)
    if isinstance(obj, Enum):
        return _jsonable(obj.value)
    if isinstance(obj, float):
        raise TypeError("floats are not canonical; use Decimal")
    if isinstance(obj, str | int):
        return obj
    if isinstance(obj, date):
        return obj.isoformat()
    if kind is Place:
        return dict(_place_jsonable(obj))  # a copy: the cached dict must never be handed out
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return _dataclass_jsonable(obj, kind)
    if isinstance(obj, Mapping):
        return {str(key): _jsonable(value) for key, value in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(value) for value in obj]
    raise TypeError(f"cannot put {kind.__name__} into canonical JSON")


def canonical_json(obj: Any) -> str:
    """Canonical JSON text of ``obj`` (see the module docstring); raises ``TypeError`` on floats or
    on objects it does not know."""
    return _dumps(_jsonable(obj))


def _dumps(jsonable: Any) -> str:
    return json.dumps(jsonable, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_METHOD_2 = "zhonghe-method/2"  # factors.METHOD_2; not imported, factors imports this module


def sha256_hex(text: str) -> str:
    """sha256 hex digest of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def inventory_hash(activities: Sequence[Activity | TravelActivity], release: FactorRelease) -> str:
    """sha256 hex of the activity data, the release's content hash and the method version.

    Invariants: independent of the order of ``activities`` (they are sorted by ref); changes when
    any quantity, distance, place, factor or the method version changes. Fields added after
    zhonghe-method/1 are left out while at their default, and Place.country is left out for
    method/1 releases, so inventories of CQ-2025 keep their hash. Each activity is tagged
    with its kind so an ``Activity`` and a ``TravelActivity`` can never collide. Raises
    ``InvalidActivity`` on duplicate refs (the order would then be ambiguous).
    """
    ordered = sorted(activities, key=lambda activity: activity.ref)
    for previous, current in zip(ordered, ordered[1:], strict=False):
        if previous.ref == current.ref:
            raise InvalidActivity(f"duplicate activity ref {current.ref!r}")
    activities_json = [{"kind": type(item).__name__, **_jsonable(item)} for item in ordered]
    if release.method_version != _METHOD_2:
        # zhonghe-method/1 ignores Place.country (the places lookup fills it for airports): leave it
        # out, so an inventory frozen before it existed hashes the same when rebuilt from its records.
        for item in activities_json:
            for end in ("origin", "destination"):
                place = item.get(end)
                if isinstance(place, dict):
                    place.pop("country", None)
    payload = {
        "activities": activities_json,
        "release_hash": release.content_hash(),
        "method_version": release.method_version,
    }
    # Already JSON-ready: dumping it directly (not through canonical_json) avoids a second walk.
    return sha256_hex(_dumps(payload))
