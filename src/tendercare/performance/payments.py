"""A provider's monthly payment: pure arithmetic, no Django.

- Pay for what was delivered, not what was commissioned (payment by electronic call
  monitoring): each band's delivered contact hours x the band's rate. The commissioned hours
  x rate are on the statement too, because they are the base for penalties and rewards.
- Each KPI result is rated against its schedule: green when the target is met, amber when
  only the amber threshold is met, red beyond it (direction aware: for "lower is better",
  meeting means at or below). The contract's rule for that rating gives a percent of the
  month's commissioned value: negative for a penalty, positive for a reward.
- Caps: total penalties never exceed penalty_cap_percent of the commissioned value, nor
  rewards reward_cap_percent. When they would, every penalty (or reward) is scaled by the same
  factor, and a note says so; the scaled pence are shared out by largest remainder so that the
  lines add up exactly to the cap.
- Money is Decimal, rounded to the penny half up (ROUND_HALF_UP), line by line; totals are
  sums of rounded lines, so the statement always adds up as printed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

BANDS = ("urban", "fringe", "rural", "isolated")
PENNY = Decimal("0.01")
HUNDRED = Decimal(100)
HIGHER = "higher"
LOWER = "lower"
RATINGS = ("red", "amber", "green")


def money(value) -> Decimal:
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def decimal_of(value, label: str) -> Decimal:
    """A Decimal from a form or JSON value, or ValueError with a sentence a person can act on."""
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip().replace(",", "").replace("£", ""))
    except (InvalidOperation, ValueError):
        raise ValueError(f"The {label} must be a number") from None
    if not number.is_finite():
        raise ValueError(f"The {label} must be a number")
    return number


def rate(value, *, target, amber, better: str) -> str:
    """ "green", "amber", "red", or "" when there is no value to rate."""
    if value is None:
        return ""
    value, target, amber = Decimal(value), Decimal(target), Decimal(amber)
    if better == HIGHER:
        return "green" if value >= target else "amber" if value >= amber else "red"
    if better == LOWER:
        return "green" if value <= target else "amber" if value <= amber else "red"
    raise ValueError(f"Unknown direction {better!r}")


# --- terms -----------------------------------------------------------------------------------


def check_terms(
    *, rates: Mapping, monthly_hours: Mapping, penalty_cap_percent, reward_cap_percent
) -> list[str]:
    """Problems with a contract's payment terms, as sentences (empty when fine)."""
    problems = []
    for name, mapping in (("rate", rates), ("commissioned hours", monthly_hours)):
        for band, value in mapping.items():
            if band not in BANDS:
                problems.append(f"Unknown band '{band}': use one of {', '.join(BANDS)}")
                continue
            try:
                number = decimal_of(value, f"{band} {name}")
            except ValueError as exc:
                problems.append(str(exc))
                continue
            if number < 0:
                problems.append(f"The {band} {name} must not be negative")
    for label, cap in (("penalty cap", penalty_cap_percent), ("reward cap", reward_cap_percent)):
        try:
            number = decimal_of(cap, label)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if number < 0 or number > 100:
            problems.append(f"The {label} is a percentage: enter a number from 0 to 100")
    return problems


def check_rule(*, rating: str, percent) -> list[str]:
    """A red or amber rating can only cost money; a green one can only earn it."""
    if rating not in RATINGS:
        return [f"Unknown rating '{rating}'"]
    try:
        number = decimal_of(percent, "percent")
    except ValueError as exc:
        return [str(exc)]
    if number < -100 or number > 100:
        return ["The percent must be from -100 to 100"]
    if rating in ("red", "amber") and number > 0:
        return [f"A {rating} rating is a penalty: enter 0 or a negative percent"]
    if rating == "green" and number < 0:
        return ["A green rating is a reward: enter 0 or a positive percent"]
    return []


# --- hours and amounts -----------------------------------------------------------------------


@dataclass(frozen=True)
class BandLine:
    band: str
    commissioned_hours: Decimal
    delivered_hours: Decimal
    rate: Decimal

    @property
    def commissioned_amount(self) -> Decimal:
        return money(self.commissioned_hours * self.rate)

    @property
    def amount(self) -> Decimal:
        """What is paid for the band: delivered hours x rate."""
        return money(self.delivered_hours * self.rate)


def band_lines(
    *, rates: Mapping, monthly_hours: Mapping, delivered_hours: Mapping
) -> list[BandLine]:
    """One line per band that has a rate, commissioned hours or delivered hours, in band
    order. Delivered hours in a band with no rate are paid at zero (and a line shows them)."""
    lines = []
    for band in BANDS:
        if band not in rates and band not in monthly_hours and band not in delivered_hours:
            continue
        lines.append(
            BandLine(
                band=band,
                commissioned_hours=Decimal(str(monthly_hours.get(band, 0))),
                delivered_hours=Decimal(str(delivered_hours.get(band, 0))).quantize(PENNY),
                rate=Decimal(str(rates.get(band, 0))),
            )
        )
    return lines


# --- penalties and rewards -------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """A KPI result with its schedule and the contract's rules for it."""

    key: object  # the KpiResult's id, carried through to the adjustment
    code: str
    name: str
    value: Decimal | None
    target: Decimal
    amber: Decimal
    better: str
    # {"red": (rule_key, Decimal("-2")), ...}
    rules: Mapping[str, tuple[object, Decimal]] = field(default_factory=dict)
    unit: str = "percent"


