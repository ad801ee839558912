"""Open book: a provider's cost submission read line by line against the cost model. Pure.

A submission is a set of lines {(item, band): value}, band "" meaning every band, in the same
units as the cost model's parameters (docs/open-book.md lists them). For each band the
provider's figure sits beside the model's, with the difference, and the checks below raise
flags in plain English:

- pay below the legal minimum (the National Living Wage for the submission's financial year);
- travel time unpaid (travel between visits is working time and must be paid);
- overheads or return outside the range the scenario calls credible;
- a price per hour below the model's cost for the band: for a bid, an abnormally low tender to
  be clarified with the bidder (Procurement Act 2023 s.19), never rejected automatically.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from . import cost_model, defaults

PENNY = Decimal("0.01")
BANDS = cost_model.BANDS


@dataclass(frozen=True)
class LegalMinimum:
    year: int  # financial year starting April of this year
    rate: Decimal
    from_date: str


NLW_SOURCE = "GOV.UK, National Minimum Wage and National Living Wage rates"
# The National Living Wage (workers aged 21 and over) by financial year.
NATIONAL_LIVING_WAGE = {
    2024: LegalMinimum(2024, Decimal("11.44"), "1 April 2024"),
    2025: LegalMinimum(2025, defaults.NLW_2025, "1 April 2025"),
    2026: LegalMinimum(2026, Decimal("12.71"), "1 April 2026"),
}


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    unit: str
    help: str = ""
    percent: bool = False


def _param(key: str, help: str = "") -> Item:
    spec = cost_model.SPECS[key]
    return Item(key, spec.label, spec.unit, help or spec.help, key in cost_model.PERCENT_KEYS)


# What a submission may contain, in the order the comparison shows it.
ITEMS: tuple[Item, ...] = (
    Item("hourly_price", "Price per contact hour", "GBP per contact hour", "What you charge."),
    _param("pay_rate", "Basic hourly pay of a care worker."),
    Item(
        "travel_paid",
        "Travel time paid",
        "1 for yes, 0 for no",
        "Whether care workers are paid for travel between visits.",
    ),
    _param("travel_minutes", "Paid travel between visits, per contact hour."),
    _param("miles"),
    _param("mileage_rate"),
    _param("average_visit_minutes"),
    _param("training_ratio"),
    _param("holiday_pay"),
    _param("sick_pay"),
    _param("employer_ni_rate"),
    _param("pension_rate"),
    _param("overheads"),
    _param("return_rate"),
)
ITEM_KEYS = {item.key: item for item in ITEMS}
PARAMETER_ITEMS = frozenset(ITEM_KEYS) - {"hourly_price", "travel_paid"}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    unit: str
    provider: Decimal | None
    model: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        if self.provider is None or self.model is None:
            return None
        return self.provider - self.model

    @property
    def percent_difference(self) -> Decimal | None:
        """The difference as a share of the model's figure (0.1 is 10%)."""
        if self.difference is None or not self.model:
            return None
        return self.difference / self.model


@dataclass(frozen=True)
class Flag:
    kind: str  # below_minimum_wage, travel_unpaid, overheads_range, return_range, abnormally_low
    title: str
    message: str
    bands: tuple[str, ...]
    source: str = ""

    @property
    def applies_to(self) -> str:
        if set(self.bands) == set(BANDS):
            return "all bands"
        return ", ".join(self.bands)


@dataclass(frozen=True)
class BandComparison:
    band: str
    rows: tuple[Row, ...]
    model_rate: Decimal | None
    # The model's build-up with the provider's figures where given (model's elsewhere).
    rate_with_provider_figures: Decimal | None

    def row(self, key: str) -> Row:
        return next(row for row in self.rows if row.key == key)


@dataclass(frozen=True)
class Comparison:
    bands: tuple[BandComparison, ...]
    flags: tuple[Flag, ...]
    notes: tuple[str, ...] = ()

    def flags_of(self, kind: str) -> list[Flag]:
        return [flag for flag in self.flags if flag.kind == kind]


