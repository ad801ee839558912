"""Provider status: the quality score, the recommended moves between prime and supplementary
status, and the order in which brokerage offers packages. Pure: no Django.

The score (0 to 100) of one month is a weighted mean of three components:

- KPIs, weight 60: each KPI result of the month rated against the contract's schedule (green
  100 points, amber 60, red 0), averaged with the schedule's weights (1 each when the KPI is
  not scheduled). Rating, not value: a KPI's points never depend on its unit.
- CQC, weight 20: the provider's latest CQC rating published by the end of the month
  (Outstanding 100, Good 80, Requires improvement 40, Inadequate 0).
- Quality audit, weight 20: the council's latest audit score (out of 100) by the end of the
  month.

A month is scored only when the provider has KPI results in the zone that month (it delivered
there). A missing CQC rating or audit is left out and the others' weights scale up to 100, so
a provider with no CQC rating yet is scored on KPIs and audit alone.

The rolling score is the mean of the monthly scores of the last 3 months (those that exist).

Hysteresis, so that one bad month does not flip a provider. A month "counts against" a prime
provider only when BOTH its own score and the rolling score are below 60; a month counts for a
supplementary provider only when both are above 80. One month can therefore count at most
once, however far it drags the rolling mean, and:

- prime -> supplementary when the last 2 months in a row count against it;
- supplementary -> prime when the last 3 months in a row count for it and the zone has no
  prime (or its prime is recommended to leave), or its prime has been weak for the same 3
  months (own and rolling scores below 80) and its rolling score is below this provider's; of
  several such providers in a zone only the best is recommended;
- prime or supplementary -> suspended whenever the latest CQC rating is Inadequate;
- suspended -> supplementary once the latest CQC rating is no longer Inadequate.

Brokerage offers a package to the zone's prime providers first, then to its supplementary
providers from the highest rolling score down; never to a suspended provider.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

PRIME = "prime"
SUPPLEMENTARY = "supplementary"
SUSPENDED = "suspended"

RATING_POINTS = {"green": Decimal(100), "amber": Decimal(60), "red": Decimal(0)}
CQC_POINTS = {
    "outstanding": Decimal(100),
    "good": Decimal(80),
    "requires_improvement": Decimal(40),
    "inadequate": Decimal(0),
}
CQC_NAMES = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
WEIGHTS = {"kpis": Decimal(60), "cqc": Decimal(20), "audit": Decimal(20)}
COMPONENT_NAMES = {"kpis": "KPIs", "cqc": "CQC rating", "audit": "quality audit"}
WINDOW = 3
LOWER = Decimal(60)
UPPER = Decimal(80)
DEMOTE_MONTHS = 2
PROMOTE_MONTHS = 3
ONE_PLACE = Decimal("0.1")


def _round(value: Decimal) -> Decimal:
    return value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class KpiRating:
    code: str
    rating: str  # green, amber or red ("" when the result has no value: left out)
    weight: Decimal = Decimal(1)


def kpi_points(ratings: Iterable[KpiRating]) -> Decimal | None:
    """The weighted mean of the ratings' points, or None when nothing is rated (or every
    weight is zero)."""
    total = weights = Decimal(0)
    for r in ratings:
        if r.rating not in RATING_POINTS or r.weight <= 0:
            continue
        total += RATING_POINTS[r.rating] * r.weight
        weights += r.weight
    if not weights:
        return None
    return _round(total / weights)


@dataclass(frozen=True)
class MonthScore:
    score: Decimal | None
    components: dict  # {"kpis": Decimal | None, "cqc": ..., "audit": ...}
    weights: dict  # the weights used, after leaving out missing components


def month_score(
    *, kpis: Decimal | None, cqc_rating: str | None, audit: Decimal | None
) -> MonthScore:
    """One month's score from its three components; None when there is no evidence at all.
    (status.py passes no CQC or audit for a month with no KPI results: not scored.)"""
    parts = {
        "kpis": kpis,
        "cqc": CQC_POINTS.get(cqc_rating or ""),
        "audit": None if audit is None else max(Decimal(0), min(Decimal(100), Decimal(audit))),
    }
    present = {k: v for k, v in parts.items() if v is not None}
    if not present:
        return MonthScore(None, parts, {})
    weight_sum = sum(WEIGHTS[k] for k in present)
    used = {k: _round(WEIGHTS[k] * 100 / weight_sum) for k in present}
    score = sum(WEIGHTS[k] * v for k, v in present.items()) / weight_sum
    return MonthScore(_round(score), parts, used)


def rolling(scores: Sequence[Decimal | None]) -> Decimal | None:
    """The mean of the last WINDOW months' scores that exist (oldest first in `scores`)."""
    last = [s for s in scores[-WINDOW:] if s is not None]
    if not last:
        return None
    return _round(sum(last, Decimal(0)) / len(last))


@dataclass(frozen=True)
class Month:
    """One month of a provider's history in a zone: its own score and the rolling score."""

    label: str  # e.g. "March 2026", for the reason in words
    score: Decimal | None
    rolling: Decimal | None


