"""Writes for the award stage: propose awards, issue letters (standstill starts), record
representations and responses, confirm the award (contracts created in the register, the old
ones marked with history kept). Each function is one transaction and is audited.

The procurement's state moves only through procurement.services (its lifecycle), and the
standstill is counted only by the route's rule in procurement.routes, applied when the notice
that starts it is recorded. Routes without a standstill (PSR direct award A and B) have no
letters: the award is confirmed straight from evaluation and the PSR contract award notice is
recorded with it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tendercare.bidding.models import Bid
from tendercare.contracts import services as contract_services
from tendercare.contracts.models import (
    COMPETITIVE_ROUTES,
    Contract,
    ContractStatus,
    ProcurementRoute,
)
from tendercare.core.audit import Auditor, snapshot
from tendercare.core.errors import DomainError
from tendercare.procurement import lifecycle
from tendercare.procurement import routes as r
from tendercare.procurement import services as procurement_services
from tendercare.procurement.models import Lot, Notice, Procurement, Regime, State

from . import allocation, queries
from .models import Award, Letter, Representation

# States from which the award can no longer be changed.
CLOSED_STATES = (State.AWARDED, State.CONTRACTED, State.CANCELLED)
# Awards are proposed once evaluation has started, before the letters go.
PROPOSING_STATES = (State.EVALUATION, State.MODERATION)
CONTRACT_TERM_YEARS = 3


def _long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _check_bids_closed(procurement: Procurement) -> None:
    if procurement.bid_deadline is None or procurement.bid_deadline > timezone.now():
        raise DomainError(
            f"Bids for {procurement.reference} are sealed until the bid deadline: "
            "awards can be made only after it"
        )


def _check_open(procurement: Procurement) -> None:
    if procurement.state in CLOSED_STATES:
        raise DomainError(
            f"{procurement.reference} is {procurement.get_state_display().lower()}: "
            "the award cannot be changed"
        )


def _standstill(procurement: Procurement) -> r.Standstill | None:
    """The route's standstill rule (None for a route without one, or no route yet)."""
    return r.route(procurement.route).standstill if procurement.route else None


def _route_name(procurement: Procurement) -> str:
    return r.route(procurement.route).name if procurement.route else "A procurement with no route"


def _require(procurement: Procurement, action: str, *, first: str = "") -> None:
    """The lifecycle's refusal, word for word, after `first` when there is more to say."""
    try:
        lifecycle.require(procurement.state, procurement.route, action)
    except lifecycle.IllegalAction as exc:
        raise DomainError(f"{first} {exc}".strip()) from None


def _move(
    procurement: Procurement, to: str, *, by, note: str, today: dt.date | None = None
) -> Procurement:
    """Move the procurement through the procurement app's state machine; a refusal stands."""
    procurement_services.procurement_transition(
        procurement=procurement, to_state=to, by=by, note=note, today=today
    )
    procurement.refresh_from_db()
    return procurement


def _normalise(item) -> tuple[Bid, bool, str]:
    """A ranked item is a Bid or an evaluation result with .bid, .passed, .excluded_reason."""
    if hasattr(item, "bid"):
        reason = getattr(item, "excluded_reason", "") or ""
        ranked = getattr(item, "rank", 0) is not None  # evaluation lists unranked bids last
        return item.bid, bool(getattr(item, "passed", True)) and ranked and not reason, reason
    return item, True, ""


def award_propose(*, procurement: Procurement, lot: Lot, ranked_bids, by, passed=None) -> list:
    """Propose the awards for one lot from bids in rank order (best first).

    Excluded, withdrawn or failed bids are skipped (`passed(bid) -> bool` may add a test of
    its own). A zone lot gets a prime provider and up to procurement.supplementary_per_lot
    supplementary providers in rank order; any other lot one sole provider. Proposing again
    before the letters go replaces the lot's earlier proposal."""
    if lot.procurement_id != procurement.pk:
        raise DomainError(f"{lot} is not a lot of {procurement.reference}")
    _check_bids_closed(procurement)
    _check_open(procurement)
    if procurement.state not in PROPOSING_STATES and procurement.standstill_starts is None:
        raise DomainError(
            f"{procurement.reference} is {procurement.get_state_display().lower()}: awards are "
            "proposed during evaluation or moderation"
        )
    if procurement.standstill_starts is not None:
        raise DomainError(
            "The letters have been issued and the standstill has started: the proposed "
            "awards can no longer be changed"
        )
    eligible: list[Bid] = []
    seen: set[int] = set()
    for item in ranked_bids:
        bid, ok, _reason = _normalise(item)
        if bid.lot_id != lot.pk:
            raise DomainError(f"The bid by {bid.provider} is not for {lot}")
        if bid.pk in seen:
            raise DomainError(f"The bid by {bid.provider} is listed twice")
        seen.add(bid.pk)
        if not ok or bid.status != Bid.Status.SUBMITTED or (passed and not passed(bid)):
            continue
        eligible.append(bid)
    if not eligible:
        raise DomainError(f"{lot} has no bid that passed evaluation: nothing can be awarded")
    roles = allocation.roles_for(
        len(eligible),
        zone=lot.kind == Lot.Kind.ZONE,
        supplementary=procurement.supplementary_per_lot,
    )
    auditor = Auditor(by=by)
    with transaction.atomic():
        for old in Award.objects.filter(lot=lot):
            if old.status != Award.Status.PROPOSED:
                raise DomainError(f"{lot} already has a confirmed award")
            auditor.deleted(old, summary="Replaced by a new proposal")
            old.delete()
        awards = []
        for rank, (bid, role) in enumerate(zip(eligible, roles, strict=False), start=1):
            award = Award.objects.create(lot=lot, bid=bid, role=role, rank=rank, decided_by=by)
            auditor.created(award, summary=f"Proposed: {award.get_role_display()} (rank {rank})")
            awards.append(award)
    return awards


