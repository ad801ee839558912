"""Reads about interest, clarifications and bids. THE sealing rule lives here.

Before a procurement's bid deadline nobody but the bidding provider can read a bid, its prices
or its documents: not administrators, not commissioners, not evaluators. Every other app, every
page, the API and every export reads bids through these functions, never through Bid.objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from tendercare.organisations.models import Role
from tendercare.organisations.queries import organisation_family
from tendercare.organisations.rules import is_commissioning_staff, is_provider_user
from tendercare.procurement import routes as procurement_routes
from tendercare.procurement.models import (
    Criterion,
    Lot,
    OfferInvitation,
    Procurement,
    Question,
    State,
)

from .models import Bid, BidDocument, Clarification, Interest, PriceLine

# Roles that run a procurement (contract managers and councillors only read).
PROCUREMENT_ROLES = frozenset({Role.COMMISSIONER, Role.PROCUREMENT_LEAD, Role.ADMINISTRATOR})
# States in which providers may register interest, ask and bid.
OPEN_STATES = frozenset({State.PUBLISHED, State.DIALOGUE})
# States in which a procurement has been made public (providers may read it).
PUBLIC_STATES = frozenset(State.values) - {State.DRAFT, State.ROUTE_DECIDED}
# Bids that count as received: a draft or withdrawn bid was never tendered.
RECEIVED = (Bid.Status.SUBMITTED, Bid.Status.EXCLUDED)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def deadline_passed(procurement: Procurement, *, now: dt.datetime | None = None) -> bool:
    """True once bids may be opened. No deadline set means never."""
    return procurement.bid_deadline is not None and _now(now) >= procurement.bid_deadline


def format_moment(moment: dt.datetime | None) -> str:
    """'14:00 on 3 March 2026', in UK local time."""
    if moment is None:
        return "a time not yet set"
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


def _pk(value) -> int | None:
    text = str(value).strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


def _provider_org_id(user) -> int | None:
    return user.organisation_id if is_provider_user(user) and user.organisation_id else None


def is_owner_staff(user, procurement: Procurement) -> bool:
    """Commissioning staff (contract managers too, read-only) of the owner's family."""
    return bool(is_commissioning_staff(user)) and procurement.owner_id in organisation_family(
        user.organisation
    )


def can_run(user, procurement: Procurement) -> bool:
    """Commissioner, procurement lead or administrator of the owner's family."""
    return is_owner_staff(user, procurement) and user.role in PROCUREMENT_ROLES


# Procurements as providers see them --------------------------------------------------------


def opportunities(user) -> QuerySet[Procurement]:
    """Procurements open for interest and bids. Anyone signed in except evaluators, who see
    procurements only through their assignments in the evaluation app."""
    if not (user and user.is_authenticated) or user.role == Role.EVALUATOR:
        return Procurement.objects.none()
    return (
        Procurement.objects.filter(state__in=OPEN_STATES)
        .filter(_direct_visible_q(user))
        .select_related("owner")
        .order_by("bid_deadline", "reference")
    )


DIRECT_ROUTES = sorted(procurement_routes.DIRECT_ROUTES)


def _direct_visible_q(user) -> Q:
    """A direct route (no competition) is for the invited providers and the owner's staff."""
    invited = OfferInvitation.objects.filter(
        procurement=OuterRef("pk"), provider_id=_provider_org_id(user) or 0
    )
    own = Q(owner_id__in=organisation_family(user.organisation)) if user.organisation_id else Q()
    if is_commissioning_staff(user) or user.role == Role.COUNCILLOR:
        return ~Q(route__in=DIRECT_ROUTES) | own
    return ~Q(route__in=DIRECT_ROUTES) | Q(Exists(invited))


def is_invited(organisation_id: int | None, procurement: Procurement) -> bool:
    return bool(organisation_id) and (
        OfferInvitation.objects.filter(
            procurement=procurement, provider_id=organisation_id
        ).exists()
    )


def procurement_for(user, reference: str) -> Procurement | None:
    """A procurement the user may read on the bidding pages: any published one, or any of
    their own family's when they are commissioning staff. Evaluators: none here."""
    if not (user and user.is_authenticated) or user.role == Role.EVALUATOR:
        return None
    procurement = Procurement.objects.select_related("owner").filter(reference=reference).first()
    if procurement is None:
        return None
    if is_owner_staff(user, procurement):
        return procurement
    if procurement.route in procurement_routes.DIRECT_ROUTES:
        # No open competition: only the invited providers read it on the bidding pages.
        if procurement.state in PUBLIC_STATES and is_invited(_provider_org_id(user), procurement):
            return procurement
    elif procurement.state in PUBLIC_STATES:
        return procurement
    if user.role == Role.COUNCILLOR and procurement.owner_id in organisation_family(
        user.organisation
    ):
        return procurement
    return None


