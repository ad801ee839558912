"""What the scenario pages show, worked out once so the templates stay dumb.

A presenter takes a version's values (the (key, band) -> Decimal mapping cost_model reads) and
its parameter rows, and gives the rows of each table and the charts beside them. Money stays
Decimal; only chart geometry uses floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from markupsafe import Markup

from tendercare.core import charts
from tendercare.core.formats import gbp

from . import cost_model, defaults

BAND_LABELS = {"": "All bands", **{band: band.title() for band in cost_model.BANDS}}
BAND_ORDER = {band: i for i, band in enumerate(("", *cost_model.BANDS))}
KEY_ORDER = {spec.key: i for i, spec in enumerate(cost_model.PARAMETERS)}
HCA_LABEL = "Homecare Association minimum price 2025/26"


def format_value(value: Decimal, unit: str = "") -> str:
    """A parameter value as people read it: no trailing zeros, pennies for money."""
    if value is None:
        return ""
    if unit.startswith("GBP") and value == value.quantize(Decimal("0.01")):
        return f"{value.quantize(Decimal('0.01')):,}"
    text = f"{value.normalize():f}"
    return f"{Decimal(text):,}" if "." not in text else text


def band_label(band: str) -> str:
    return BAND_LABELS.get(band, band)


def _sort_key(row_key: tuple[str, str]):
    key, band = row_key
    return (KEY_ORDER.get(key, len(KEY_ORDER)), key, BAND_ORDER.get(band, 9), band)


@dataclass(frozen=True)
class LineRow:
    key: str
    label: str
    working: str
    amount: Decimal
    share: Decimal


@dataclass(frozen=True)
class ParameterRow:
    key: str
    band: str
    label: str
    band_label: str
    value: Decimal
    display: str
    unit: str
    source: str
    source_date: object


@dataclass(frozen=True)
class HcaCheck:
    rate: Decimal
    benchmark: Decimal
    difference: Decimal

    @property
    def within_one_percent(self) -> bool:
        return abs(self.difference) <= self.benchmark / 100

    @property
    def sentence(self) -> str:
        if self.difference == 0:
            where = "the same as"
        elif self.difference > 0:
            where = f"{gbp(self.difference)} above"
        else:
            where = f"{gbp(-self.difference)} below"
        return (
            f"This scenario's rate for all bands, {gbp(self.rate)} per hour, is {where} the "
            f"{HCA_LABEL} of {gbp(self.benchmark)} per hour."
        )


class VersionPresenter:
    """One version: build-up, parameters, band rates, HCA check and sensitivity."""

    def __init__(self, version, values: dict[tuple[str, str], Decimal], params=()):
        self.version = version
        self.values = values
        self.params = list(params)
        self.error = ""
        try:
            self.build = cost_model.build_up(cost_model.resolve(values, ""))
            self.band_rates = cost_model.band_rates(values)
            self.sensitivity = cost_model.sensitivity(values)
        except ValueError as error:  # ParameterMissing is a ValueError too
            self.error = str(error)
            self.build = None
            self.band_rates = []
            self.sensitivity = []

    @property
    def rate(self) -> Decimal | None:
        return self.build.rate if self.build else None

    @property
    def care_worker_cost(self) -> Decimal | None:
        return self.build.care_worker_cost if self.build else None

    @cached_property
    def lines(self) -> list[LineRow]:
        if not self.build:
            return []
        return [
            LineRow(line.key, line.label, line.working, line.amount, self.build.share(line.key))
            for line in self.build.lines
        ]

    @property
    def share_total(self) -> Decimal:
        return sum((line.share for line in self.lines), Decimal(0))

    def build_up_chart(self, chart_id: str = "build-up-chart") -> Markup:
        bars = [
            charts.Bar(
                line.label,
                float(line.amount),
                display=f"{gbp(line.amount)} ({line.share * 100:.1f}%)",
            )
            for line in self.lines
        ]
        return charts.bar_chart(
            bars,
            chart_id=chart_id,
            title=f"How the hourly rate of {gbp(self.rate)} is built up",
            description=self.build_up_sentence,
            width=640,
            label_width=230,
            value_width=120,
        )

    @property
    def build_up_sentence(self) -> str:
        if not self.lines:
            return ""
        largest = max(self.lines, key=lambda line: line.amount)
        return (
            f"The chart shows each line of the {gbp(self.rate)} hourly rate in pounds. "
            f"The largest is {largest.label.lower()}, {gbp(largest.amount)} "
            f"({largest.share * 100:.1f}% of the rate); care worker costs come to "
            f"{gbp(self.care_worker_cost)}."
        )

    @cached_property
    def parameter_rows(self) -> list[ParameterRow]:
        rows = [
            ParameterRow(
                key=p.key,
                band=p.band,
                label=cost_model.SPECS[p.key].label if p.key in cost_model.SPECS else p.key,
                band_label=band_label(p.band),
                value=p.value,
                display=format_value(p.value, p.unit),
                unit=p.unit,
                source=p.source,
                source_date=p.source_date,
            )
            for p in self.params
        ]
        return sorted(rows, key=lambda r: _sort_key((r.key, r.band)))

    @property
    def hca_check(self) -> HcaCheck | None:
        if self.rate is None:
            return None
        benchmark = defaults.HCA_MINIMUM_PRICE_2025
        return HcaCheck(self.rate, benchmark, self.rate - benchmark)

    def sensitivity_chart(self, chart_id: str = "sensitivity-chart") -> Markup:
        bars = [
            charts.Bar(
                s.label,
                float(s.swing),
                display=f"{gbp(s.swing)} ({gbp(s.low)} to {gbp(s.high)})",
            )
            for s in self.sensitivity
        ]
        return charts.bar_chart(
            bars,
            chart_id=chart_id,
            title="How far the hourly rate moves when each parameter is 10% lower or higher",
            description=self.sensitivity_sentence,
            width=640,
            label_width=230,
            value_width=180,
        )

    @property
    def sensitivity_sentence(self) -> str:
        if not self.sensitivity:
            return ""
        top = self.sensitivity[0]
        return (
            "The chart shows, for each parameter, how far the hourly rate moves between the "
            "parameter at 10% below and 10% above its value, largest first. "
            f"{top.label} moves it most: from {gbp(top.low)} to {gbp(top.high)}."
        )


def for_version(version) -> VersionPresenter | None:
    """The presenter for a stored version (its parameter rows carry the sources)."""
    if version is None:
        return None
    params = list(version.params.all())
    return VersionPresenter(version, {(p.key, p.band): p.value for p in params}, params)


@dataclass(frozen=True)
class VersionRow:
    version: object
    previous: object | None

    @property
    def created_by(self) -> str:
        user = self.version.created_by
        if user is None:
            return "System"
        return user.get_full_name() or user.get_username()


def version_rows(versions) -> list[VersionRow]:
    """Newest first, each with the version before it (for 'compare with previous')."""
    ordered = sorted(versions, key=lambda v: v.number)
    rows = [VersionRow(version, ordered[i - 1] if i else None) for i, version in enumerate(ordered)]
    return list(reversed(rows))


@dataclass(frozen=True)
class ParameterDiff:
    label: str
    band_label: str
    unit: str
    a: str
    b: str
    a_source: str
    b_source: str

    @property
    def changed(self) -> bool:
        return self.a != self.b or self.a_source != self.b_source


@dataclass(frozen=True)
class AmountDiff:
    label: str
    a: Decimal | None
    b: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        if self.a is None or self.b is None:
            return None
        return self.b - self.a


class ComparePresenter:
    """Two versions side by side: a is the earlier choice, b the later; differences are b - a."""

    def __init__(self, a: VersionPresenter, b: VersionPresenter):
        self.a = a
        self.b = b

    @cached_property
    def parameters(self) -> list[ParameterDiff]:
        a_rows = {(p.key, p.band): p for p in self.a.parameter_rows}
        b_rows = {(p.key, p.band): p for p in self.b.parameter_rows}
        out = []
        for key in sorted(set(a_rows) | set(b_rows), key=_sort_key):
            pa, pb = a_rows.get(key), b_rows.get(key)
            either = pa or pb
            out.append(
                ParameterDiff(
                    label=either.label,
                    band_label=either.band_label,
                    unit=either.unit,
                    a=pa.display if pa else "Not set",
                    b=pb.display if pb else "Not set",
                    a_source=pa.source if pa else "",
                    b_source=pb.source if pb else "",
                )
            )
        return out

    @property
    def changed_count(self) -> int:
        return sum(1 for row in self.parameters if row.changed)

    @cached_property
    def lines(self) -> list[AmountDiff]:
        a_lines = {line.key: line.amount for line in self.a.lines}
        b_lines = {line.key: line.amount for line in self.b.lines}
        return [
            AmountDiff(label, a_lines.get(key), b_lines.get(key)) for key, label in cost_model.LINES
        ]

    @property
    def rate(self) -> AmountDiff:
        return AmountDiff("Hourly rate", self.a.rate, self.b.rate)

    @cached_property
    def band_rates(self) -> list[tuple[str, int, AmountDiff]]:
        a_rates = {(r.band, r.visit_minutes): r.rate for r in self.a.band_rates}
        b_rates = {(r.band, r.visit_minutes): r.rate for r in self.b.band_rates}
        return [
            (
                band_label(band),
                minutes,
                AmountDiff(
                    f"{band} {minutes}", a_rates.get((band, minutes)), b_rates.get((band, minutes))
                ),
            )
            for band in cost_model.BANDS
            for minutes in cost_model.VISIT_LENGTHS
        ]