def award_propose_from_evaluation(*, procurement: Procurement, lot: Lot, by) -> list:
    """award_propose with the ranking from evaluation (evaluation.queries.lot_results), once
    evaluation says the ranking is a decision (no blockers)."""
    blockers = queries.lot_results_blockers(lot)
    if blockers:
        raise DomainError(f"The ranking of {lot} is not final yet: " + "; ".join(blockers))
    results = queries.lot_results(lot)
    if results is None:
        raise DomainError("Evaluation results are not available yet: give the ranking by hand")
    return award_propose(procurement=procurement, lot=lot, ranked_bids=results, by=by)


def _scores(result) -> allocation.Scores | None:
    if result is None:
        return None
    return allocation.Scores(
        quality=getattr(result, "quality", None),
        price=getattr(result, "price", None),
        social_value=getattr(result, "social_value", None),
        total=getattr(result, "total", None),
        rank=getattr(result, "rank", None),
    )


def letters_issue(
    *, procurement: Procurement, by, summaries=None, issued_on: dt.date | None = None
) -> list:
    """One letter to every bidder, successful or not, with its own scores against the
    highest-ranked bid's (never another bidder's name or price). Records the notice that
    starts the route's standstill (UK6 under the Act, the intention to award under the PSR),
    whose dates the procurement app sets by the route's rule, and moves the procurement to
    intention to award. Routes without a standstill have no letters: confirm the award.

    `summaries`: evaluation results (objects with bid, quality, price, social_value, total,
    rank and optionally excluded_reason); when None they come from evaluation if it exists."""
    _check_bids_closed(procurement)
    _check_open(procurement)
    if procurement.letters.exists():
        raise DomainError(
            f"The letters for {procurement.reference} were issued already; the standstill ends "
            f"on {_long(procurement.standstill_ends)}"
        )
    rule = _standstill(procurement)
    if rule is None:
        raise DomainError(
            f"{_route_name(procurement)} has no standstill period, so there are no "
            "intention-to-award letters: confirm the award directly"
            if procurement.route
            else "Decide the route first: its standstill rule says when the letters can go"
        )
    _require(procurement, "intend_award")
    awards = list(queries.awards_for(procurement).filter(status=Award.Status.PROPOSED))
    if not awards:
        raise DomainError("Propose the awards before issuing the letters")
    issued_on = issued_on or timezone.localdate()
    lots = list(procurement.lots.all())
    if summaries is None:
        summaries = []
        for lot in lots:
            summaries.extend(queries.lot_results(lot) or [])
    by_bid = {item.bid.pk: item for item in summaries}
    winners = {a.lot_id: a.bid_id for a in awards if a.rank == 1}
    role_of = {a.bid_id: a.role for a in awards}
    providers: dict = {}
    for bid in queries.bids_to_notify(procurement):
        providers.setdefault(bid.provider, []).append(bid)

    auditor = Auditor(by=by)
    with transaction.atomic():
        _publish_standstill_notice(procurement, rule, awards, issued_on=issued_on, by=by)
        ends = procurement.standstill_ends
        letters = []
        for provider, provider_bids in sorted(providers.items(), key=lambda p: p[0].name):
            outcomes = []
            for bid in sorted(provider_bids, key=lambda b: b.lot.number):
                result = by_bid.get(bid.pk)
                reason = bid.excluded_reason if bid.status == Bid.Status.EXCLUDED else ""
                reason = reason or getattr(result, "excluded_reason", "") or ""
                if bid.status == Bid.Status.EXCLUDED and not reason:
                    reason = "Excluded"
                winner = winners.get(bid.lot_id)
                outcomes.append(
                    allocation.LotOutcome(
                        lot_label=f"Lot {bid.lot.number}: {bid.lot.title}",
                        role=role_of.get(bid.pk),
                        own=_scores(result),
                        winner=_scores(by_bid.get(winner)) if winner else None,
                        excluded_reason=reason,
                    )
                )
            letter = Letter.objects.create(
                procurement=procurement,
                provider=provider,
                successful=any(o.role for o in outcomes),
                body=allocation.letter_body(
                    provider_name=provider.name,
                    procurement_reference=procurement.reference,
                    procurement_title=procurement.title,
                    outcomes=outcomes,
                    standstill_ends=ends,
                    standstill_rule=rule.description,
                ),
            )
            auditor.created(letter, summary="Letter issued")
            letters.append(letter)
        _move(
            procurement,
            State.INTENTION_TO_AWARD,
            by=by,
            note=f"Letters issued; standstill ends {_long(ends)}",
            today=issued_on,
        )
    return letters


