"""The zhonghe-method/2 footprint: gases and GWP, grid by province, green split, travel rules, 95 % range.

Rules (each number comes from the release, cited there):
- Quantities are converted into the factor's unit (kWh/度, MWh, m3 of gas read as Nm3, L through
  the fuel's cited density, sheets 张 through the cited sheet mass...).
- Combustion factors published as CO2 carry CH4 and N2O in kg/TJ and the net calorific value:
  kg_ch4 = q × NCV[GJ/unit] / 1000 × EF_CH4[kg/TJ] (N2O alike), and
  kg_co2e = kg_co2 + kg_ch4 × GWP_CH4 + kg_n2o × GWP_N2O with the chosen GWP set (AR5, AR6).
- ``electricity.grid`` takes the venue province's factor (table 3), the national one, or the
  regional one per ``AccountingOptions.grid``; a province without a value falls back to national.
- A reading with green power gives a "green" line (factor 0, certificates as evidence) and a
  "residual" line at the residual factor (table 4).
- Travel: see ``travel2.py``.
- Every line carries its 95 % uncertainty; the total's range follows ``uncertainty.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING

from .activities import Activity, Category, TravelActivity
from .cited import CitedValue
from .errors import InvalidActivity, UnitMismatch, UnknownFactor
from .factors import EmissionFactor, FactorRelease
from .release_v2 import Method2Parts
from .uncertainty import UncertainTerm, combine_pct, line_pct, propagate
from .units import DECIMAL_CONTEXT, convert_quantity, quantize_kg

if TYPE_CHECKING:
    from .footprint import AccountingOptions, Footprint, FootprintLine

GAS_QUANTUM = Decimal("0.000001")
_MASS_UNITS = frozenset({"kg", "t"})


class Context:
    """What one calculation needs besides the activity: release parts, GWPs, options."""

    def __init__(self, release: FactorRelease, options: AccountingOptions) -> None:
        if release.method2 is None:
            raise UnknownFactor(f"release {release.code} has no zhonghe-method/2 data")
        self.release = release
        self.parts: Method2Parts = release.method2
        self.options = options
        self.gwp_name = options.gwp_set or release.gwp_set
        gwp = self.parts.gwp_sets.get(self.gwp_name)
        if gwp is None:
            sets = ", ".join(sorted(self.parts.gwp_sets))
            raise InvalidActivity(f"options: gwp_set {self.gwp_name!r} is not in release {release.code} ({sets})")
        self.gwp_ch4, self.gwp_n2o = gwp["CH4"].value, gwp["N2O"].value
        self.rf = self.parts.rf_default if options.radiative_forcing is None else options.radiative_forcing
        self.offset_basis = options.offset_basis or self.parts.offset_basis_default
        self.terms: list[UncertainTerm] = []
        # Per-calculation caches: an event repeats a few factors over thousands of lines.
        self._cited: dict[tuple[str, tuple[int, ...]], tuple[str, str, Decimal]] = {}
        self._effective: dict[str, Decimal] = {}
        self._line_pct: dict[tuple[Decimal, Decimal], Decimal] = {}

    def cited(self, factor: EmissionFactor, extra: Sequence[CitedValue]) -> tuple[str, str, Decimal]:
        """(Chinese sources, English sources, combined factor uncertainty %) of a factor + parameters."""
        key = (factor.key, tuple(id(value) for value in extra))
        found = self._cited.get(key)
        if found is None:
            zh, en = _sources(factor, extra)
            pct = combine_pct(factor.uncertainty_pct or Decimal(0), *(v.uncertainty_pct or Decimal(0) for v in extra))
            found = self._cited[key] = (zh, en, pct)
        return found

    def effective(self, factor: EmissionFactor) -> Decimal:
        found = self._effective.get(factor.key)
        if found is None:
            found = self._effective[factor.key] = effective_factor(factor, self)
        return found

    def line_pct(self, factor_pct: Decimal, activity_pct: Decimal) -> Decimal:
        found = self._line_pct.get((factor_pct, activity_pct))
        if found is None:
            found = self._line_pct[(factor_pct, activity_pct)] = line_pct(factor_pct, activity_pct)
        return found

    def tier_pct(self, activity: Activity | TravelActivity) -> Decimal:
        return self.parts.quality_tiers[activity.quality._value_].value

    def factor(self, ref: str, field_name: str, key: str) -> EmissionFactor:
        try:
            return self.release.factor(key)
        except UnknownFactor as exc:
            raise UnknownFactor(f"{ref}: {field_name}: {exc.message}") from None


def gases(
    factor: EmissionFactor, quantity: Decimal, ctx: Context
) -> tuple[Decimal, Decimal | None, Decimal | None, Decimal | None]:
    """(exact kg CO2e, kg CO2, kg CH4, kg N2O) for ``quantity`` in the factor's unit."""
    with localcontext(DECIMAL_CONTEXT):
        if factor.gas_basis == "CO2e":
            return quantity * factor.value, None, None, None
        co2 = quantity * factor.value
        ncv, ch4_tj, n2o_tj = (factor.params.get(name) for name in ("ncv", "ch4_kg_per_tj", "n2o_kg_per_tj"))
        if ncv is None or ch4_tj is None or n2o_tj is None:
            return co2, co2, None, None
        energy_tj = quantity * ncv.value / 1000
        ch4, n2o = energy_tj * ch4_tj.value, energy_tj * n2o_tj.value
        return co2 + ch4 * ctx.gwp_ch4 + n2o * ctx.gwp_n2o, co2, ch4, n2o


