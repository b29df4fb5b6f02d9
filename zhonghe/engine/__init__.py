"""Pure accounting engine: no Django, no other zhonghe package, Decimal only.

Re-exports the public API so callers can write ``from zhonghe.engine import calculate_footprint``.
"""

from .activities import Activity, Cabin, Category, Phase, Place, Quality, TravelActivity, TravelMode, VehicleFuel
from .cited import CitedValue
from .distance import Distance, geodesic_km, great_circle_km, travel_distance_km, travel_distance_v2
from .errors import EngineError, InvalidActivity, InvalidRelease, UnitMismatch, UnknownFactor, UnknownRelease
from .factors import DistanceRule, EmissionFactor, FactorRelease, parse_release
from .footprint import AccountingOptions, Footprint, FootprintLine, calculate_footprint
from .hashing import canonical_json, inventory_hash
from .units import accepted_units, convert_quantity

__all__ = [
    "AccountingOptions",
    "Activity",
    "Cabin",
    "Category",
    "CitedValue",
    "Distance",
    "DistanceRule",
    "EmissionFactor",
    "EngineError",
    "FactorRelease",
    "Footprint",
    "FootprintLine",
    "InvalidActivity",
    "InvalidRelease",
    "Phase",
    "Place",
    "Quality",
    "TravelActivity",
    "TravelMode",
    "UnitMismatch",
    "UnknownFactor",
    "UnknownRelease",
    "VehicleFuel",
    "accepted_units",
    "calculate_footprint",
    "canonical_json",
    "convert_quantity",
    "geodesic_km",
    "great_circle_km",
    "inventory_hash",
    "parse_release",
    "travel_distance_km",
    "travel_distance_v2",
]
