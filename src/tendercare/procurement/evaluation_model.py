"""The evaluation model: the criteria tree and its checks, scoring scales, price formulas and
evaluated prices for banded lots. Pure, no Django; money and weights are Decimal.

Price formulas, for a criterion worth `weight` points (bids must be positive):
- relative to lowest:   weight x lowest / bid
- linear differential:  weight x max(0, 1 - (bid - lowest) / lowest)
                        (each 1% above the lowest bid loses 1% of the weight; a bid at twice the
                        lowest or more scores nothing)
- benchmark:            weight if bid <= floor; 0 if bid >= ceiling;
                        otherwise weight x (ceiling - bid) / (ceiling - floor)
All three give a score in [0, weight] that never rises as the price rises; the first two give the
lowest bid the full weight.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

HUNDRED = Decimal("100")
MIN_SOCIAL_VALUE = Decimal("10")

QUALITY = "quality"
PRICE = "price"
SOCIAL_VALUE = "social_value"
PASS_FAIL = "pass_fail"  # noqa: S105 - a criterion kind, not a secret

ZERO_TO_FIVE = "0-5"
ZERO_TO_HUNDRED = "0-100"
PASS_FAIL_SCALE = "pass_fail"  # noqa: S105 - a scale

SCALE_MAXIMUM = {ZERO_TO_FIVE: Decimal("5"), ZERO_TO_HUNDRED: Decimal("100")}

# Our own wording: what an evaluator must see in an answer to give each score.
DESCRIPTORS: dict[str, list[tuple[str, str]]] = {
    ZERO_TO_FIVE: [
        ("0", "Unacceptable: no answer, or the answer does not address the requirement."),
        ("1", "Poor: addresses the requirement only in part, with serious gaps or risks."),
        ("2", "Weak: addresses the requirement with little evidence or detail; some risk."),
        ("3", "Satisfactory: meets the requirement with enough evidence; minor gaps only."),
        ("4", "Good: meets the requirement fully, with clear evidence of how it will be done."),
        ("5", "Excellent: meets the requirement fully with strong evidence and adds value."),
    ],
    ZERO_TO_HUNDRED: [
        ("0", "Unacceptable: no answer, or the answer does not address the requirement."),
        ("1-39", "Poor to weak: gaps, little evidence, material risk to delivery."),
        ("40-59", "Satisfactory: meets the requirement with some evidence; minor gaps."),
        ("60-79", "Good: meets the requirement fully with clear evidence."),
        ("80-100", "Excellent: strong evidence throughout and added value."),
    ],
    PASS_FAIL_SCALE: [
        ("Pass", "Meets the mandatory requirement in full."),
        ("Fail", "Does not meet it: the bid cannot be considered further."),
    ],
}


@dataclass(frozen=True)
class CriterionSpec:
    key: str
    name: str
    kind: str
    weight: Decimal
    parent: str | None = None
    psr_key_criterion: str = ""


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    number: str
    criterion: str
    scale: str
    weight: Decimal
    minimum_score: Decimal | None = None
    requirements: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Problem:
    message: str
    target: str = ""  # the criterion or question it concerns, if any


def validate(
    criteria: Iterable[CriterionSpec],
    questions: Iterable[QuestionSpec],
    *,
    price_required: bool = True,
    psr_key_criteria: Iterable[str] = (),
    psr_key_criteria_labels: Mapping[str, str] | None = None,
) -> list[Problem]:
    """Every problem with the model at once (an empty list means it is valid)."""
    criteria = list(criteria)
    questions = list(questions)
    problems: list[Problem] = []
    by_key = {c.key: c for c in criteria}
    children: dict[str | None, list[CriterionSpec]] = defaultdict(list)
    for c in criteria:
        children[c.parent].append(c)
    by_criterion: dict[str, list[QuestionSpec]] = defaultdict(list)
    for q in questions:
        by_criterion[q.criterion].append(q)

    if not criteria:
        return [Problem("Add the criteria: quality, price and social value at least")]

    for c in criteria:
        if c.weight < 0:
            problems.append(Problem(f"'{c.name}' has a negative weight", c.key))
        if c.parent is not None and c.parent not in by_key:
            problems.append(Problem(f"'{c.name}' hangs from a criterion that is not there", c.key))
        if c.kind == PASS_FAIL and c.weight != 0:
            problems.append(Problem(f"'{c.name}' is pass or fail, so it carries no weight", c.key))
        parent = by_key.get(c.parent) if c.parent else None
        if parent is not None and parent.kind != c.kind and parent.kind != PASS_FAIL:
            problems.append(
                Problem(f"'{c.name}' must be of the same kind as '{parent.name}'", c.key)
            )

    top = children[None]
    total = sum((c.weight for c in top), Decimal("0"))
    if total != HUNDRED:
        problems.append(Problem(f"Top-level weights add up to {_pc(total)}, not 100%"))

    for c in criteria:
        kids = children.get(c.key, [])
        if kids:
            kids_total = sum((k.weight for k in kids), Decimal("0"))
            if kids_total != c.weight:
                problems.append(
                    Problem(
                        f"The parts of '{c.name}' add up to {_pc(kids_total)}, "
                        f"not its weight of {_pc(c.weight)}",
                        c.key,
                    )
                )
            if by_criterion.get(c.key):
                problems.append(
                    Problem(f"'{c.name}' has parts: put its questions on the parts", c.key)
                )

    social = sum((c.weight for c in top if c.kind == SOCIAL_VALUE), Decimal("0"))
    if social < MIN_SOCIAL_VALUE:
        problems.append(Problem(f"Social value is weighted {_pc(social)}: it must be at least 10%"))
    price = sum((c.weight for c in top if c.kind == PRICE), Decimal("0"))
    if price_required and price <= 0:
        problems.append(Problem("Add a price criterion with a weight"))

    for c in criteria:
        if children.get(c.key) or c.kind in (PRICE,):
            continue
        qs = by_criterion.get(c.key, [])
        scored = [q for q in qs if q.scale != PASS_FAIL_SCALE]
        if c.kind == PASS_FAIL:
            if not qs:
                problems.append(Problem(f"'{c.name}' has no pass or fail questions", c.key))
            for q in scored:
                problems.append(
                    Problem(
                        f"{q.number} is under a pass or fail criterion: use pass or fail", q.key
                    )
                )
            continue
        if not scored:
            problems.append(Problem(f"'{c.name}' has no scored questions", c.key))
            continue
        q_total = sum((q.weight for q in scored), Decimal("0"))
        if q_total != c.weight:
            problems.append(
                Problem(
                    f"Questions under '{c.name}' add up to {_pc(q_total)}, "
                    f"not its weight of {_pc(c.weight)}",
                    c.key,
                )
            )

    for q in questions:
        c = by_key.get(q.criterion)
        if c is None:
            problems.append(Problem(f"{q.number} hangs from a criterion that is not there", q.key))
            continue
        if c.kind == PRICE:
            problems.append(
                Problem(f"{q.number} is under price, which is scored by the price formula", q.key)
            )
        if q.scale not in DESCRIPTORS:
            problems.append(Problem(f"{q.number} has an unknown scale '{q.scale}'", q.key))
            continue
        if q.weight < 0:
            problems.append(Problem(f"{q.number} has a negative weight", q.key))
        if q.scale == PASS_FAIL_SCALE:
            if q.weight != 0:
                problems.append(
                    Problem(f"{q.number} is pass or fail, so it carries no weight", q.key)
                )
            if q.minimum_score is not None:
                problems.append(
                    Problem(f"{q.number} is pass or fail, so it has no minimum score", q.key)
                )
        elif q.minimum_score is not None and not (0 <= q.minimum_score <= SCALE_MAXIMUM[q.scale]):
            problems.append(
                Problem(
                    f"{q.number}'s minimum score must be between 0 and {SCALE_MAXIMUM[q.scale]}",
                    q.key,
                )
            )
        if c.kind == QUALITY and q.scale != PASS_FAIL_SCALE and not q.requirements:
            problems.append(
                Problem(f"{q.number} is not traced to any requirement of the specification", q.key)
            )

    wanted = list(psr_key_criteria)
    if wanted:
        covered = {c.psr_key_criterion for c in criteria if c.psr_key_criterion}
        labels = psr_key_criteria_labels or {}
        for k in wanted:
            if k not in covered:
                problems.append(
                    Problem(
                        "No criterion assesses the key criterion "
                        f"'{labels.get(k, k)}' (PSR regulation 5)"
                    )
                )
    return problems


def _pc(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"
    return f"{text}%"


# --- scales ---------------------------------------------------------------------------------


def scale_maximum(scale: str) -> Decimal:
    return SCALE_MAXIMUM.get(scale, Decimal("1"))


def weighted_score(score: Decimal, *, scale: str, weight: Decimal) -> Decimal:
    """A question's contribution: its weight times the share of the scale's maximum scored."""
    if scale == PASS_FAIL_SCALE:
        return Decimal("0")
    maximum = SCALE_MAXIMUM[scale]
    if not 0 <= score <= maximum:
        raise ValueError(f"A score on the {scale} scale must be between 0 and {maximum}")
    return weight * score / maximum


# --- price ----------------------------------------------------------------------------------

RELATIVE_TO_LOWEST = "relative_to_lowest"
LINEAR_DIFFERENTIAL = "linear_differential"
BENCHMARK = "benchmark"
FORMULAS = (RELATIVE_TO_LOWEST, LINEAR_DIFFERENTIAL, BENCHMARK)
FORMULA_TEXT = {
    RELATIVE_TO_LOWEST: "weight x lowest price / this price",
    LINEAR_DIFFERENTIAL: "weight x (1 - (this price - lowest price) / lowest price), never below 0",
    BENCHMARK: "full weight at or below the floor, 0 at or above the ceiling, "
    "in a straight line between",
}


def _check(bid: Decimal, lowest: Decimal, weight: Decimal) -> None:
    if weight < 0:
        raise ValueError("Weight must be zero or more")
    if lowest <= 0 or bid <= 0:
        raise ValueError("Prices must be more than zero")
    if bid < lowest:
        raise ValueError("A bid cannot be lower than the lowest bid")


def _clamp(score: Decimal, weight: Decimal) -> Decimal:
    return max(Decimal("0"), min(weight, score))


def relative_to_lowest(bid: Decimal, lowest: Decimal, weight: Decimal) -> Decimal:
    _check(bid, lowest, weight)
    return _clamp(weight * lowest / bid, weight)


def linear_differential(bid: Decimal, lowest: Decimal, weight: Decimal) -> Decimal:
    _check(bid, lowest, weight)
    return _clamp(weight * (1 - (bid - lowest) / lowest), weight)


def benchmark(bid: Decimal, floor: Decimal, ceiling: Decimal, weight: Decimal) -> Decimal:
    if weight < 0:
        raise ValueError("Weight must be zero or more")
    if bid < 0:
        raise ValueError("Prices cannot be negative")
    if not floor < ceiling:
        raise ValueError("The floor must be lower than the ceiling")
    if bid <= floor:
        return weight
    if bid >= ceiling:
        return Decimal("0")
    return _clamp(weight * (ceiling - bid) / (ceiling - floor), weight)


def price_score(
    formula: str,
    bid: Decimal,
    *,
    bids: Iterable[Decimal],
    weight: Decimal,
    floor: Decimal | None = None,
    ceiling: Decimal | None = None,
) -> Decimal:
    """The price score of one bid among all the (evaluated) bids for the same lot."""
    if formula == BENCHMARK:
        if floor is None or ceiling is None:
            raise ValueError("The benchmark formula needs a floor and a ceiling")
        return benchmark(bid, floor, ceiling, weight)
    all_bids = list(bids)
    if not all_bids:
        raise ValueError("No bids to compare with")
    lowest = min(all_bids)
    if formula == RELATIVE_TO_LOWEST:
        return relative_to_lowest(bid, lowest, weight)
    if formula == LINEAR_DIFFERENTIAL:
        return linear_differential(bid, lowest, weight)
    raise ValueError(f"Unknown price formula {formula!r}")


def check_formula(formula: str, floor: Decimal | None, ceiling: Decimal | None) -> list[str]:
    """Problems with a procurement's formula settings, as messages."""
    if formula not in FORMULAS:
        return [f"Unknown price formula '{formula}'"]
    if formula != BENCHMARK:
        return []
    if floor is None or ceiling is None:
        return ["The benchmark formula needs a floor and a ceiling"]
    if floor < 0:
        return ["The floor cannot be negative"]
    if not floor < ceiling:
        return ["The floor must be lower than the ceiling"]
    return []


def evaluated_price(rates: Mapping[str, Decimal], hours: Mapping[str, Decimal]) -> Decimal:
    """Banded hourly rates weighted by the expected hours in each band: sum(rate x hours)."""
    total = Decimal("0")
    for band, band_hours in hours.items():
        if band_hours < 0:
            raise ValueError(f"Hours for the {band} band cannot be negative")
        if band_hours == 0:
            continue
        if band not in rates:
            raise ValueError(f"No rate for the {band} band, which has {band_hours} hours")
        if rates[band] < 0:
            raise ValueError(f"The {band} rate cannot be negative")
        total += rates[band] * band_hours
    return total