def _awards_body(awards) -> dict:
    return {
        "awards": [
            {
                "lot": a.lot.number,
                "lot_title": a.lot.title,
                "supplier": a.bid.provider.name,
                "role": a.role,
                "rank": a.rank,
            }
            for a in awards
        ],
    }


def _published_at(day: dt.date) -> dt.datetime:
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def _publish_standstill_notice(
    procurement: Procurement, rule: r.Standstill, awards, *, issued_on: dt.date, by
) -> Notice:
    """The notice that starts the standstill (rule.trigger_notice: UK6 under the Act, the
    intention to award under the PSR), recorded through procurement.services.notice_record,
    which sets the standstill dates by the route's rule. If that notice was recorded already
    (by hand, on the procurement's notices page) its standstill stands."""
    notice = procurement.notices.filter(code=rule.trigger_notice).order_by("published_at").first()
    if notice is None or procurement.standstill_ends is None:
        notice = procurement_services.notice_record(
            procurement=procurement,
            code=rule.trigger_notice,
            published_at=_published_at(issued_on),
            body=_awards_body(awards),
            by=by,
        )
        procurement.refresh_from_db()
    notice.body = {
        **notice.body,
        "standstill_starts": procurement.standstill_starts.isoformat(),
        "standstill_ends": procurement.standstill_ends.isoformat(),
    }
    notice.save(update_fields=["body"])
    return notice


def representation_record(
    *, procurement: Procurement, provider, received_on: dt.date, text: str, by
) -> Representation:
    """A bidder's representation during standstill. The award cannot be confirmed until it
    has a response."""
    if procurement.standstill_starts is None:
        raise DomainError("Representations are recorded after the letters have been issued")
    _check_open(procurement)
    _require(procurement, "make_representation")
    if not text.strip():
        raise DomainError("Enter the representation")
    if not procurement.letters.filter(provider=provider).exists():
        raise DomainError(f"{provider} did not bid in {procurement.reference}")
    with transaction.atomic():
        representation = Representation.objects.create(
            procurement=procurement,
            provider=provider,
            received_on=received_on,
            text=text.strip(),
            recorded_by=by,
        )
        Auditor(by=by).created(representation, summary="Representation recorded")
    return representation


def representation_respond(
    *,
    representation: Representation,
    response: str,
    by,
    outcome: str = "",
    responded_on: dt.date | None = None,
) -> Representation:
    if not response.strip():
        raise DomainError("Enter the response")
    _check_open(representation.procurement)
    before = snapshot(representation)
    representation.response = response.strip()
    representation.outcome = outcome.strip()
    representation.responded_on = responded_on or timezone.localdate()
    representation.responded_by = by
    with transaction.atomic():
        representation.save()
        Auditor(by=by).updated(representation, before=before, summary="Response recorded")
    return representation