def procurements_to_run(user) -> QuerySet[Procurement]:
    """The procurements of the user's family, for the staff pages (clarifications, bids)."""
    if not is_commissioning_staff(user):
        return Procurement.objects.none()
    return Procurement.objects.filter(
        owner_id__in=organisation_family(user.organisation)
    ).select_related("owner")


def is_open(procurement: Procurement) -> bool:
    if procurement.state == State.PUBLISHED:
        return True
    return procurement.state == State.DIALOGUE and procurement.route == "competitive_flexible"


def lots_of(procurement: Procurement) -> QuerySet[Lot]:
    return procurement.lots.all().prefetch_related("band_volumes")


def lot_for(procurement: Procurement, number) -> Lot | None:
    number = _pk(number)
    return None if number is None else procurement.lots.filter(number=number).first()


def requirements_of(procurement: Procurement):
    return procurement.requirements.all()


def questions_for_lot(lot: Lot) -> QuerySet[Question]:
    """The questions a bid for this lot answers: the lot's own and those for every lot.
    Price is given in the price schedule, not as an answer."""
    return (
        Question.objects.filter(criterion__procurement_id=lot.procurement_id)
        .exclude(criterion__kind=Criterion.Kind.PRICE)
        .filter(Q(lots=lot) | Q(lots__isnull=True))
        .distinct()
        .order_by("criterion__order", "number", "id")
    )


def questions_of(procurement: Procurement) -> QuerySet[Question]:
    return (
        Question.objects.filter(criterion__procurement=procurement)
        .exclude(criterion__kind=Criterion.Kind.PRICE)
        .select_related("criterion")
        .order_by("criterion__order", "number", "id")
    )


def band_hours(lot: Lot) -> dict[str, object]:
    return {v.band: v.hours for v in lot.band_volumes.all()}


def interest_of(user, procurement: Procurement) -> Interest | None:
    org = _provider_org_id(user)
    return procurement.interests.filter(provider_id=org).first() if org else None


def has_interest(organisation_id: int | None, procurement: Procurement) -> bool:
    return (
        bool(organisation_id) and procurement.interests.filter(provider_id=organisation_id).exists()
    )


def interest_count(procurement: Procurement) -> int:
    return procurement.interests.count()


# Clarifications ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedClarification:
    """A published question and answer. Deliberately has no field saying who asked."""

    number: int
    question: str
    answer: str
    answered_at: dt.datetime | None


def published_clarifications(procurement: Procurement) -> list[PublishedClarification]:
    rows = (
        procurement.clarifications.filter(published=True)
        .exclude(answer="")
        .order_by("answered_at", "id")
        .values_list("id", "question", "answer", "answered_at")
    )
    return [PublishedClarification(n, q, a, at) for n, (_, q, a, at) in enumerate(rows, start=1)]


def clarifications_for(user, procurement: Procurement) -> QuerySet[Clarification]:
    """Providers: their own questions and every published answer. Staff of the owner: all."""
    if is_owner_staff(user, procurement):
        return procurement.clarifications.select_related("asked_by", "answered_by")
    org = _provider_org_id(user)
    if org:
        return procurement.clarifications.filter(
            Q(asked_by_id=org) | Q(published=True) & ~Q(answer="")
        )
    return Clarification.objects.none()


def clarification_for_staff(user, pk) -> Clarification | None:
    pk = _pk(pk)
    if pk is None:
        return None
    clarification = (
        Clarification.objects.select_related("procurement", "asked_by").filter(pk=pk).first()
    )
    if clarification and can_run(user, clarification.procurement):
        return clarification
    return None


def clarifications_to_answer(user) -> QuerySet[Clarification]:
    """Every clarification on the user's family's procurements, unanswered first."""
    if not (is_commissioning_staff(user) and user.role in PROCUREMENT_ROLES):
        return Clarification.objects.none()
    return (
        Clarification.objects.filter(
            procurement__owner_id__in=organisation_family(user.organisation)
        )
        .select_related("procurement", "asked_by")
        .order_by("published", "answered_at", "asked_at", "id")
    )


def clarifications_visible_to(user) -> QuerySet[Clarification]:
    """For the history page: a provider's own questions; staff: their family's."""
    if is_commissioning_staff(user):
        return Clarification.objects.filter(
            procurement__owner_id__in=organisation_family(user.organisation)
        )
    org = _provider_org_id(user)
    if org:
        return Clarification.objects.filter(asked_by_id=org)
    return Clarification.objects.none()


# Bids: the sealing rule -------------------------------------------------------------------


def bids_for_provider(user, procurement: Procurement) -> QuerySet[Bid]:
    """A provider's own bids on a procurement, at any time."""
    org = _provider_org_id(user)
    if not org:
        return Bid.objects.none()
    return Bid.objects.filter(provider_id=org, lot__procurement=procurement).select_related(
        "lot", "provider"
    )


