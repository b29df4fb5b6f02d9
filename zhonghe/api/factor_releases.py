"""Factor releases: every factor with its citation, as the engine uses it."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from zhonghe.api.schemas import DecimalStr, responses
from zhonghe.data.factor_releases import load_release
from zhonghe.engine.errors import UnknownRelease
from zhonghe.engine.factors import FactorRelease
from zhonghe.lib.errors import NotFound

router = Router(tags=["factor releases"])


class FactorOut(Schema):
    key: str
    value: DecimalStr
    unit: str
    activity_unit: str
    gas_basis: str
    year: int
    source: str
    doc_no: str
    url: str
    boundary: str
    reliability: str
    note: str
    density_kg_per_l: DecimalStr | None
    per_vehicle: bool


class DistanceRuleOut(Schema):
    mode: str
    multiplier: DecimalStr
    add_km: DecimalStr
    source: str


class ReleaseOut(Schema):
    code: str
    title: str
    title_en: str
    published: date
    method_version: str
    gwp_set: str
    default_car_occupancy: DecimalStr
    notes: list[str]
    content_hash: str
    factors: list[FactorOut]
    distance_rules: list[DistanceRuleOut]

    @staticmethod
    def resolve_content_hash(obj: FactorRelease) -> str:
        return obj.content_hash()

    @staticmethod
    def resolve_factors(obj: FactorRelease) -> list[object]:
        return list(obj.factors.values())

    @staticmethod
    def resolve_distance_rules(obj: FactorRelease) -> list[object]:
        return list(obj.distance_rules.values())


@router.get("/factor-releases/{release_code}", response=responses(200, ReleaseOut))
def get_release(request: HttpRequest, release_code: str):
    try:
        return load_release(release_code)
    except UnknownRelease as exc:
        raise NotFound(_("因子版本不存在")) from exc