def effective_factor(factor: EmissionFactor, ctx: Context) -> Decimal:
    """kg CO2e per unit: the factor, plus its CH4 and N2O per unit × GWP when it carries them."""
    _, _, ch4, n2o = gases(factor, Decimal(1), ctx)
    with localcontext(DECIMAL_CONTEXT):
        if ch4 is None or n2o is None:
            return factor.value
        return factor.value + ch4 * ctx.gwp_ch4 + n2o * ctx.gwp_n2o


def _gas(kg: Decimal | None) -> Decimal | None:
    return None if kg is None else kg.quantize(GAS_QUANTUM)


def _sources(factor: EmissionFactor, extra: Sequence[CitedValue]) -> tuple[str, str]:
    cited = [*factor.params.values(), *extra]
    zh = "；".join([factor.source, *(value.source for value in cited)])
    en = "; ".join([factor.source_en, *(value.source_en for value in cited)])
    return zh, en


def make_line(
    activity: Activity | TravelActivity,
    factor: EmissionFactor,
    quantity: Decimal,
    ctx: Context,
    *,
    part: str = "",
    multiplier: Decimal = Decimal(1),
    extra: Sequence[CitedValue] = (),
    distance: tuple[Decimal | None, str, str] = (None, "", ""),
    evidence: tuple[str, ...] = (),
    source_note: tuple[str, str] = ("", ""),
) -> FootprintLine:
    """One line: gases × GWP (× a cited multiplier such as a cabin class), citations, uncertainty."""
    from .footprint import new_line, route

    exact, co2, ch4, n2o = gases(factor, quantity, ctx)
    with localcontext(DECIMAL_CONTEXT):
        if multiplier != 1:
            exact, co2 = exact * multiplier, None if co2 is None else co2 * multiplier
        kg_co2e = quantize_kg(exact)
        per_unit = ctx.effective(factor) * multiplier
    gas_text = factor.gas_basis if ch4 is None else "CO2e"
    source_zh, source_en, factor_pct = ctx.cited(factor, extra)
    activity_pct = ctx.tier_pct(activity)
    ctx.terms.append(
        UncertainTerm(activity.category._value_, f"{part}:{factor.key}", kg_co2e, factor_pct, activity_pct)
    )
    return new_line(
        {
            "ref": activity.ref,
            "category": activity.category,
            "description": activity.description or route(activity),
            "quantity": quantity,
            "unit": factor.activity_unit,
            "factor_key": factor.key,
            "factor_value": _plain(per_unit),
            "factor_unit": f"kg{gas_text}/{factor.activity_unit}",
            "factor_source": source_zh + source_note[0],
            "factor_doc_no": factor.doc_no,
            "factor_year": factor.year,
            "factor_boundary": factor.boundary,
            "factor_reliability": factor.reliability,
            "distance_km": distance[0],
            "distance_method": distance[1],
            "kg_co2e": kg_co2e,
            "phase": activity.phase._value_,  # _value_: the enum property is slow in a hot loop
            "quality": activity.quality._value_,
            "part": part,
            "factor_source_en": source_en + source_note[1],
            "distance_method_zh": distance[2],
            "kg_co2": _gas(co2),
            "kg_ch4": _gas(ch4),
            "kg_n2o": _gas(n2o),
            "uncertainty_pct": ctx.line_pct(factor_pct, activity_pct),
            "evidence": evidence,
        }
    )


def _plain(number: Decimal) -> Decimal:
    # Effective factors (CO2 + CH4 + N2O per unit) are shown to 10 significant decimals.
    with localcontext(DECIMAL_CONTEXT):
        return number if number.as_tuple().exponent >= -10 else number.quantize(Decimal("1E-10"))  # type: ignore[operator]


def _grid_factor(activity: Activity, ctx: Context) -> tuple[EmissionFactor, tuple[str, str]]:
    grid, choice, province = ctx.parts.grid, ctx.options.grid, ctx.options.venue_province
    if choice == "regional":
        key = grid.regions.get(province)
        if key is None:
            raise UnknownFactor(
                f"{activity.ref}: factor_key: release {ctx.release.code} has no regional grid for venue province "
                f"{province or '(unknown)'}; choose the provincial or national grid"
            )
        return ctx.factor(activity.ref, "factor_key", key), ("（按所选区域电网）", " (regional grid chosen)")
    if choice == "provincial" and province in grid.provinces:
        return ctx.factor(activity.ref, "factor_key", grid.provinces[province]), ("", "")
    note = ("（按所选全国电网平均）", " (national average chosen)")
    if choice == "provincial":
        note = (
            f"（会场省份{province or '未知'}无省级因子，按全国平均）",
            f" (no provincial factor for venue province {province or 'unknown'}: national average)",
        )
    return ctx.factor(activity.ref, "factor_key", grid.national), note


