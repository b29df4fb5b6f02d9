"""`POST /api/v1/footprint`: the stateless calculator (no key needed, rate limited per client address).

An outside contract: names are fixed (README, "Commands and outside contracts"); extend, never rename.
"""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.throttling import AnonRateThrottle
from pydantic import Field, StrictBool

from zhonghe.api.activities import ActivityFields
from zhonghe.api.footprint_schemas import LineOut
from zhonghe.api.schemas import ErrorOut, responses
from zhonghe.footprints.calculator import calculator_options, footprint_calculate
from zhonghe.footprints.translate import footprint_lines_json

router = Router(tags=["footprint"])

MAX_ACTIVITIES = 1000


class FootprintThrottle(AnonRateThrottle):
    """Anonymous rate per client address, from settings.ZHONGHE_FOOTPRINT_RATE (read on every request).

    Its own cache scope, so a global API throttle counts separately and both limits apply.
    """

    scope = "footprint"

    def __init__(self) -> None:
        super().__init__(rate=settings.ZHONGHE_FOOTPRINT_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.ZHONGHE_FOOTPRINT_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class CalculatorActivityIn(ActivityFields):
    ref: str = Field(min_length=1, max_length=80, description="your id of the activity; lines carry it back")


class FootprintIn(Schema):
    release: str | None = Field(None, max_length=64, description="factor release code; default: the current one")
    activities: list[CalculatorActivityIn] = Field(min_length=1, max_length=MAX_ACTIVITIES)
    venue_province: str | None = Field(
        None,
        min_length=1,
        max_length=60,
        description="the venue: a 2-digit province adcode (50), a district or city adcode (500103) or a place "
        "name (渝中区, 四川省); default: Chongqing. Picks the provincial grid factor",
    )
    grid: Literal["provincial", "national", "regional"] = Field(
        "provincial",
        description="grid factor for electricity.grid: the venue province's (default), the national average, or "
        "the venue's regional grid (西南 for Sichuan, Chongqing and Tibet); an event's `grid` is the same choice",
    )
    radiative_forcing: StrictBool | None = Field(
        None, description="flights' radiative forcing as separate lines; null: the release's default"
    )


class FootprintOut(Schema):
    release: str
    release_hash: str
    method_version: str
    total_kg_co2e: str
    range_95_kg_co2e: list[str] = Field(description="[low, high] of the 95 % range, kg CO2e")
    required_offset_t: int
    lines: list[LineOut]


@router.post(
    "/footprint",
    auth=None,
    throttle=[FootprintThrottle()],
    response={**responses(200, FootprintOut), 429: ErrorOut},
    summary="Calculate a footprint (stateless)",
)
def calculate(request: HttpRequest, payload: FootprintIn):
    """Nothing is stored. A bad activity is refused with `fields.ref` naming it and the field at fault;
    an unknown release with code `unknown_release`; too many calls with 429 `throttled`."""
    options = calculator_options(
        venue=payload.venue_province, grid=payload.grid, radiative_forcing=payload.radiative_forcing
    )
    footprint = footprint_calculate(
        release_code=payload.release, activities=[item.dict() for item in payload.activities], options=options
    )
    low_kg, high_kg = footprint.range_95_kg_co2e
    return {
        "release": footprint.release_code,
        "release_hash": footprint.release_hash,
        "method_version": footprint.method_version,
        "total_kg_co2e": str(footprint.total_kg_co2e),
        "range_95_kg_co2e": [str(low_kg), str(high_kg)],
        "required_offset_t": footprint.required_offset_t,
        "lines": footprint_lines_json(footprint),
    }