def bids_openable(procurement: Procurement, *, now: dt.datetime | None = None) -> QuerySet[Bid]:
    """Submitted bids, only once the deadline has passed; before it, nothing at all.
    The evaluation app calls this and then applies assignments and conflicts."""
    if not deadline_passed(procurement, now=now):
        return Bid.objects.none()
    return (
        Bid.objects.filter(lot__procurement=procurement, status=Bid.Status.SUBMITTED)
        .select_related("lot", "provider")
        .order_by("lot__number", "submitted_at", "id")
    )


def bids_received_count(procurement: Procurement) -> int:
    """How many bids are in (a count reveals nothing about any bid; shown before opening)."""
    return Bid.objects.filter(lot__procurement=procurement, status__in=RECEIVED).count()


def bids_received_by_lot(procurement: Procurement) -> list[tuple[Lot, int]]:
    return [(lot, lot.bids.filter(status__in=RECEIVED).count()) for lot in procurement.lots.all()]


def _staff_may_open(user, bid: Bid, now=None) -> bool:
    procurement = bid.lot.procurement
    return (
        bid.status in RECEIVED
        and deadline_passed(procurement, now=now)
        and is_owner_staff(user, procurement)
    )


def bid_for(user, pk, *, now: dt.datetime | None = None) -> Bid | None:
    """A bid, if the user may read it: its own provider always; commissioning staff of the
    owner's family once the deadline has passed. Anyone else, or any junk id: None."""
    pk = _pk(pk)
    if pk is None or not (user and user.is_authenticated):
        return None
    bid = Bid.objects.select_related("lot__procurement__owner", "provider").filter(pk=pk).first()
    if bid is None:
        return None
    if _provider_org_id(user) == bid.provider_id:
        return bid
    if _staff_may_open(user, bid, now):
        return bid
    return None


def own_bid_for_lot(user, lot: Lot) -> Bid | None:
    org = _provider_org_id(user)
    return Bid.objects.filter(lot=lot, provider_id=org).first() if org else None


def bid_prices_visible(user, bid: Bid, *, now: dt.datetime | None = None) -> bool:
    """May this person see the bid's prices? The provider itself; commissioning staff of the
    owner after the deadline; evaluators only after the deadline and once quality scores are
    locked (the evaluation app checks their assignment and conflicts before asking)."""
    if not (user and user.is_authenticated):
        return False
    if _provider_org_id(user) == bid.provider_id:
        return True
    procurement = bid.lot.procurement
    if not deadline_passed(procurement, now=now) or bid.status not in RECEIVED:
        return False
    if user.role == Role.EVALUATOR:
        return procurement.quality_locked_at is not None
    return is_owner_staff(user, procurement)


def prices_of(bid: Bid) -> dict[str, object]:
    """{band or "total": Decimal}. Call only after bid_for / bid_prices_visible said yes."""
    return dict(PriceLine.objects.filter(bid=bid).values_list("band", "amount"))


def documents_of(bid: Bid) -> QuerySet[BidDocument]:
    return bid.documents.all()


def document_for(user, pk, *, now: dt.datetime | None = None) -> BidDocument | None:
    """A bid document, if the user may read its bid (see bid_for)."""
    pk = _pk(pk)
    if pk is None:
        return None
    document = BidDocument.objects.filter(pk=pk).only("id", "bid_id").first()
    if document is None or bid_for(user, document.bid_id, now=now) is None:
        return None
    return BidDocument.objects.select_related("bid").get(pk=pk)


def document_openable(procurement: Procurement, pk, *, now=None) -> BidDocument | None:
    """For the evaluation app, after its own checks: a document of an openable bid."""
    pk = _pk(pk)
    if pk is None:
        return None
    return BidDocument.objects.filter(pk=pk, bid__in=bids_openable(procurement, now=now)).first()


def bids_visible_to(user) -> QuerySet[Bid]:
    """Every bid the user may read anywhere (history page, API list): own bids for providers;
    received bids of the family's procurements whose deadline has passed for staff."""
    org = _provider_org_id(user)
    if org:
        return Bid.objects.filter(provider_id=org)
    if is_commissioning_staff(user):
        return Bid.objects.filter(
            lot__procurement__owner_id__in=organisation_family(user.organisation),
            lot__procurement__bid_deadline__lte=timezone.now(),
            status__in=RECEIVED,
        )
    return Bid.objects.none()


def bids_for_api(user, reference: str = "") -> QuerySet[Bid]:
    qs = bids_visible_to(user).select_related("lot__procurement", "provider")
    if reference:
        qs = qs.filter(lot__procurement__reference=reference)
    return qs.order_by("lot__procurement__reference", "lot__number", "id")
