"""zhonghe-method/2 footprint calculation (work in progress in this commit: no method/2 release ships yet)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .activities import Activity, TravelActivity
from .errors import UnknownRelease
from .factors import FactorRelease

if TYPE_CHECKING:
    from .footprint import AccountingOptions, Footprint


def calculate(
    activities: Sequence[Activity | TravelActivity], release: FactorRelease, options: AccountingOptions
) -> Footprint:
    raise UnknownRelease(f"release {release.code}: zhonghe-method/2 is not implemented in this build")
