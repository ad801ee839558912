"""The arithmetic of evaluation: weighted scores, price scores, abnormally low tenders, spreads,
totals and ranking. Plain functions over Decimals and dataclasses; no Django.

Conventions, stated once so that pages and reports can quote them:
- A question's weight is in points of the whole evaluation (all weights add up to 100). Its
  weighted score is weight x score / scale maximum (scale 0-5 or 0-100).
- Pass/fail questions carry no points: a fail (score 0) fails the bid.
- A question's minimum score is on its own scale: a final (moderated) score below it fails the bid.
- Spreads: individual scores that differ by 2 points or more on the 0-5 scale are flagged for
  moderation. On the 0-100 scale the same proportion of the range applies: 40 points (2/5 of
  100). On pass/fail, any disagreement is flagged.
- Abnormally low: a price at or below the mean of the other prices less `mean_percent` %, or at
  or below the next higher price less `next_percent` %. A lone bid is never flagged.
- Ranking among bids that passed and are not excluded: higher total first; ties broken by
  higher quality score, then lower evaluated price, then earlier submission (TIE_BREAK).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tendercare.procurement import evaluation_model as model

ZERO = Decimal("0")
HUNDRED = Decimal("100")

SCALE_MAX = {"0-5": Decimal("5"), "0-100": Decimal("100"), "pass_fail": Decimal("1")}
SPREAD_THRESHOLD = {"0-5": Decimal("2"), "0-100": Decimal("40"), "pass_fail": Decimal("1")}
TIE_BREAK = "Higher quality score, then lower evaluated price, then earlier submission"

RELATIVE_TO_LOWEST = model.RELATIVE_TO_LOWEST
LINEAR_DIFFERENTIAL = model.LINEAR_DIFFERENTIAL
BENCHMARK = model.BENCHMARK
FORMULAS = model.FORMULAS


class ScoringError(ValueError):
    """The numbers given cannot be scored (unknown scale or formula, missing rate)."""


def _d(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def scale_max(scale: str) -> Decimal:
    try:
        return SCALE_MAX[scale]
    except KeyError:
        raise ScoringError(f"Unknown scale '{scale}'") from None


def score_in_scale(score, scale: str) -> bool:
    """Scores are whole numbers from 0 to the scale's maximum (pass/fail: 0 fail, 1 pass)."""
    score = _d(score)
    return score == score.to_integral_value() and ZERO <= score <= scale_max(scale)


def weighted_question_score(*, weight, score, scale: str) -> Decimal:
    if scale == "pass_fail":
        return ZERO
    return _d(weight) * _d(score) / scale_max(scale)


def spread(scores: Iterable) -> Decimal:
    values = [_d(s) for s in scores]
    return (max(values) - min(values)) if values else ZERO


def spread_flagged(scores: Iterable, scale: str) -> bool:
    return spread(scores) >= SPREAD_THRESHOLD.get(scale, SPREAD_THRESHOLD["0-5"])


def consensus_default(scores: Iterable) -> Decimal | None:
    """The final score when no moderated score was recorded: the mean of individual scores
    (only allowed where the spread is not flagged; the services enforce that)."""
    values = [_d(s) for s in scores]
    if not values:
        return None
    return (sum(values) / len(values)).quantize(Decimal("0.01"))


# ---------------------------------------------------------------------------------------------
# Price


def _clamp(value: Decimal, weight: Decimal) -> Decimal:
    return max(ZERO, min(weight, value))


def price_score(
    *,
    formula: str,
    weight,
    bid,
    lowest=None,
    floor=None,
    ceiling=None,
) -> Decimal:
    """Points for a price, always between 0 and the weight. The formulas are the procurement
    app's (procurement/evaluation_model.py); this wrapper settles the edge cases they refuse
    (the lowest bid itself, zero prices) so that a results page never fails.

    relative_to_lowest: weight x lowest / bid.
    linear_differential: weight x max(0, 1 - (bid - lowest) / lowest).
    benchmark: full weight at or below the floor, 0 at or above the ceiling, linear between.
    """
    weight, bid = _d(weight), _d(bid)
    if weight <= ZERO:
        return ZERO
    if formula in (RELATIVE_TO_LOWEST, LINEAR_DIFFERENTIAL):
        if lowest is None:
            raise ScoringError("The lowest price is needed for this formula")
        lowest = _d(lowest)
        if bid <= lowest:
            return weight
        if lowest <= ZERO:
            return ZERO
        if formula == RELATIVE_TO_LOWEST:
            return _clamp(model.relative_to_lowest(bid, lowest, weight), weight)
        return _clamp(model.linear_differential(bid, lowest, weight), weight)
    if formula == BENCHMARK:
        if floor is None or ceiling is None:
            raise ScoringError("A benchmark price score needs a floor and a ceiling")
        floor, ceiling = _d(floor), _d(ceiling)
        if bid <= floor:
            return weight
        if bid >= ceiling:
            return ZERO
        return _clamp(model.benchmark(bid, floor, ceiling, weight), weight)
    raise ScoringError(f"Unknown price formula '{formula}'")


def evaluated_price(rates: Mapping[str, Any], hours: Mapping[str, Any]) -> Decimal:
    """A banded price schedule as one figure: the sum of hourly rate x expected hours per band
    (procurement/evaluation_model.py). A band with hours but no rate cannot be evaluated."""
    try:
        return model.evaluated_price(
            {band: _d(rate) for band, rate in rates.items() if rate is not None},
            {band: _d(h) for band, h in hours.items()},
        )
    except ValueError as exc:
        raise ScoringError(str(exc)) from None


