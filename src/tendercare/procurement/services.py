"""Writes about procurements. Each is one transaction, leaves an audit record, and refuses bad
input with a DomainError a person can act on.

The `by` user, when given, must be allowed to run the procurement (commissioner, procurement lead
or administrator of the owner's family); `by=None` is the system (demo generator, commands).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from tendercare.contracts.models import Contract, ContractCommissioner
from tendercare.core.audit import Auditor, snapshot
from tendercare.core.errors import DomainError, NotAllowed
from tendercare.organisations.queries import organisation_family

from . import evaluation_model as em
from . import lifecycle, queries, rules
from . import routes as r
from .models import (
    PRICING_BANDS,
    Criterion,
    Lot,
    LotBandVolume,
    Notice,
    OfferInvitation,
    PriceFormula,
    Procurement,
    Question,
    Requirement,
    Route,
    RouteDecision,
    State,
    StateChange,
)

BANDS = [code for code, _ in PRICING_BANDS]


def _require_manage(by, procurement: Procurement) -> None:
    if by is not None and not rules.can_manage_procurement(by, procurement):
        raise NotAllowed("You cannot change this procurement")


def _text(value, message: str, *, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message)
    if max_length and len(value) > max_length:
        raise DomainError(
            f"{message.removeprefix('Enter ').capitalize()}: {max_length} characters at most"
        )
    return value


def _money(value, name: str, *, allow_none: bool = False) -> Decimal | None:
    if value is None or value == "":
        if allow_none:
            return None
        raise DomainError(f"Enter the {name}")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise DomainError(f"The {name} must be an amount in pounds") from None
    if not amount.is_finite() or amount < 0:
        raise DomainError(f"The {name} must be zero or more")
    if amount >= Decimal("1e14"):
        raise DomainError(f"The {name} is too large")
    return amount.quantize(Decimal("0.01"))


def _weight(value, name: str) -> Decimal:
    try:
        weight = Decimal(str(value))
    except InvalidOperation:
        raise DomainError(f"The weight of {name} must be a number") from None
    if not weight.is_finite() or weight < 0 or weight > 100:
        raise DomainError(f"The weight of {name} must be between 0 and 100")
    if weight != weight.quantize(Decimal("0.01")):
        raise DomainError(f"The weight of {name} can have at most 2 decimal places")
    return weight.quantize(Decimal("0.01"))


def _require(procurement: Procurement, action: str) -> None:
    try:
        lifecycle.require(procurement.state, procurement.route, action)
    except lifecycle.IllegalAction as exc:
        raise DomainError(str(exc)) from None


def _record_state(procurement: Procurement, to_state: str, *, by, note: str) -> StateChange:
    before = snapshot(procurement)
    change = StateChange.objects.create(
        procurement=procurement,
        from_state=procurement.state,
        to_state=to_state,
        note=note,
        by=by if getattr(by, "is_authenticated", False) else None,
    )
    procurement.state = to_state
    procurement.save(update_fields=["state"])
    auditor = Auditor(by=by)
    auditor.created(change, summary=note or f"State: {State(to_state).label}")
    auditor.updated(procurement, before=before, summary=f"State: {State(to_state).label}")
    return change


# --- the procurement -----------------------------------------------------------------------


@transaction.atomic
def procurement_create(
    *,
    owner,
    reference: str,
    title: str,
    estimated_value,
    by,
    programme=None,
    replaces: Iterable[Contract] = (),
    service=None,
    description: str = "",
) -> Procurement:
    if by is not None and not (
        rules.is_procurement_staff(by) and owner.pk in organisation_family(by.organisation)
    ):
        raise NotAllowed("Only commissioning staff of the owner can start a procurement")
    reference = _text(reference, "Enter a reference", max_length=50)
    title = _text(title, "Enter a title", max_length=300)
    value = _money(estimated_value, "estimated value")
    if Procurement.objects.filter(reference=reference).exists():
        raise DomainError(f"There is already a procurement with the reference {reference}")
    family = organisation_family(owner)
    if programme is not None and programme.owner_id not in family:
        raise DomainError("The programme belongs to another organisation")
    replaces = list(replaces)
    for contract in replaces:
        if not ContractCommissioner.objects.filter(
            contract=contract, organisation_id__in=family
        ).exists():
            raise DomainError(f"Contract {contract.reference} is not commissioned by {owner}")
    procurement = Procurement.objects.create(
        owner=owner,
        reference=reference,
        title=title,
        description=(description or "").strip(),
        programme=programme,
        service=service,
        estimated_value=value,
    )
    procurement.replaces.set(replaces)
    Auditor(by=by).created(procurement, summary=f"Procurement {reference} started")
    return procurement


@transaction.atomic
def route_decide(
    *, procurement: Procurement, answers: Mapping, chosen_route: str, rationale: str = "", by
) -> RouteDecision:
    """Record the advisor's recommendation, the route chosen and why. A route other than the
    recommended one needs a rationale; a route the answers do not allow is refused."""
    _require_manage(by, procurement)
    _require(procurement, "decide_route")
    try:
        parsed = r.Answers.from_dict(dict(answers))
    except ValueError as exc:
        raise DomainError(str(exc)) from None
    advice = r.advise(parsed)
    if chosen_route not in Route.values:
        raise DomainError("Choose a route")
    chosen = r.route(chosen_route)
    if chosen.regime != advice.regime:
        raise DomainError(
            f"{chosen.name} belongs to the {chosen.regime_name}, but these answers put the "
            f"procurement under the {r.REGIME_NAMES[advice.regime]}"
        )
    rationale = (rationale or "").strip()
    if chosen_route != advice.recommended_route:
        if chosen_route not in advice.allowed_routes:
            allowed = ", ".join(r.ROUTES[c].name for c in advice.allowed_routes)
            raise DomainError(f"{chosen.name} is not open on these answers. Open routes: {allowed}")
        if not rationale:
            raise DomainError(
                f"Say why you chose {chosen.name} rather than the recommended {advice.rules.name}"
            )
    decision = RouteDecision.objects.create(
        procurement=procurement,
        answers=parsed.as_dict(),
        recommended_route=advice.recommended_route,
        chosen_route=chosen_route,
        explanation=advice.text(),
        rationale=rationale,
        decided_by=by if getattr(by, "is_authenticated", False) else None,
    )
    before = snapshot(procurement)
    procurement.regime = advice.regime
    procurement.route = chosen_route
    procurement.light_touch = advice.light_touch
    procurement.save(update_fields=["regime", "route", "light_touch"])
    auditor = Auditor(by=by)
    auditor.created(decision, summary=f"Route decided: {chosen.name}")
    auditor.updated(procurement, before=before, summary=f"Route: {chosen.name}")
    if procurement.state == State.DRAFT:
        _record_state(procurement, State.ROUTE_DECIDED, by=by, note=f"Route: {chosen.name}")
    return decision


@transaction.atomic
def procurement_transition(
    *, procurement: Procurement, to_state: str, by, note: str = "", today: dt.date | None = None
) -> StateChange:
    """Move the procurement along its route's state machine. Publishing goes through
    procurement_publish; closing bids checks the deadline; award waits for the standstill.
    Starting evaluation from 'open for bids' closes bids first once the deadline has passed."""
    _require_manage(by, procurement)
    procurement.refresh_from_db()
    if to_state == State.PUBLISHED:
        if procurement.route in r.DIRECT_ROUTES:
            raise DomainError(
                "Invite the provider to make an offer with the invitation form: it needs the "
                "providers and the offer deadline"
            )
        raise DomainError("Publish with the publish form: it needs the deadlines")
    if to_state == State.ROUTE_DECIDED and procurement.state == State.DRAFT:
        raise DomainError("Decide the route with the route advisor")
    if (
        to_state == State.EVALUATION
        and procurement.state == State.PUBLISHED
        and _deadline_passed(procurement)
    ):
        close_bids(procurement=procurement, by=by)
    try:
        move = lifecycle.transition_to(procurement.state, procurement.route, to_state)
    except lifecycle.IllegalAction as exc:
        raise DomainError(str(exc)) from None
    if move.action == "close_bids" and not _deadline_passed(procurement):
        raise DomainError(_before_deadline(procurement))
    if move.action == "award" and procurement.standstill_ends is not None:
        today = today or timezone.localdate()
        if today <= procurement.standstill_ends:
            raise DomainError(
                f"The standstill period ends on {_long(procurement.standstill_ends)}: award from "
                f"{_long(procurement.standstill_ends + dt.timedelta(days=1))}"
            )
    change = _record_state(procurement, to_state, by=by, note=(note or "").strip())
    if move.action == "cancel":
        _termination_notice(procurement, by=by)
    return change


def _termination_notice(procurement: Procurement, *, by) -> None:
    """Under the Act, a procurement ended after a tender or transparency notice gets a UK12."""
    if procurement.regime != r.PROCUREMENT_ACT:
        return
    if procurement.notices.filter(code__in=("UK4", "UK5")).exists():
        _notice(procurement, code="UK12", title="", body={}, by=by, published_at=None)


def _long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _deadline_passed(procurement: Procurement, now: dt.datetime | None = None) -> bool:
    deadline = procurement.bid_deadline
    return deadline is not None and (now or timezone.now()) >= deadline


def _before_deadline(procurement: Procurement) -> str:
    if procurement.bid_deadline is None:
        return "There is no bid deadline: bids cannot be closed"
    local = timezone.localtime(procurement.bid_deadline)
    return (
        f"Bids stay open until the deadline, {local:%H:%M} on {_long(local.date())}: "
        "they cannot be closed before it"
    )


@transaction.atomic
def procurement_publish(
    *,
    procurement: Procurement,
    bid_deadline: dt.datetime,
    clarification_deadline: dt.datetime,
    by,
    now: dt.datetime | None = None,
) -> Notice:
    """Open for bids: checks the evaluation model and lots, sets deadlines, records the tender
    notice (UK4, or the PSR contract notice) and moves to 'open for bids'. From dialogue (the
    competitive flexible procedure) it invites final tenders with new deadlines instead."""
    _require_manage(by, procurement)
    procurement.refresh_from_db()
    now = now or timezone.now()
    final_tenders = procurement.state == State.DIALOGUE
    action = "invite_final_tenders" if final_tenders else "publish"
    _require(procurement, action)
    if bid_deadline is None or clarification_deadline is None:
        raise DomainError("Enter the bid deadline and the clarification deadline")
    if bid_deadline <= now:
        raise DomainError("The bid deadline must be in the future")
    if not now < clarification_deadline < bid_deadline:
        raise DomainError(
            "The clarification deadline must be in the future and before the bid deadline"
        )
    if not procurement.lots.exists():
        raise DomainError("Add at least one lot before publishing")
    problems = queries.model_problems(procurement)
    if problems:
        raise DomainError(
            "Fix the evaluation model before publishing: " + "; ".join(p.message for p in problems)
        )
    before = snapshot(procurement)
    procurement.bid_deadline = bid_deadline
    procurement.clarification_deadline = clarification_deadline
    if final_tenders:
        procurement.stage = "Final tenders"
    procurement.save(update_fields=["bid_deadline", "clarification_deadline", "stage"])
    Auditor(by=by).updated(procurement, before=before, summary="Deadlines set")
    rules_ = r.route(procurement.route)
    note = "Final tenders invited" if final_tenders else "Published"
    _record_state(procurement, State.PUBLISHED, by=by, note=note)
    code = rules_.publish_notice or "UK4"
    body = {
        "bid_deadline": bid_deadline.isoformat(),
        "clarification_deadline": clarification_deadline.isoformat(),
        "lots": [lot.title for lot in procurement.lots.all()],
    }
    if final_tenders:
        body["stage"] = "Final tenders"
        # Invitations to final tenders go to the participants, not to a new public notice.
        return _notice(
            procurement,
            code="final_tenders",
            title="Invitation to submit final tenders",
            body=body,
            by=by,
            published_at=now,
        )
    return _notice(procurement, code=code, title="", body=body, by=by, published_at=now)


# Routes where the law names one provider (the existing one under PSR A and C; the supplier a
# Schedule 5 justification points to under the Act); B and most suitable may invite several.
SINGLE_PROVIDER_ROUTES = frozenset({r.DIRECT_AWARD, r.PSR_DIRECT_A, r.PSR_DIRECT_C})


@transaction.atomic
def direct_offer_invite(
    *,
    procurement: Procurement,
    providers: Iterable,
    offer_deadline: dt.datetime,
    by,
    now: dt.datetime | None = None,
) -> list[OfferInvitation]:
    """A route without competition: invite the chosen provider(s) to make an offer. Records the
    invitations, sets the bid deadline to the offer deadline (offers stay sealed until then),
    records the UK5 transparency notice under the Act (the PSR has no notice at this point:
    its notices come with the intention to award and the award) and moves the procurement to
    'published', which on a direct route means open for offers from the invited only."""
    _require_manage(by, procurement)
    procurement.refresh_from_db()
    now = now or timezone.now()
    if procurement.route and procurement.route not in r.DIRECT_ROUTES:
        raise DomainError(
            f"{r.route(procurement.route).name} is competitive: publish the tender notice "
            "instead of inviting providers"
        )
    _require(procurement, "invite_offer")
    rules_ = r.route(procurement.route)
    providers = list(dict.fromkeys(providers))
    if not providers:
        raise DomainError("Choose the provider to invite to make an offer")
    if procurement.route in SINGLE_PROVIDER_ROUTES and len(providers) > 1:
        raise DomainError(f"{rules_.name} is an award to one provider: choose one provider")
    for provider in providers:
        if provider.kind in provider.COMMISSIONER_KINDS or provider.merged_into_id:
            raise DomainError(f"{provider} cannot be invited: it is not a provider in its own name")
    if offer_deadline is None:
        raise DomainError("Enter the offer deadline")
    if offer_deadline <= now:
        raise DomainError("The offer deadline must be in the future")
    if not procurement.lots.exists():
        raise DomainError("Add at least one lot before inviting an offer")
    problems = queries.model_problems(procurement)
    if problems:
        raise DomainError(
            "Fix the evaluation model before inviting an offer: "
            + "; ".join(p.message for p in problems)
        )
    auditor = Auditor(by=by)
    invitations = []
    for provider in providers:
        invitation = OfferInvitation.objects.create(
            procurement=procurement,
            provider=provider,
            invited_by=by if getattr(by, "is_authenticated", False) else None,
        )
        auditor.created(invitation, summary=f"{provider} invited to make an offer")
        invitations.append(invitation)
    before = snapshot(procurement)
    procurement.bid_deadline = offer_deadline
    procurement.save(update_fields=["bid_deadline"])
    auditor.updated(procurement, before=before, summary="Offer deadline set")
    names = ", ".join(p.name for p in providers)
    _record_state(procurement, State.PUBLISHED, by=by, note=f"Offer invited from {names}")
    if rules_.publish_notice == "UK5":
        _notice(
            procurement,
            code="UK5",
            title="",
            body={
                "suppliers": [p.name for p in providers],
                "offer_deadline": offer_deadline.isoformat(),
                "legal_basis": rules_.legal_basis,
                "lots": [lot.title for lot in procurement.lots.all()],
            },
            by=by,
            published_at=now,
        )
    return invitations


@transaction.atomic
def stage_set(*, procurement: Procurement, stage: str, by) -> Procurement:
    """Name the stage reached in a competitive flexible procedure, e.g. 'Dialogue round 2'."""
    _require_manage(by, procurement)
    _require(procurement, "set_stage")
    stage = _text(stage, "Enter the stage", max_length=100)
    before = snapshot(procurement)
    procurement.stage = stage
    procurement.save(update_fields=["stage"])
    Auditor(by=by).updated(procurement, before=before, summary=f"Stage: {stage}")
    return procurement


@transaction.atomic
def close_bids(*, procurement: Procurement, by, now: dt.datetime | None = None) -> StateChange:
    _require_manage(by, procurement)
    procurement.refresh_from_db()
    _require(procurement, "close_bids")
    if not _deadline_passed(procurement, now):
        raise DomainError(_before_deadline(procurement))
    return _record_state(procurement, State.BIDS_CLOSED, by=by, note="Bid deadline passed")


def _notice(procurement, *, code, title, body, by, published_at) -> Notice:
    title = (title or "").strip() or (r.ALL_NOTICES[code].name if code in r.ALL_NOTICES else code)
    notice = Notice.objects.create(
        procurement=procurement,
        code=code,
        title=title[:200],
        published_at=published_at or timezone.now(),
        body=body or {},
    )
    Auditor(by=by).created(notice, summary=f"{code} {title}")
    return notice


@transaction.atomic
def notice_record(
    *,
    procurement: Procurement,
    code: str,
    by,
    title: str = "",
    published_at: dt.datetime | None = None,
    body: dict | None = None,
) -> Notice:
    """Record a published notice. If it is the notice that starts the route's standstill (UK6
    under the Act, the intention to award under the PSR) and no standstill is set yet, the
    standstill dates are set from its publication date."""
    _require_manage(by, procurement)
    code = (code or "").strip()
    if code not in r.ALL_NOTICES:
        raise DomainError(f"Unknown notice '{code}': use UK1 to UK12, or a PSR notice")
    notice_regime = r.PROVIDER_SELECTION if code in r.PSR_NOTICES else r.PROCUREMENT_ACT
    if procurement.regime and procurement.regime != notice_regime:
        raise DomainError(
            f"{r.ALL_NOTICES[code].name} is a notice of the {r.REGIME_NAMES[notice_regime]}, "
            f"not of the {r.REGIME_NAMES[procurement.regime]}"
        )
    notice = _notice(
        procurement, code=code, title=title, body=body, by=by, published_at=published_at
    )
    if procurement.route and procurement.standstill_starts is None:
        rule = r.route(procurement.route).standstill
        if rule is not None and rule.trigger_notice == code:
            day = timezone.localtime(notice.published_at).date()
            before = snapshot(procurement)
            procurement.standstill_starts = day if rule.counting == "act" else day + dt.timedelta(1)
            procurement.standstill_ends = rule.last_day(day)
            procurement.save(update_fields=["standstill_starts", "standstill_ends"])
            Auditor(by=by).updated(
                procurement,
                before=before,
                summary=f"Standstill ends {_long(procurement.standstill_ends)}",
            )
    return notice


@transaction.atomic
def price_formula_set(
    *, procurement: Procurement, formula: str, by, ceiling=None, floor=None
) -> Procurement:
    _require_manage(by, procurement)
    _require(procurement, "edit_setup")
    if formula not in PriceFormula.values:
        raise DomainError("Choose a price formula")
    ceiling = _money(ceiling, "ceiling", allow_none=True)
    floor = _money(floor, "floor", allow_none=True)
    problems = em.check_formula(formula, floor, ceiling)
    if problems:
        raise DomainError(problems[0])
    before = snapshot(procurement)
    procurement.price_formula = formula
    procurement.price_ceiling = ceiling if formula == PriceFormula.BENCHMARK else None
    procurement.price_floor = floor if formula == PriceFormula.BENCHMARK else None
    procurement.save(update_fields=["price_formula", "price_ceiling", "price_floor"])
    Auditor(by=by).updated(
        procurement, before=before, summary=f"Price formula: {PriceFormula(formula).label}"
    )
    return procurement


# --- lots and requirements ------------------------------------------------------------------


def _band_hours(band_hours: Mapping | None) -> dict[str, Decimal]:
    hours = {}
    for band, value in (band_hours or {}).items():
        if band not in BANDS:
            raise DomainError(f"Unknown pricing band '{band}'")
        if value is None or value == "":
            continue
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise DomainError(f"Hours for the {band} band must be a number") from None
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
            raise DomainError(f"Hours for the {band} band must be zero or more")
        hours[band] = amount.quantize(Decimal("0.1"))
    return hours


def _check_lot_fields(procurement, *, kind, locality, service, priced_by_band, hours):
    if kind not in Lot.Kind.values:
        raise DomainError("Choose whether the lot is a zone or a service line")
    if kind == Lot.Kind.ZONE and locality is None:
        raise DomainError("Choose the locality the zone covers")
    if kind == Lot.Kind.SERVICE_LINE and service is None:
        raise DomainError("Choose the service line")
    if priced_by_band and not any(h > 0 for h in hours.values()):
        raise DomainError("A lot priced by band needs expected hours in at least one band")


def _save_band_hours(lot: Lot, hours: dict[str, Decimal]) -> None:
    lot.band_volumes.exclude(band__in=list(hours)).delete()
    for band, amount in hours.items():
        LotBandVolume.objects.update_or_create(lot=lot, band=band, defaults={"hours": amount})


@transaction.atomic
def lot_add(
    *,
    procurement: Procurement,
    title: str,
    by,
    number: int | None = None,
    kind: str = Lot.Kind.ZONE,
    locality=None,
    service=None,
    in_scope: str = "",
    excluded: str = "",
    annual_value=Decimal("0"),
    priced_by_band: bool = False,
    band_hours: Mapping | None = None,
) -> Lot:
    _require_manage(by, procurement)
    _require(procurement, "edit_setup")
    title = _text(title, "Enter the lot title", max_length=200)
    hours = _band_hours(band_hours)
    _check_lot_fields(
        procurement,
        kind=kind,
        locality=locality,
        service=service,
        priced_by_band=priced_by_band,
        hours=hours,
    )
    if number is None:
        number = (max((lot.number for lot in procurement.lots.all()), default=0)) + 1
    if not (isinstance(number, int) and 1 <= number <= 999):
        raise DomainError("The lot number must be a whole number from 1 to 999")
    if procurement.lots.filter(number=number).exists():
        raise DomainError(f"There is already a lot {number}")
    lot = Lot.objects.create(
        procurement=procurement,
        number=number,
        title=title,
        kind=kind,
        locality=locality if kind == Lot.Kind.ZONE else None,
        service=service,
        in_scope=(in_scope or "").strip(),
        excluded=(excluded or "").strip(),
        annual_value=_money(annual_value or 0, "annual value"),
        priced_by_band=bool(priced_by_band),
    )
    _save_band_hours(lot, hours)
    Auditor(by=by).created(lot, summary=f"{lot} added to {procurement.reference}")
    return lot


@transaction.atomic
def lot_update(
    *,
    lot: Lot,
    by,
    title: str,
    kind: str,
    locality=None,
    service=None,
    in_scope: str = "",
    excluded: str = "",
    annual_value=Decimal("0"),
    priced_by_band: bool = False,
    band_hours: Mapping | None = None,
) -> Lot:
    procurement = lot.procurement
    _require_manage(by, procurement)
    _require(procurement, "edit_setup")
    title = _text(title, "Enter the lot title", max_length=200)
    hours = _band_hours(band_hours)
    _check_lot_fields(
        procurement,
        kind=kind,
        locality=locality,
        service=service,
        priced_by_band=priced_by_band,
        hours=hours,
    )
    before = snapshot(lot)
    lot.title = title
    lot.kind = kind
    lot.locality = locality if kind == Lot.Kind.ZONE else None
    lot.service = service
    lot.in_scope = (in_scope or "").strip()
    lot.excluded = (excluded or "").strip()
    lot.annual_value = _money(annual_value or 0, "annual value")
    lot.priced_by_band = bool(priced_by_band)
    lot.save()
    _save_band_hours(lot, hours)
    summary = "Lot changed; band hours: " + (
        ", ".join(f"{b} {h}" for b, h in sorted(hours.items())) or "none"
    )
    Auditor(by=by).updated(lot, before=before, summary=summary)
    return lot


@transaction.atomic
def requirement_add(
    *, procurement: Procurement, code: str, title: str, text: str, by, lot: Lot | None = None
) -> Requirement:
    _require_manage(by, procurement)
    _require(procurement, "edit_setup")
    code = _text(code, "Enter the requirement code", max_length=20)
    title = _text(title, "Enter the requirement title", max_length=200)
    text = _text(text, "Describe the requirement")
    if lot is not None and lot.procurement_id != procurement.pk:
        raise DomainError("That lot belongs to another procurement")
    if procurement.requirements.filter(code=code).exists():
        raise DomainError(f"There is already a requirement {code}")
    requirement = Requirement.objects.create(
        procurement=procurement, code=code, title=title, text=text, lot=lot
    )
    Auditor(by=by).created(requirement, summary=f"Requirement {code} added")
    return requirement


# --- the evaluation model -------------------------------------------------------------------


@transaction.atomic
def criterion_add(
    *,
    procurement: Procurement,
    name: str,
    kind: str,
    weight,
    by,
    parent: Criterion | None = None,
    order: int | None = None,
    psr_key_criterion: str = "",
) -> Criterion:
    """Add a node of the criteria tree. The whole tree is checked with model_problems(); a
    single node is only checked for what can be wrong on its own."""
    _require_manage(by, procurement)
    _require(procurement, "edit_setup")
    name = _text(name, "Enter the criterion name", max_length=200)
    if kind not in Criterion.Kind.values:
        raise DomainError("Choose the kind of criterion")
    weight = _weight(weight, name)
    if kind == Criterion.Kind.PASS_FAIL and weight != 0:
        raise DomainError("A pass or fail criterion carries no weight: set it to 0")
    if parent is not None:
        if parent.procurement_id != procurement.pk:
            raise DomainError("The parent criterion belongs to another procurement")
        if parent.kind != kind:
            raise DomainError(f"A part of '{parent.name}' must be of the same kind")
        if parent.questions.exists():
            raise DomainError(f"'{parent.name}' has questions: parts cannot be added under it")
    if psr_key_criterion and psr_key_criterion not in r.PSR_KEY_CRITERIA:
        raise DomainError("Choose one of the Provider Selection Regime key criteria")
    if order is None:
        order = procurement.criteria.count() + 1
    criterion = Criterion.objects.create(
        procurement=procurement,
        parent=parent,
        name=name,
        kind=kind,
        weight=weight,
        order=order,
        psr_key_criterion=psr_key_criterion or "",
    )
    Auditor(by=by).created(criterion, summary=f"Criterion '{name}' ({weight}%)")
    return criterion


@transaction.atomic
def question_add(
    *,
    criterion: Criterion,
    number: str,
    text: str,
    by,
    scale: str = Question.Scale.ZERO_TO_FIVE,
    weight=Decimal("0"),
    minimum_score=None,
    requirements: Iterable[Requirement] = (),
    lots: Iterable[Lot] = (),
) -> Question:
    procurement = criterion.procurement
    _require_manage(by, procurement)
    _require(procurement, "edit_setup")
    number = _text(number, "Enter the question number", max_length=20)
    text = _text(text, "Enter the question")
    if scale not in Question.Scale.values:
        raise DomainError("Choose a scoring scale")
    if criterion.kind == Criterion.Kind.PRICE:
        raise DomainError("Price is scored by the price formula: it has no questions")
    if criterion.children.exists():
        raise DomainError(f"'{criterion.name}' has parts: add the question to one of them")
    weight = _weight(weight, number)
    if scale == Question.Scale.PASS_FAIL:
        if weight != 0:
            raise DomainError("A pass or fail question carries no weight: set it to 0")
        if minimum_score not in (None, ""):
            raise DomainError("A pass or fail question has no minimum score")
        minimum = None
    else:
        minimum = None
        if minimum_score not in (None, ""):
            try:
                minimum = Decimal(str(minimum_score))
            except InvalidOperation:
                raise DomainError("The minimum score must be a number") from None
            maximum = em.scale_maximum(scale)
            if not minimum.is_finite() or not 0 <= minimum <= maximum:
                raise DomainError(f"The minimum score must be between 0 and {maximum}")
    if criterion.kind == Criterion.Kind.PASS_FAIL and scale != Question.Scale.PASS_FAIL:
        raise DomainError("Questions under a pass or fail criterion use the pass or fail scale")
    requirements, lots = list(requirements), list(lots)
    if any(req.procurement_id != procurement.pk for req in requirements):
        raise DomainError("A requirement belongs to another procurement")
    if any(lot.procurement_id != procurement.pk for lot in lots):
        raise DomainError("A lot belongs to another procurement")
    if Question.objects.filter(criterion__procurement=procurement, number=number).exists():
        raise DomainError(f"There is already a question {number}")
    try:
        question = Question.objects.create(
            criterion=criterion,
            number=number,
            text=text,
            scale=scale,
            weight=weight,
            minimum_score=minimum,
        )
    except IntegrityError:  # pragma: no cover - the checks above keep to the constraints
        raise DomainError("The question could not be saved") from None
    question.requirements.set(requirements)
    question.lots.set(lots)
    codes = ", ".join(req.code for req in requirements) or "no requirement"
    Auditor(by=by).created(question, summary=f"Question {number} ({weight}%), traced to {codes}")
    return question