@dataclass(frozen=True)
class AdjustmentLine:
    key: object
    rule_key: object
    code: str
    rating: str
    rule_percent: Decimal
    percent: Decimal  # after any cap
    amount: Decimal
    reason: str


@dataclass
class Calculation:
    lines: list[BandLine]
    adjustments: list[AdjustmentLine]
    notes: list[str]

    @property
    def commissioned_amount(self) -> Decimal:
        return sum((line.commissioned_amount for line in self.lines), Decimal("0.00"))

    @property
    def delivered_amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def adjustments_amount(self) -> Decimal:
        return sum((a.amount for a in self.adjustments), Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        return self.delivered_amount + self.adjustments_amount


def _shown(value: Decimal, unit: str) -> str:
    text = f"{value.normalize():f}"
    return f"{text}%" if unit == "percent" else f"{text} {unit}".strip()


def _share_pennies(raw: Sequence[Decimal]) -> list[Decimal]:
    """Round each amount to the penny so that the rounded lines add up to the rounded total
    (largest remainder, by magnitude; ties to the earliest line)."""
    if not raw:
        return []
    sign = Decimal(-1) if sum(raw) < 0 else Decimal(1)
    sizes = [abs(r) for r in raw]
    total = money(sum(sizes))
    floors = [s.quantize(PENNY, rounding=ROUND_DOWN) for s in sizes]
    left = int((total - sum(floors)) / PENNY)
    order = sorted(range(len(sizes)), key=lambda i: (-(sizes[i] - floors[i]), i))
    for i in order[: max(left, 0)]:
        floors[i] += PENNY
    return [sign * f for f in floors]


def adjustments(
    outcomes: Iterable[Outcome],
    *,
    base: Decimal,
    penalty_cap_percent,
    reward_cap_percent,
) -> tuple[list[AdjustmentLine], list[str]]:
    """Penalties and rewards as a percent of `base` (the month's commissioned value)."""
    base = Decimal(base)
    notes: list[str] = []
    found = []
    for o in outcomes:
        rating = rate(o.value, target=o.target, amber=o.amber, better=o.better)
        if not rating:
            notes.append(f"{o.name}: no value this month, so no penalty or reward")
            continue
        if rating not in o.rules:
            continue
        rule_key, percent = o.rules[rating]
        percent = Decimal(percent)
        if percent == 0:
            continue
        reason = (
            f"{o.name} {_shown(Decimal(o.value), o.unit)} rated {rating} against target "
            f"{_shown(o.target, o.unit)} (amber {_shown(o.amber, o.unit)}): "
            f"{'penalty' if percent < 0 else 'reward'} of {abs(percent).normalize():f}% "
            "of the month's commissioned value"
        )
        found.append((o, rating, rule_key, percent, reason))

    out: list[AdjustmentLine] = []
    for negative, cap, word in (
        (True, Decimal(penalty_cap_percent), "Penalties"),
        (False, Decimal(reward_cap_percent), "Rewards"),
    ):
        group = [f for f in found if (f[3] < 0) == negative]
        if not group:
            continue
        asked = sum(abs(f[3]) for f in group)
        factor = Decimal(1)
        if asked > cap:
            factor = cap / asked
            notes.append(
                f"{word} came to {asked.normalize():f}% of the commissioned value, over the "
                f"{cap.normalize():f}% cap: each was scaled by {cap.normalize():f}/"
                f"{asked.normalize():f} so that together they are {cap.normalize():f}%"
            )
        raw = [base * f[3] * factor / HUNDRED for f in group]
        # Shared out so the lines add up to the rounded total: rounding each line on its own
        # could take two half-pennies under the cap to two pennies over it.
        amounts = _share_pennies(raw)
        for (o, rating, rule_key, percent, reason), amount in zip(group, amounts, strict=True):
            applied = (percent * factor).quantize(PENNY, rounding=ROUND_HALF_UP)
            if factor != 1:
                reason += f", capped to {abs(applied).normalize():f}%"
            out.append(
                AdjustmentLine(
                    key=o.key,
                    rule_key=rule_key,
                    code=o.code,
                    rating=rating,
                    rule_percent=percent,
                    percent=applied,
                    amount=amount,
                    reason=reason[:500],
                )
            )
    return out, notes


def calculate(
    *,
    rates: Mapping,
    monthly_hours: Mapping,
    delivered_hours: Mapping,
    outcomes: Iterable[Outcome],
    penalty_cap_percent,
    reward_cap_percent,
) -> Calculation:
    """The whole statement: band lines, adjustments on the commissioned value, notes."""
    lines = band_lines(rates=rates, monthly_hours=monthly_hours, delivered_hours=delivered_hours)
    base = sum((line.commissioned_amount for line in lines), Decimal("0.00"))
    adjusted, notes = adjustments(
        outcomes,
        base=base,
        penalty_cap_percent=penalty_cap_percent,
        reward_cap_percent=reward_cap_percent,
    )
    return Calculation(lines=lines, adjustments=adjusted, notes=notes)
