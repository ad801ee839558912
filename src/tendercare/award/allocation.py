"""Who gets which role on a lot, contract references and the letters' assessment summaries.
Pure: no Django, so the rules are property-tested on their own.

Roles: a geographical zone (home care) has a prime provider and up to N supplementary providers
in rank order (N set on the procurement); any other lot has one sole provider.

Standstill is not counted here: the route's rule in tendercare.procurement.routes is the only
count (Act s.51: beginning with the day of the UK6 notice; PSR regulation 12: beginning the day
after the intention to award). The procurement app sets the dates when the notice is recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

SOLE = "sole"
PRIME = "prime"
SUPPLEMENTARY = "supplementary"

NO_STANDSTILL = (
    "this route has no standstill period (Provider Selection Regime direct award "
    "processes A and B), so the award is confirmed without letters and the contract award "
    "notice is published with it"
)
# The name award/queries.py reads for a route without a standstill.
STANDSTILL_RULE = NO_STANDSTILL


def roles_for(count: int, *, zone: bool, supplementary: int) -> list[str]:
    """Roles for the first `count` eligible bids in rank order; bids beyond get no award."""
    if count <= 0:
        return []
    if not zone:
        return [SOLE]
    return [PRIME] + [SUPPLEMENTARY] * min(count - 1, max(supplementary, 0))


def contract_reference(
    procurement_reference: str, lot_number: int, role: str, position: int
) -> str:
    """The register reference for the contract of one award: PR-L1, PR-L1-PRIME, PR-L1-SUP2."""
    base = f"{procurement_reference}-L{lot_number}"
    if role == PRIME:
        return f"{base}-PRIME"
    if role == SUPPLEMENTARY:
        return f"{base}-SUP{position}"
    return base


def banded_price(rates: dict[str, Decimal], hours: dict[str, Decimal]) -> Decimal:
    """An annual price from hourly rates per pricing band and the expected hours in each."""
    return sum((rates[band] * hours.get(band, Decimal(0)) for band in rates), Decimal(0))


# Assessment summaries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scores:
    quality: Decimal | None
    price: Decimal | None
    social_value: Decimal | None
    total: Decimal | None
    rank: int | None


@dataclass(frozen=True)
class LotOutcome:
    lot_label: str
    role: str | None  # SOLE, PRIME, SUPPLEMENTARY, or None when not awarded
    own: Scores | None
    winner: Scores | None  # the prime or sole provider's scores, never its name or price
    excluded_reason: str = ""


ROLE_LABELS = {
    SOLE: "the provider",
    PRIME: "the prime provider",
    SUPPLEMENTARY: "a supplementary provider",
}


def _number(value: Decimal | None) -> str:
    if value is None:
        return "not available"
    return f"{Decimal(value).quantize(Decimal('0.01'))}"


def _scores_lines(scores: Scores | None) -> list[str]:
    if scores is None:
        return ["  Scores not available."]
    return [
        f"  Quality: {_number(scores.quality)}",
        f"  Price: {_number(scores.price)}",
        f"  Social value: {_number(scores.social_value)}",
        f"  Total: {_number(scores.total)}",
    ]


def letter_body(
    *,
    provider_name: str,
    procurement_reference: str,
    procurement_title: str,
    outcomes: list[LotOutcome],
    standstill_ends: dt.date,
    standstill_rule: str,
) -> str:
    """The letter's text. It names only the addressee and gives the highest-ranked bid's scores
    (not its bidder, not its price), as the assessment summary should. `standstill_rule` is the
    route's rule in words (routes.Standstill.description)."""
    successful = any(o.role for o in outcomes)
    lines = [
        f"To: {provider_name}",
        f"Procurement {procurement_reference}: {procurement_title}",
        "",
        "Intention to award" if successful else "Outcome of your bid",
        "",
    ]
    for outcome in outcomes:
        lines.append(outcome.lot_label)
        if outcome.excluded_reason:
            lines.append(f"  Your bid was not evaluated further: {outcome.excluded_reason}")
        elif outcome.role:
            rank = outcome.own.rank if outcome.own else None
            ranked = f" Your bid ranked {rank}." if rank else ""
            lines.append(
                f"  We intend to award you this lot as {ROLE_LABELS[outcome.role]}.{ranked}"
            )
        else:
            rank = outcome.own.rank if outcome.own else None
            ranked = f" Your bid ranked {rank}." if rank else ""
            lines.append(f"  We do not intend to award you this lot.{ranked}")
        lines.append("  Your scores:")
        lines.extend(_scores_lines(outcome.own))
        if outcome.role not in (SOLE, PRIME):
            lines.append("  The highest-ranked bid's scores:")
            lines.extend(_scores_lines(outcome.winner))
        lines.append("")
    lines += [
        f"The standstill period ends on {standstill_ends.day} {standstill_ends:%B %Y}. "
        f"The rule: {standstill_rule}. Weekends and bank holidays do not count.",
        "You may make representations to us before it ends. We will not confirm the award "
        "until the standstill has ended and every representation has had a response.",
    ]
    return "\n".join(lines)