def _convert(activity: Activity, factor: EmissionFactor, ctx: Context) -> tuple[Decimal, list[CitedValue]]:
    density = factor.params.get("density_kg_per_l")
    used: list[CitedValue] = []
    unit = activity.unit.strip()
    sheet = ctx.parts.sheet_mass_kg if factor.activity_unit in _MASS_UNITS else None
    try:
        quantity = convert_quantity(
            activity.quantity, unit, factor.activity_unit,
            density_kg_per_l=density.value if density else factor.density_kg_per_l,
            kg_per_sheet=sheet.value if sheet else None, gas_m3_as_nm3=True,
        )  # fmt: skip
    except UnitMismatch as exc:
        raise UnitMismatch(f"{activity.ref}: unit: {exc.message}") from None
    from .units import normalize_unit

    source_dim = normalize_unit(unit)
    if density is not None and source_dim in ("L", "m3") and factor.activity_unit in _MASS_UNITS:
        used.append(density)
    if sheet is not None and source_dim == "sheet":
        used.append(sheet)
    return quantity, used


def activity_lines(activity: Activity, ctx: Context) -> list[FootprintLine]:
    """The line(s) of a non-travel activity: one, or green + residual for a green-power reading."""
    if activity.category is Category.ELECTRICITY and (
        activity.green_kwh is not None or activity.green_share is not None
    ):
        return _green_lines(activity, ctx)
    key = activity.factor_key
    note = ("", "")
    if key == "electricity.grid":
        factor, note = _grid_factor(activity, ctx)
    else:
        factor = ctx.factor(activity.ref, "factor_key", key)
    quantity, used = _convert(activity, factor, ctx)
    # A cited parameter (density, sheet mass) that converted the quantity is cited on the line
    # and adds its uncertainty; the factor's own params are already cited through the factor.
    extra = [value for value in used if value not in factor.params.values()]
    line = make_line(activity, factor, quantity, ctx, extra=extra, source_note=note)
    return [line]


def _green_lines(activity: Activity, ctx: Context) -> list[FootprintLine]:
    grid = ctx.parts.grid
    try:
        reading_kwh = convert_quantity(activity.quantity, activity.unit, "kWh")
    except UnitMismatch as exc:
        raise UnitMismatch(f"{activity.ref}: unit: green power needs an energy reading ({exc.message})") from None
    with localcontext(DECIMAL_CONTEXT):
        green_kwh = activity.green_kwh if activity.green_kwh is not None else reading_kwh * (activity.green_share or 0)
        residual_kwh = reading_kwh - green_kwh
    if residual_kwh < 0:
        raise InvalidActivity(f"{activity.ref}: green_kwh: more green power than the reading")
    green = ctx.factor(activity.ref, "green_kwh", grid.green)
    residual = ctx.factor(activity.ref, "green_kwh", grid.residual)
    return [
        make_line(activity, green, green_kwh, ctx, part="green", evidence=activity.green_certificates),
        make_line(activity, residual, residual_kwh, ctx, part="residual"),
    ]


def calculate(
    activities: Sequence[Activity | TravelActivity], release: FactorRelease, options: AccountingOptions
) -> Footprint:
    """All lines, the total and its 95 % range under zhonghe-method/2 (see the module docstring)."""
    from .footprint import Footprint, sum_kg
    from .travel2 import travel_lines

    ctx = Context(release, options)
    seen: set[str] = set()
    lines: list[FootprintLine] = []
    for activity in activities:
        if activity.ref in seen:
            raise InvalidActivity(f"duplicate activity ref {activity.ref!r}")
        seen.add(activity.ref)
        if isinstance(activity, TravelActivity):
            lines.extend(travel_lines(activity, ctx))
        elif isinstance(activity, Activity):
            lines.extend(activity_lines(activity, ctx))
        else:
            raise InvalidActivity(f"not an activity: {type(activity).__name__}")
    total = sum_kg(line.kg_co2e for line in lines)
    range_95, variances = propagate(ctx.terms, total)
    return Footprint(
        release_code=release.code,
        release_hash=release.content_hash(),
        method_version=release.method_version,
        lines=tuple(lines),
        total_kg_co2e=total,
        range_95_kg_co2e=range_95,
        offset_basis=ctx.offset_basis,
        gwp_set=ctx.gwp_name,
        radiative_forcing=ctx.rf,
        grid=options.grid if options.grid != "provincial" else f"provincial:{options.venue_province or 'national'}",
        uncertainty_variances=tuple(sorted(variances.items())),
    )
