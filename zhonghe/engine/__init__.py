"""Pure accounting engine: no Django, no other zhonghe package, Decimal only.

Re-exports the public API so callers can write ``from zhonghe.engine import calculate_footprint``.
"""

from .activities import Activity, Cabin, Category, Phase, Place, Quality, TravelActivity, TravelMode, VehicleFuel
from .distance import great_circle_km, travel_distance_km
from .errors import EngineError, InvalidActivity, InvalidRelease, UnitMismatch, UnknownFactor, UnknownRelease
from .factors import DistanceRule, EmissionFactor, FactorRelease, parse_release
from .footprint import AccountingOptions, Footprint, FootprintLine, calculate_footprint
from .hashing import canonical_json, inventory_hash
from .units import convert_quantity

__all__ = [
    "AccountingOptions",
    "Activity",
    "Cabin",
    "Phase",
    "Quality",
    "VehicleFuel",
    "Category",
    "DistanceRule",
    "EmissionFactor",
    "EngineError",
    "FactorRelease",
    "Footprint",
    "FootprintLine",
    "InvalidActivity",
    "InvalidRelease",
    "Place",
    "TravelActivity",
    "TravelMode",
    "UnitMismatch",
    "UnknownFactor",
    "UnknownRelease",
    "calculate_footprint",
    "canonical_json",
    "convert_quantity",
    "great_circle_km",
    "inventory_hash",
    "parse_release",
    "travel_distance_km",
]
