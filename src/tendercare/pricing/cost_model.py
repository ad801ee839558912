"""The cost-of-care build-up: an hourly home-care rate from named parameters. Pure: no Django.

Every figure is per contact hour (an hour of care delivered in someone's home). A care worker is
paid for more than contact time: travel between visits and training/supervision are working
time too, so pay is the pay rate times the paid hours behind each contact hour. Wage on-costs
follow from that pay; mileage is paid per mile; overheads and the return are added on top.

The lines, in order (`LINES`), always sum to the rate: each line is rounded to the penny and
the rate is the sum of the rounded lines, so the table a commissioner reads adds up exactly.

Travel differs by visit length: a visit needs the same journey whatever its length, so the
travel behind each contact hour is the band's travel per visit divided by the visit's hours.
Band parameters give travel per contact hour at the scenario's average visit length;
`rate_for_visit` rescales them for a 30, 45 or 60 minute visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
BANDS = ("urban", "fringe", "rural", "isolated")
VISIT_LENGTHS = (30, 45, 60)


@dataclass(frozen=True)
class ParameterSpec:
    key: str
    label: str
    unit: str
    # True when a band may carry its own value (travel, mileage, uplifts).
    by_band: bool = False
    # What the parameter means, shown beside it.
    help: str = ""


PARAMETERS: tuple[ParameterSpec, ...] = (
    ParameterSpec("pay_rate", "Care worker pay rate", "GBP per hour"),
    ParameterSpec(
        "travel_minutes",
        "Travel time",
        "minutes per contact hour",
        by_band=True,
        help="Paid travel between visits, at the average visit length.",
    ),
    ParameterSpec("miles", "Distance driven", "miles per contact hour", by_band=True),
    ParameterSpec("mileage_rate", "Mileage rate", "GBP per mile"),
    ParameterSpec(
        "average_visit_minutes",
        "Average visit length",
        "minutes",
        help="The visit length the travel figures were measured at.",
    ),
    ParameterSpec(
        "training_ratio",
        "Training and supervision time",
        "percent of contact time",
    ),
    ParameterSpec("holiday_pay", "Holiday pay", "percent of pay"),
    ParameterSpec("sick_pay", "Sick pay", "percent of pay"),
    ParameterSpec("employer_ni_rate", "Employer National Insurance rate", "percent"),
    ParameterSpec("ni_secondary_threshold", "NI secondary threshold", "GBP per year"),
    ParameterSpec("pension_rate", "Employer pension contribution", "percent"),
    ParameterSpec("pension_threshold", "Pension lower qualifying earnings", "GBP per year"),
    ParameterSpec(
        "paid_hours_per_year",
        "Paid hours per care worker",
        "hours per year",
        help="Spreads the yearly NI and pension thresholds over each paid hour.",
    ),
    ParameterSpec("overheads", "Back-office overheads", "GBP per contact hour"),
    ParameterSpec("return_rate", "Return on operations", "percent of cost"),
    ParameterSpec(
        "high_dependency_uplift",
        "High-dependency uplift",
        "percent",
        by_band=True,
        help="Added to the rate for visits that need a skilled care worker.",
    ),
    ParameterSpec(
        "double_up_uplift",
        "Double-up uplift",
        "percent",
        by_band=True,
        help="Added to the two-carer rate (twice the single rate) for coordination.",
    ),
    ParameterSpec("overheads_min", "Open book: lowest credible overheads", "GBP per contact hour"),
    ParameterSpec("overheads_max", "Open book: highest credible overheads", "GBP per contact hour"),
    ParameterSpec("return_min", "Open book: lowest credible return", "percent of cost"),
    ParameterSpec("return_max", "Open book: highest credible return", "percent of cost"),
)
SPECS = {spec.key: spec for spec in PARAMETERS}
PERCENT_KEYS = frozenset(key for key, spec in SPECS.items() if spec.unit.startswith("percent"))
# Parameters that only configure checks; they do not move the rate.
CHECK_KEYS = frozenset({"overheads_min", "overheads_max", "return_min", "return_max"})


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    amount: Decimal
    # How the amount was worked out, in words a commissioner can check.
    working: str


LINES = (
    ("contact_pay", "Pay for contact time"),
    ("travel_pay", "Pay for travel time"),
    ("training_pay", "Pay for training and supervision"),
    ("holiday_pay", "Holiday pay"),
    ("sick_pay", "Sick pay"),
    ("employer_ni", "Employer National Insurance"),
    ("pension", "Employer pension"),
    ("mileage", "Mileage"),
    ("overheads", "Back-office overheads"),
    ("return", "Return on operations"),
)
CARE_WORKER_LINES = frozenset(key for key, _ in LINES[:8])


@dataclass(frozen=True)
class BuildUp:
    lines: tuple[Line, ...]

    @property
    def rate(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0"))

    @property
    def care_worker_cost(self) -> Decimal:
        return sum(
            (line.amount for line in self.lines if line.key in CARE_WORKER_LINES), Decimal("0")
        )

    def share(self, key: str) -> Decimal:
        """A line's share of the rate, as a fraction (0 when the rate is nil)."""
        rate = self.rate
        if not rate:
            return Decimal("0")
        return self.line(key).amount / rate

    def line(self, key: str) -> Line:
        return next(line for line in self.lines if line.key == key)