def abnormally_low(
    prices: Mapping[Hashable, Any], *, mean_percent=Decimal("40"), next_percent=Decimal("30")
) -> set:
    """Keys of the prices that are abnormally low against the others."""
    values = {key: _d(price) for key, price in prices.items()}
    mean_factor = 1 - _d(mean_percent) / HUNDRED
    next_factor = 1 - _d(next_percent) / HUNDRED
    flagged = set()
    for key, price in values.items():
        others = [p for k, p in values.items() if k != key]
        if not others:
            continue
        mean = sum(others) / len(others)
        higher = [p for p in others if p >= price]
        if price <= mean * mean_factor or (higher and price <= min(higher) * next_factor):
            flagged.add(key)
    return flagged


# ---------------------------------------------------------------------------------------------
# Totals and ranking


@dataclass(frozen=True)
class QuestionResult:
    """One question's final score for one bid. kind: quality, social_value or pass_fail."""

    question: Hashable
    kind: str
    scale: str
    weight: Decimal
    score: Decimal | None  # None: not yet scored
    minimum: Decimal | None = None
    label: str = ""

    @property
    def weighted(self) -> Decimal:
        if self.score is None or self.kind == "pass_fail":
            return ZERO
        return weighted_question_score(weight=self.weight, score=self.score, scale=self.scale)

    def failure(self) -> str | None:
        name = self.label or str(self.question)
        if self.score is None:
            return f"{name} not yet scored"
        if self.kind == "pass_fail" or self.scale == "pass_fail":
            return None if self.score >= 1 else f"{name} failed"
        if self.minimum is not None and self.score < self.minimum:
            return f"{name} scored {self.score}, below the minimum of {self.minimum}"
        return None


@dataclass(frozen=True)
class Totals:
    quality: Decimal
    social_value: Decimal
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


def totals(questions: Iterable[QuestionResult]) -> Totals:
    quality, social, failures = ZERO, ZERO, []
    for q in questions:
        if q.kind == "social_value":
            social += q.weighted
        elif q.kind != "pass_fail":
            quality += q.weighted
        failure = q.failure()
        if failure:
            failures.append(failure)
    return Totals(quality=quality, social_value=social, failures=tuple(failures))


@dataclass
class Candidate:
    key: Hashable
    quality: Decimal
    social_value: Decimal
    evaluated_price: Decimal | None
    submitted_at: Any  # anything orderable (a datetime); None sorts last
    passed: bool = True
    excluded: bool = False


@dataclass
class Ranked:
    key: Hashable
    quality: Decimal
    social_value: Decimal
    price: Decimal
    total: Decimal
    rank: int | None
    passed: bool
    excluded: bool
    evaluated_price: Decimal | None = None
    notes: list[str] = field(default_factory=list)


def rank(
    candidates: Iterable[Candidate],
    *,
    formula: str = RELATIVE_TO_LOWEST,
    price_weight=ZERO,
    floor=None,
    ceiling=None,
) -> list[Ranked]:
    """Score prices among the eligible (passed, not excluded, priced) bids and rank them.
    Ineligible bids follow, unranked, in the order given."""
    candidates = list(candidates)
    price_weight = _d(price_weight)
    eligible = [
        c for c in candidates if c.passed and not c.excluded and c.evaluated_price is not None
    ]
    lowest = min((c.evaluated_price for c in eligible), default=None)
    results = []
    for c in candidates:
        price = ZERO
        if c in eligible and price_weight > ZERO:
            price = price_score(
                formula=formula,
                weight=price_weight,
                bid=c.evaluated_price,
                lowest=lowest,
                floor=floor,
                ceiling=ceiling,
            )
        results.append(
            Ranked(
                key=c.key,
                quality=c.quality,
                social_value=c.social_value,
                price=price,
                total=c.quality + c.social_value + price,
                rank=None,
                passed=c.passed and c.evaluated_price is not None,
                excluded=c.excluded,
                evaluated_price=c.evaluated_price,
            )
        )
    by_key = {id(r): c for r, c in zip(results, candidates, strict=True)}

    def order(r: Ranked):
        c = by_key[id(r)]
        late = c.submitted_at is None
        price = r.evaluated_price if r.evaluated_price is not None else Decimal("Infinity")
        return (-r.total, -r.quality, price, late, c.submitted_at if not late else 0, str(r.key))

    ranked = sorted((r for r in results if r.passed and not r.excluded), key=order)
    for position, r in enumerate(ranked, start=1):
        r.rank = position
    rest = [r for r in results if not (r.passed and not r.excluded)]
    return ranked + rest


# What each point means, shown beside the score box and printed in the report.
SCALE_DESCRIPTORS = {
    "0-5": [
        ("0", "Unacceptable: no answer, or the answer does not address the question"),
        ("1", "Poor: major gaps or serious concerns; little evidence"),
        ("2", "Weak: some gaps or concerns; limited evidence"),
        ("3", "Satisfactory: meets the requirement with adequate evidence"),
        ("4", "Good: meets the requirement fully with clear evidence"),
        ("5", "Excellent: exceeds the requirement with strong evidence and added value"),
    ],
    "0-100": [
        ("0-19", "Unacceptable or poor"),
        ("20-39", "Weak"),
        ("40-59", "Satisfactory"),
        ("60-79", "Good"),
        ("80-100", "Excellent"),
    ],
    "pass_fail": [("1", "Pass: the requirement is met"), ("0", "Fail: the requirement is not met")],
}
