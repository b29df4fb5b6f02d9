"""95 % uncertainty of a footprint by IPCC Approach 1 (error propagation), in Decimal.

Each line i has an emission x_i (kg CO2e), a factor uncertainty U_f,i and an activity-data
uncertainty U_a,i (95 % half-widths in %, from the release: the factor's ``uncertainty_pct``
combined with any cited parameter it used, and the data-quality tier of the activity).

- A product (amount × factor): U_i = √(U_f,i² + U_a,i²)  (IPCC 2006 Vol. 1, Eq. 3.1).
- A sum: U_total · T = √(Σ (U_i · x_i)²)  (IPCC 2006 Vol. 1, Eq. 3.2), with one refinement: lines
  that use the same factor share its error (one factor value, fully correlated), so their factor
  terms are added before squaring:

      Var = Σ_k (Σ_{i∈k} x_i · U_f,i / 100)²  +  Σ_i (x_i · U_a,i / 100)²
      half-width = √Var,  range = [max(0, T − half-width), T + half-width]

The lower end is clipped at 0 (an emission total is never negative) and rounded down to 1 g, the
upper end rounded up, so the range always contains the total. The variance contributions, summed
per category, say which sources dominate the uncertainty.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from typing import NamedTuple

from .units import DECIMAL_CONTEXT, KG_QUANTUM

HUNDRED = Decimal(100)
PCT_QUANTUM = Decimal("0.1")


class UncertainTerm(NamedTuple):
    """One line's share of the propagation: its category, factor group and the two uncertainties."""

    category: str
    factor_group: str
    kg_co2e: Decimal
    factor_pct: Decimal
    activity_pct: Decimal


def combine_pct(*percentages: Decimal) -> Decimal:
    """√(Σ U²) of independent relative uncertainties (a product of uncertain numbers), exact Decimal."""
    with localcontext(DECIMAL_CONTEXT):
        return sum((pct * pct for pct in percentages), Decimal(0)).sqrt()


def line_pct(factor_pct: Decimal, activity_pct: Decimal) -> Decimal:
    """A line's 95 % half-width in %, to 0.1 %."""
    with localcontext(DECIMAL_CONTEXT):
        return combine_pct(factor_pct, activity_pct).quantize(PCT_QUANTUM)


def propagate(terms: Iterable[UncertainTerm], total_kg: Decimal) -> tuple[tuple[Decimal, Decimal], dict[str, Decimal]]:
    """(95 % range of the total, variance contribution per category in kg²); see the module docstring."""
    groups: dict[str, Decimal] = {}
    group_category: dict[str, str] = {}
    by_category: dict[str, Decimal] = {}
    with localcontext(DECIMAL_CONTEXT):
        for term in terms:
            groups[term.factor_group] = (
                groups.get(term.factor_group, Decimal(0)) + term.kg_co2e * term.factor_pct / HUNDRED
            )
            group_category[term.factor_group] = term.category
            activity = term.kg_co2e * term.activity_pct / HUNDRED
            by_category[term.category] = by_category.get(term.category, Decimal(0)) + activity * activity
        for group, kg in groups.items():
            category = group_category[group]
            by_category[category] = by_category.get(category, Decimal(0)) + kg * kg
        variance = sum(by_category.values(), Decimal(0))
        half = variance.sqrt()
        low = max(Decimal(0), total_kg - half).quantize(KG_QUANTUM, rounding=ROUND_FLOOR)
        high = (total_kg + half).quantize(KG_QUANTUM, rounding=ROUND_CEILING)
    return (min(low, total_kg), max(high, total_kg)), by_category