class ParameterMissing(ValueError):
    pass


@dataclass(frozen=True)
class Inputs:
    """Resolved values for one band: percentages as plain numbers (15 means 15%)."""

    values: dict[str, Decimal]

    def __getitem__(self, key: str) -> Decimal:
        try:
            return self.values[key]
        except KeyError:
            raise ParameterMissing(f"The scenario has no value for {SPECS[key].label}.") from None


def resolve(values: dict[tuple[str, str], Decimal], band: str = "") -> Inputs:
    """values maps (key, band) to a value; band "" is the default for every band. A band's own
    value wins over the default."""
    resolved = {key: value for (key, row_band), value in values.items() if row_band == ""}
    if band:
        resolved.update(
            {key: value for (key, row_band), value in values.items() if row_band == band}
        )
    return Inputs(resolved)


def _money(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def _pct(value: Decimal) -> Decimal:
    return value / Decimal(100)


def build_up(inputs: Inputs, *, visit_minutes: Decimal | int | None = None) -> BuildUp:
    """The hourly rate, line by line. visit_minutes rescales travel for that visit length."""
    pay = inputs["pay_rate"]
    travel_minutes = inputs["travel_minutes"]
    miles = inputs["miles"]
    if visit_minutes is not None:
        visit = Decimal(visit_minutes)
        if visit <= 0:
            raise ValueError("A visit must last more than 0 minutes.")
        scale = inputs["average_visit_minutes"] / visit
        travel_minutes *= scale
        miles *= scale
    travel_hours = travel_minutes / 60
    training_hours = _pct(inputs["training_ratio"])
    paid_hours = 1 + travel_hours + training_hours

    contact = pay
    travel = pay * travel_hours
    training = pay * training_hours
    basic = contact + travel + training
    holiday = basic * _pct(inputs["holiday_pay"])
    sick = basic * _pct(inputs["sick_pay"])
    earnings = basic + holiday + sick
    hours_year = inputs["paid_hours_per_year"]
    if hours_year <= 0:
        raise ValueError("Paid hours per care worker must be more than 0.")
    ni_allowance = paid_hours * inputs["ni_secondary_threshold"] / hours_year
    ni = _pct(inputs["employer_ni_rate"]) * max(Decimal(0), earnings - ni_allowance)
    pension_allowance = paid_hours * inputs["pension_threshold"] / hours_year
    pension = _pct(inputs["pension_rate"]) * max(Decimal(0), earnings - pension_allowance)
    mileage = miles * inputs["mileage_rate"]
    amounts = [_money(a) for a in (contact, travel, training, holiday, sick, ni, pension, mileage)]
    overheads = _money(inputs["overheads"])
    cost = sum(amounts, Decimal(0)) + overheads
    surplus = _money(cost * _pct(inputs["return_rate"]))

    tm = travel_minutes.quantize(Decimal("0.1"))
    workings = (
        f"{_money(pay)} an hour x 1 contact hour",
        f"{_money(pay)} an hour x {tm} minutes of travel per contact hour",
        f"{_money(pay)} an hour x {inputs['training_ratio']}% of contact time",
        f"{inputs['holiday_pay']}% of pay {_money(basic)}",
        f"{inputs['sick_pay']}% of pay {_money(basic)}",
        f"{inputs['employer_ni_rate']}% of earnings {_money(earnings)} above "
        f"{_money(ni_allowance)} (the yearly threshold spread over paid hours)",
        f"{inputs['pension_rate']}% of earnings above {_money(pension_allowance)}",
        f"{miles.quantize(Decimal('0.01'))} miles x {inputs['mileage_rate']} a mile",
        "set per contact hour",
        f"{inputs['return_rate']}% of cost {_money(cost)}",
    )
    all_amounts = (*amounts, overheads, surplus)
    return BuildUp(
        tuple(
            Line(key, label, amount, working)
            for (key, label), amount, working in zip(LINES, all_amounts, workings, strict=True)
        )
    )


@dataclass(frozen=True)
class BandRate:
    band: str
    visit_minutes: int
    rate: Decimal
    high_dependency: Decimal
    double_up: Decimal
    reason: str


def band_rates(
    values: dict[tuple[str, str], Decimal], *, bands=BANDS, lengths=VISIT_LENGTHS
) -> list[BandRate]:
    """A rate per band and visit length, with the reasons: the band's travel, and the
    high-dependency and double-up uplifts when the band has one above nil."""
    rates = []
    for band in bands:
        inputs = resolve(values, band)
        hd_uplift = inputs.values.get("high_dependency_uplift", Decimal(0))
        du_uplift = inputs.values.get("double_up_uplift", Decimal(0))
        for minutes in lengths:
            rate = build_up(inputs, visit_minutes=minutes).rate
            hd = _money(rate * (1 + _pct(hd_uplift)))
            du = _money(2 * rate * (1 + _pct(du_uplift)))
            scale = inputs["average_visit_minutes"] / Decimal(minutes)
            reasons = [
                f"{(inputs['travel_minutes'] * scale).quantize(Decimal('0.1'))} minutes and "
                f"{(inputs['miles'] * scale).quantize(Decimal('0.01'))} miles of travel per "
                f"contact hour in {band} areas for {minutes}-minute visits"
            ]
            if hd_uplift > 0:
                reasons.append(
                    f"high-dependency visits add the {_plain(hd_uplift)}% high-dependency "
                    f"uplift ({hd} an hour)"
                )
            if du_uplift > 0:
                reasons.append(
                    f"double-up visits are two care workers plus the {_plain(du_uplift)}% "
                    f"double-up uplift ({du} an hour)"
                )
            rates.append(BandRate(band, minutes, rate, hd, du, "; ".join(reasons)))
    return rates


def _plain(value: Decimal) -> str:
    """A percentage without trailing zeros: 10 rather than 10.00."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Sensitivity:
    key: str
    label: str
    low: Decimal
    high: Decimal

    @property
    def swing(self) -> Decimal:
        return abs(self.high - self.low)


def sensitivity(
    values: dict[tuple[str, str], Decimal], *, band: str = "", step: Decimal = Decimal("0.1")
) -> list[Sensitivity]:
    """How far the rate moves when each parameter is 10% lower and 10% higher, largest first."""
    inputs = resolve(values, band)
    results = []
    for spec in PARAMETERS:
        if spec.key in CHECK_KEYS or spec.key not in inputs.values:
            continue
        if spec.key in ("high_dependency_uplift", "double_up_uplift"):
            continue
        base = inputs.values[spec.key]
        moved = []
        for factor in (1 - step, 1 + step):
            changed = Inputs({**inputs.values, spec.key: base * factor})
            moved.append(build_up(changed).rate)
        results.append(Sensitivity(spec.key, spec.label, moved[0], moved[1]))
    return sorted(results, key=lambda s: (-s.swing, s.label))


def with_value(values: dict[tuple[str, str], Decimal], key: str, value: Decimal, band: str = ""):
    """A copy of values with one parameter changed (for what-if costing)."""
    changed = dict(values)
    changed[(key, band)] = value
    return changed