def months_from_scores(labels: Sequence[str], scores: Sequence[Decimal | None]) -> list[Month]:
    """Months with their rolling scores computed from the monthly scores (oldest first)."""
    return [
        Month(label, score, rolling(scores[: i + 1]))
        for i, (label, score) in enumerate(zip(labels, scores, strict=True))
    ]


def _below(m: Month) -> bool:
    return m.score is not None and m.rolling is not None and m.score < LOWER and m.rolling < LOWER


def _above(m: Month) -> bool:
    return m.score is not None and m.rolling is not None and m.score > UPPER and m.rolling > UPPER


def _weak(m: Month) -> bool:
    return m.score is not None and m.rolling is not None and m.score < UPPER and m.rolling < UPPER


def _run(history: Sequence[Month], test, months: int) -> bool:
    return len(history) >= months and all(test(m) for m in history[-months:])


@dataclass(frozen=True)
class Provider:
    """A provider in a zone: its current status, its months (oldest first) and its latest
    CQC rating."""

    provider_id: int
    name: str
    status: str
    history: tuple[Month, ...] = ()
    cqc_rating: str | None = None

    @property
    def latest(self) -> Decimal | None:
        return self.history[-1].rolling if self.history else None


@dataclass(frozen=True)
class Move:
    provider_id: int
    current: str
    recommended: str
    score: Decimal
    reason: str


def _scores_in_words(history: Sequence[Month], months: int) -> str:
    return ", ".join(f"{m.label} {m.score} (rolling {m.rolling})" for m in history[-months:])


def zone_moves(providers: Sequence[Provider]) -> list[Move]:
    """The recommended moves in one zone, each with its reason in words."""
    moves: list[Move] = []
    primes = [p for p in providers if p.status == PRIME]
    for p in providers:
        score = p.latest if p.latest is not None else Decimal(0)
        if p.status != SUSPENDED and p.cqc_rating == "inadequate":
            moves.append(
                Move(
                    p.provider_id,
                    p.status,
                    SUSPENDED,
                    score,
                    f"{p.name}'s latest CQC rating is Inadequate: suspend it from new packages "
                    "until the CQC rates it again.",
                )
            )
        elif p.status == SUSPENDED and p.cqc_rating and p.cqc_rating != "inadequate":
            moves.append(
                Move(
                    p.provider_id,
                    SUSPENDED,
                    SUPPLEMENTARY,
                    score,
                    f"{p.name}'s latest CQC rating is {CQC_NAMES[p.cqc_rating]}, no longer "
                    "Inadequate: it may take new packages again as a supplementary provider.",
                )
            )
        elif p.status == PRIME and _run(p.history, _below, DEMOTE_MONTHS):
            moves.append(
                Move(
                    p.provider_id,
                    PRIME,
                    SUPPLEMENTARY,
                    score,
                    f"{p.name}'s monthly and rolling quality scores have both been below "
                    f"{LOWER} for {DEMOTE_MONTHS} months in a row "
                    f"({_scores_in_words(p.history, DEMOTE_MONTHS)}).",
                )
            )
    demoted = {m.provider_id for m in moves}
    standing = [p for p in primes if p.provider_id not in demoted]
    candidates = [
        p
        for p in providers
        if p.status == SUPPLEMENTARY
        and p.provider_id not in demoted
        and _run(p.history, _above, PROMOTE_MONTHS)
    ]
    candidates.sort(key=lambda p: (-(p.latest or 0), p.name, p.provider_id))
    if candidates:
        best = candidates[0]
        weaker = [
            q
            for q in standing
            if q.latest is None
            or (_run(q.history, _weak, PROMOTE_MONTHS) and q.latest < (best.latest or 0))
        ]
        if len(weaker) == len(standing):
            going = [p for p in primes if p.provider_id in demoted]
            words = [f"{q.name} is recommended to leave prime status" for q in going]
            words += [f"{q.name} has a rolling score of {q.latest}" for q in weaker]
            prime_words = (
                "The zone's prime provider " + "; ".join(words)
                if words
                else "The zone has no prime provider"
            )
            moves.append(
                Move(
                    best.provider_id,
                    SUPPLEMENTARY,
                    PRIME,
                    best.latest or Decimal(0),
                    f"{best.name}'s monthly and rolling quality scores have both been above "
                    f"{UPPER} for {PROMOTE_MONTHS} months in a row "
                    f"({_scores_in_words(best.history, PROMOTE_MONTHS)}). {prime_words}.",
                )
            )
    return moves


# --- brokerage --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offeree:
    provider_id: int
    name: str
    status: str
    score: Decimal | None = None
    extra: dict = field(default_factory=dict, compare=False)


def offer_order(offerees: Iterable[Offeree]) -> list[Offeree]:
    """Prime providers first, then supplementary ones by rolling score (highest first, no
    score last), ties by name; suspended providers are never offered packages."""
    rank = {PRIME: 0, SUPPLEMENTARY: 1}
    eligible = [o for o in offerees if o.status in rank]
    return sorted(
        eligible,
        key=lambda o: (
            rank[o.status],
            o.score is None,
            -(o.score or 0),
            o.name,
            o.provider_id,
        ),
    )