def _money(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def _gbp(value: Decimal) -> str:
    amount = _money(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def _num(value: Decimal) -> str:
    return f"{value.normalize():f}"


def financial_year(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def legal_minimum(year: int) -> LegalMinimum | None:
    return NATIONAL_LIVING_WAGE.get(year)


def resolve_lines(lines: Mapping[tuple[str, str], Decimal], band: str) -> dict[str, Decimal]:
    """A band's own line wins over the all-bands line."""
    return dict(cost_model.resolve(dict(lines), band).values)


def _model_rate(inputs: dict[str, Decimal]) -> Decimal | None:
    try:
        return cost_model.build_up(cost_model.Inputs(inputs)).rate
    except (cost_model.ParameterMissing, ValueError, ArithmeticError):
        return None


# --- the checks --------------------------------------------------------------------------------


def _check_pay(provider: dict, year: int) -> list[tuple[str, str, str, str]]:
    pay = provider.get("pay_rate")
    minimum = legal_minimum(year)
    if pay is None or minimum is None or pay >= minimum.rate:
        return []
    gap = minimum.rate - pay
    return [
        (
            "below_minimum_wage",
            "Pay below the legal minimum",
            f"The pay rate of {_gbp(pay)} an hour is {_gbp(gap)} below the National Living "
            f"Wage of {_gbp(minimum.rate)} an hour that applies from {minimum.from_date} "
            f"({financial_year(year)}). Care workers aged 21 and over must be paid at least this "
            "for every hour worked.",
            NLW_SOURCE,
        )
    ]


@dataclass(frozen=True)
class _Travel:
    band: str
    shown: str
    model_minutes: Decimal | None
    # Pay over all hours worked when travel is unpaid, if that is below the legal minimum.
    effective: Decimal | None


TRAVEL_SOURCE = (
    "National Minimum Wage Regulations 2015 (travel for work is working time); "
    "HMRC, National Minimum Wage in the social care sector"
)


def _check_travel(provider: dict, model: dict | None, year: int, band: str) -> _Travel | None:
    model_minutes = model.get("travel_minutes") if model is not None else None
    if model_minutes is not None and model_minutes <= 0:
        return None  # the model says these visits need no travel
    paid_flag = provider.get("travel_paid")
    minutes = provider.get("travel_minutes")
    if paid_flag is not None and paid_flag == 0:
        shown = "says travel time is not paid (travel_paid is 0)"
    elif minutes is None:
        shown = "shows no paid travel time (there is no travel_minutes line)"
    elif minutes == 0:
        shown = "shows no paid travel time (travel_minutes is 0)"
    else:
        return None
    effective = None
    pay, minimum = provider.get("pay_rate"), legal_minimum(year)
    if pay is not None and model_minutes and minimum is not None:
        effective = pay / (1 + model_minutes / 60)
        if effective >= minimum.rate:
            effective = None
    return _Travel(band, shown, model_minutes, effective)


def _in_bands(pairs: list[tuple[str, str]]) -> str:
    """'15 minutes' when every band says the same, else '12 minutes (urban) and 20 (rural)'."""
    if len({text for text, _ in pairs}) == 1:
        return pairs[0][0]
    parts = [f"{text} ({band})" for text, band in pairs]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _travel_flags(found: list[_Travel], year: int) -> list[tuple[str, tuple]]:
    """One flag per reason travel looks unpaid, naming each band's figures."""
    by_reason: dict[str, list[_Travel]] = {}
    for item in found:
        by_reason.setdefault(item.shown, []).append(item)
    flags = []
    for shown, items in by_reason.items():
        message = f"The submission {shown}"
        known = [(f"{_num(t.model_minutes)} minutes", t.band) for t in items if t.model_minutes]
        if known:
            message += f", while the model counts {_in_bands(known)} of travel per contact hour"
        message += (
            ". Travel between visits is working time and must be paid: unpaid, it pulls pay "
            "over all hours worked below the hourly rate"
        )
        low = [(_gbp(t.effective), t.band) for t in items if t.effective]
        minimum = legal_minimum(year)
        if low and minimum is not None:
            message += (
                f", here to {_in_bands(low)} an hour, below the National Living Wage of "
                f"{_gbp(minimum.rate)}"
            )
        message += "."
        finding = ("travel_unpaid", "Travel time unpaid", message, TRAVEL_SOURCE)
        flags.extend((t.band, finding) for t in items)
    return flags


def _check_range(provider: dict, model: dict, key: str) -> list[tuple]:
    value = provider.get(key)
    prefix = "overheads" if key == "overheads" else "return"
    low, high = model.get(f"{prefix}_min"), model.get(f"{prefix}_max")
    if value is None or low is None or high is None or low <= value <= high:
        return []
    if key == "overheads":
        shown, lo, hi = _gbp(value), _gbp(low), _gbp(high)
        unit, title = " per contact hour", "Overheads outside the credible range"
    else:
        shown, lo, hi = f"{_num(value)}%", f"{_num(low)}%", f"{_num(high)}%"
        unit, title = " of cost", "Return outside the credible range"
    side = "below the lowest" if value < low else "above the highest"
    what = "Overheads" if key == "overheads" else "A return"
    verb = "are" if key == "overheads" else "is"
    message = (
        f"{what} of {shown}{unit} {verb} {side} figure the scenario calls credible "
        f"({lo} to {hi}). Ask the provider to explain it."
    )
    return [(f"{prefix}_range", title, message, "The scenario's open-book range")]


def _check_price(price, model_rate, band: str, source: str) -> list[tuple]:
    if price is None or model_rate is None or price >= model_rate:
        return []
    gap = model_rate - price
    share = (gap / model_rate * 100).quantize(Decimal("0.1")) if model_rate else Decimal(0)
    if source == "bid":
        return [
            (
                "abnormally_low",
                "Abnormally low price",
                f"The bid price of {_gbp(price)} an hour for {band} visits is {_gbp(gap)} "
                f"({share}%) below the model's cost of {_gbp(model_rate)} for that band. Seek "
                "a clarification from the bidder showing how it can deliver at this price; "
                "do not reject the bid on this ground without one.",
                "Procurement Act 2023, section 19 (abnormally low tenders)",
            )
        ]
    return [
        (
            "abnormally_low",
            "Price below modelled cost",
            f"The price of {_gbp(price)} an hour for {band} visits is {_gbp(gap)} ({share}%) "
            f"below the model's cost of {_gbp(model_rate)} for that band. Ask the provider how "
            "it covers its costs at this price.",
            "The scenario's cost model",
        )
    ]


# --- the comparison ----------------------------------------------------------------------------


def compare(
    lines: Mapping[tuple[str, str], Decimal],
    model: Mapping[tuple[str, str], Decimal] | None,
    *,
    year: int,
    source: str = "bid",
    bid_prices: Mapping[str, Decimal] | None = None,
) -> Comparison:
    """Compare a submission with a model per band. model None: only the checks that need no
    model (legal minimum, travel) are made. bid_prices {band: Decimal} from a linked bid win
    over the submission's own hourly_price lines."""
    raw: list[tuple[str, tuple]] = []
    travel: list[_Travel] = []
    bands = []
    notes = []
    if legal_minimum(year) is None:
        notes.append(
            f"No National Living Wage rate is held for {financial_year(year)}, so pay was not "
            "checked against the legal minimum."
        )
    for band in BANDS:
        provider = resolve_lines(lines, band)
        if bid_prices and bid_prices.get(band) is not None:
            provider["hourly_price"] = Decimal(bid_prices[band])
        model_inputs = dict(cost_model.resolve(dict(model), band).values) if model else None
        model_rate = _model_rate(model_inputs) if model_inputs is not None else None
        with_provider = None
        if model_inputs is not None and PARAMETER_ITEMS & provider.keys():
            mixed = {**model_inputs, **{k: v for k, v in provider.items() if k in PARAMETER_ITEMS}}
            with_provider = _model_rate(mixed)
        rows = []
        for item in ITEMS:
            if model_inputs is None:
                model_value = None
            elif item.key == "hourly_price":
                model_value = model_rate
            elif item.key == "travel_paid":
                model_value = Decimal(1)
            else:
                model_value = model_inputs.get(item.key)
            rows.append(Row(item.key, item.label, item.unit, provider.get(item.key), model_value))
        bands.append(BandComparison(band, tuple(rows), model_rate, with_provider))

        found = _check_pay(provider, year)
        unpaid = _check_travel(provider, model_inputs, year, band)
        if unpaid is not None:
            travel.append(unpaid)
        if model_inputs is not None:
            found += _check_range(provider, model_inputs, "overheads")
            found += _check_range(provider, model_inputs, "return_rate")
            found += _check_price(provider.get("hourly_price"), model_rate, band, source)
        raw.extend((band, f) for f in found)
    raw.extend(_travel_flags(travel, year))
    return Comparison(tuple(bands), _merge(raw), tuple(notes))


KINDS = (
    "below_minimum_wage",
    "travel_unpaid",
    "overheads_range",
    "return_range",
    "abnormally_low",
)


def _merge(raw: list[tuple[str, tuple]]) -> tuple[Flag, ...]:
    """The same finding in several bands is one flag naming those bands."""
    merged: dict[tuple, list[str]] = {}
    for band, finding in raw:
        merged.setdefault(finding, []).append(band)
    flags = [
        Flag(kind, title, message, tuple(found_in), source)
        for (kind, title, message, source), found_in in merged.items()
    ]
    # Stable: within a kind, bands keep their order (urban first).
    return tuple(sorted(flags, key=lambda flag: KINDS.index(flag.kind)))