def _default_start(procurement: Procurement, today: dt.date) -> dt.date:
    ends = [c.end_date for c in procurement.replaces.all()]
    start = today + dt.timedelta(days=1)
    if ends:
        start = max(start, max(ends) + dt.timedelta(days=1))
    return start


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def award_confirm(
    *,
    procurement: Procurement,
    by,
    today: dt.date | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> list[Contract]:
    """Confirm the proposed awards: creates a contract in the register for each award and marks
    the contracts the procurement replaces (expired, or recommissioning until the new ones
    start). A route with a standstill needs the letters first, the standstill ended and every
    representation answered; a route without one (PSR direct award A and B) is confirmed from
    evaluation. Under the PSR the contract award notice is recorded with the award."""
    today = today or timezone.localdate()
    _check_open(procurement)
    rule = _standstill(procurement)
    if rule is not None:
        if procurement.state != State.INTENTION_TO_AWARD or procurement.standstill_ends is None:
            first = (
                f"Issue the letters first: {_route_name(procurement)} has a standstill "
                f"({rule.description}) that must end before the award."
            )
            _require(procurement, "award", first=first)
            raise DomainError(first)
        if today <= procurement.standstill_ends:
            raise DomainError(
                f"The standstill period ends on {_long(procurement.standstill_ends)}: the award "
                f"can be confirmed from "
                f"{_long(procurement.standstill_ends + dt.timedelta(days=1))}"
            )
        waiting = list(procurement.representations.filter(response=""))
        if waiting:
            names = ", ".join(sorted({r.provider.name for r in waiting}))
            raise DomainError(
                f"Respond to every representation before confirming the award (waiting: "
                f"{names}; the standstill ended on {_long(procurement.standstill_ends)})"
            )
    else:
        _require(procurement, "award")
    awards = list(
        queries.awards_for(procurement)
        .filter(status=Award.Status.PROPOSED)
        .select_related("lot", "bid__provider")
    )
    if not awards:
        raise DomainError("There are no proposed awards to confirm")
    start_date = start_date or _default_start(procurement, today)
    end_date = end_date or (_years_later(start_date, CONTRACT_TERM_YEARS) - dt.timedelta(days=1))
    if end_date < start_date:
        raise DomainError("The contracts' end date must be on or after their start date")
    route = procurement.route if procurement.route in ProcurementRoute.values else ""
    if not route:
        route = ProcurementRoute.LIGHT_TOUCH if procurement.light_touch else ProcurementRoute.OPEN
    status = ContractStatus.PLANNED if start_date > today else ContractStatus.ACTIVE
    auditor = Auditor(by=by)
    contracts = []
    with transaction.atomic():
        supplementary_count: dict[int, int] = {}
        for award in awards:
            lot = award.lot
            service = lot.service or procurement.service
            if service is None:
                raise DomainError(
                    f"Set the service line of lot {lot.number} or of the procurement before "
                    "confirming the award"
                )
            price = queries.bid_annual_price(award.bid)
            if price is None:
                raise DomainError(f"The bid by {award.bid.provider} for {lot} has no price")
            position = 0
            if award.role == Award.Role.SUPPLEMENTARY:
                position = supplementary_count[lot.pk] = supplementary_count.get(lot.pk, 0) + 1
            contract = contract_services.contract_create(
                reference=allocation.contract_reference(
                    procurement.reference, lot.number, award.role, position
                ),
                title=f"{procurement.title}: {lot.title} ({award.get_role_display().lower()})",
                provider=award.bid.provider,
                service=service,
                annual_value=price,
                start_date=start_date,
                end_date=end_date,
                procurement_route=route,
                shares=[(procurement.owner, Decimal(100))],
                status=status,
                last_competed_on=today if route in COMPETITIVE_ROUTES else None,
                notes=f"Awarded in procurement {procurement.reference}, lot {lot.number}, "
                f"{award.get_role_display().lower()} (rank {award.rank}).",
                by=by,
            )
            before = snapshot(award)
            award.status = Award.Status.CONFIRMED
            award.contract = contract
            award.save(update_fields=["status", "contract"])
            auditor.updated(award, before=before, summary=f"Confirmed: contract {contract}")
            contracts.append(contract)
        new_refs = ", ".join(c.reference for c in contracts)
        for old in procurement.replaces.all():
            ended = old.end_date < start_date and old.end_date <= today
            note = (
                f"Replaced by {new_refs} (procurement {procurement.reference}, awarded "
                f"{_long(today)}; new contracts start {_long(start_date)})."
            )
            contract_services.contract_update(
                contract=old,
                status=ContractStatus.EXPIRED if ended else ContractStatus.RECOMMISSIONING,
                notes=f"{old.notes}\n{note}".strip(),
                by=by,
            )
        _move(
            procurement,
            State.AWARDED,
            by=by,
            note="Award confirmed after standstill" if rule else "Award confirmed (no standstill)",
            today=today,
        )
        if procurement.regime == Regime.PROVIDER_SELECTION:
            # PSR regulations 7 to 11: the contract award notice follows every award.
            procurement_services.notice_record(
                procurement=procurement,
                code=r.PSR_AWARD,
                published_at=_published_at(today),
                body={**_awards_body(awards), "contracts": [c.reference for c in contracts]},
                by=by,
            )
        _move(
            procurement,
            State.CONTRACTED,
            by=by,
            note=f"Contracts in the register: {new_refs}",
            today=today,
        )
    return contracts
