"""Budget impact: commissioned hours at the model's band rates against what is spent now. Pure.

Each band's rate is the cost model's hourly rate for that band at the scenario's average visit
length. Modelled cost of a row = hours x band rate, rounded to the penny; totals are sums of the
rounded rows, so the table adds up. The what-if costs one parameter change for a year: the
change in each band's rate times the hours commissioned in that band.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from . import cost_model

PENNY = Decimal("0.01")
BANDS = cost_model.BANDS
ZERO = Decimal(0)
# Parameters that move the base hourly rate (what a what-if can change).
WHAT_IF_KEYS = tuple(
    spec.key
    for spec in cost_model.PARAMETERS
    if spec.key not in cost_model.CHECK_KEYS
    and spec.key not in ("high_dependency_uplift", "double_up_uplift")
)


@dataclass(frozen=True)
class Hours:
    """One row of commissioned hours (a year's hours in a locality or zone and band)."""

    band: str
    hours: Decimal
    current_spend: Decimal
    zone: str = ""
    locality: str = ""


@dataclass(frozen=True)
class ImpactRow:
    group: str
    band: str
    hours: Decimal
    rate: Decimal
    current_spend: Decimal

    @property
    def modelled(self) -> Decimal:
        return _money(self.hours * self.rate)

    @property
    def difference(self) -> Decimal:
        """Modelled minus current: positive means the model costs more than is spent now."""
        return self.modelled - self.current_spend

    @property
    def current_rate(self) -> Decimal | None:
        return _money(self.current_spend / self.hours) if self.hours else None


@dataclass(frozen=True)
class Totals:
    label: str
    hours: Decimal
    modelled: Decimal
    current_spend: Decimal

    @property
    def difference(self) -> Decimal:
        return self.modelled - self.current_spend


@dataclass(frozen=True)
class Impact:
    by: str  # "zone" or "locality"
    rows: tuple[ImpactRow, ...]
    groups: tuple[Totals, ...]
    total: Totals


def _money(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def rates_by_band(values: Mapping[tuple[str, str], Decimal]) -> dict[str, Decimal]:
    """The model's hourly rate per band (raises cost_model.ParameterMissing or ValueError)."""
    return {
        band: cost_model.build_up(cost_model.resolve(dict(values), band)).rate for band in BANDS
    }


def _group_name(row: Hours, by: str) -> str:
    if by == "locality":
        return row.locality or "No locality given"
    return row.zone or "No zone given"


def _totals(label: str, rows: Iterable[ImpactRow]) -> Totals:
    rows = list(rows)
    return Totals(
        label,
        sum((r.hours for r in rows), ZERO),
        sum((r.modelled for r in rows), ZERO),
        sum((r.current_spend for r in rows), ZERO),
    )


def impact(
    hours: Iterable[Hours], values: Mapping[tuple[str, str], Decimal], *, by: str = "zone"
) -> Impact:
    """Rows per (zone or locality, band), totals per group and in all."""
    if by not in ("zone", "locality"):
        raise ValueError("Group budget impact by zone or by locality.")
    rates = rates_by_band(values)
    summed: dict[tuple[str, str], list[Decimal]] = {}
    for row in hours:
        key = (_group_name(row, by), row.band)
        hours_spend = summed.setdefault(key, [ZERO, ZERO])
        hours_spend[0] += row.hours
        hours_spend[1] += row.current_spend
    order = {band: i for i, band in enumerate(BANDS)}
    rows = tuple(
        ImpactRow(group, band, h, rates[band], spend)
        for (group, band), (h, spend) in sorted(
            summed.items(), key=lambda item: (item[0][0].lower(), order.get(item[0][1], 99))
        )
    )
    names = list(dict.fromkeys(row.group for row in rows))
    groups = tuple(_totals(name, (r for r in rows if r.group == name)) for name in names)
    return Impact(by, rows, groups, _totals("Total", rows))


@dataclass(frozen=True)
class WhatIfRow:
    band: str
    hours: Decimal
    rate_before: Decimal
    rate_after: Decimal

    @property
    def rate_change(self) -> Decimal:
        return self.rate_after - self.rate_before

    @property
    def yearly_cost(self) -> Decimal:
        return _money(self.rate_change * self.hours)


@dataclass(frozen=True)
class WhatIf:
    key: str
    label: str
    unit: str
    band: str  # "" = every band
    value_before: Decimal | None  # the all-bands value, or the band's own when band is given
    value_after: Decimal
    rows: tuple[WhatIfRow, ...]

    @property
    def total(self) -> Decimal:
        return sum((row.yearly_cost for row in self.rows), ZERO)

    @property
    def hours(self) -> Decimal:
        return sum((row.hours for row in self.rows), ZERO)


def what_if(
    hours: Iterable[Hours],
    values: Mapping[tuple[str, str], Decimal],
    *,
    key: str,
    value: Decimal,
    band: str = "",
) -> WhatIf:
    """The yearly cost of setting one parameter to value (in one band, or all bands).

    With band "", the all-bands value changes; a band that has its own value for the parameter
    keeps it (as the scenario would). Raises ValueError for a parameter that does not move the
    rate or a band that does not exist."""
    if key not in WHAT_IF_KEYS:
        raise ValueError(f"{key!r} is not a parameter of the hourly rate.")
    if band and band not in BANDS:
        raise ValueError(f"There is no band called {band!r}.")
    before = rates_by_band(values)
    after = rates_by_band(cost_model.with_value(dict(values), key, Decimal(value), band))
    per_band = dict.fromkeys(BANDS, ZERO)
    for row in hours:
        if row.band in per_band:
            per_band[row.band] += row.hours
    spec = cost_model.SPECS[key]
    previous = cost_model.resolve(dict(values), band).values.get(key)
    rows = tuple(WhatIfRow(b, per_band[b], before[b], after[b]) for b in BANDS)
    return WhatIf(key, spec.label, spec.unit, band, previous, Decimal(value), rows)
