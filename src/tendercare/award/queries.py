"""Reads for the award stage, scoped to the person asking.

The award page is for commissioning staff of the owner's organisation family (contract managers
read it but cannot act); a provider user sees only its own organisation's letter; councillors
and evaluators see nothing here. Published procurements' OCDS is public.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from tendercare.bidding import queries as bidding_queries
from tendercare.bidding.models import Bid
from tendercare.organisations.models import Role
from tendercare.organisations.queries import organisation_family
from tendercare.organisations.rules import is_commissioning_staff, is_provider_user
from tendercare.procurement import queries as procurement_queries
from tendercare.procurement import routes
from tendercare.procurement.models import Procurement

from . import allocation
from .models import Award, Letter, Representation

# Roles that may propose, issue letters, record representations and confirm.
MANAGING_ROLES = frozenset({Role.COMMISSIONER, Role.PROCUREMENT_LEAD, Role.ADMINISTRATOR})


def procurements_for_staff(user) -> QuerySet[Procurement]:
    if not is_commissioning_staff(user):
        return Procurement.objects.none()
    return Procurement.objects.filter(owner_id__in=organisation_family(user.organisation))


def procurement_for_staff(user, reference: str) -> Procurement | None:
    return procurements_for_staff(user).filter(reference=reference).first()


def can_manage(user, procurement: Procurement) -> bool:
    return (
        bool(is_commissioning_staff(user))
        and user.role in MANAGING_ROLES
        and procurement.owner_id in organisation_family(user.organisation)
    )


def is_public(procurement: Procurement) -> bool:
    """Published (past draft and route decided; a cancelled one only if a notice went out),
    as the procurement app decides."""
    return procurement_queries.is_published(procurement)


def public_procurement(reference: str) -> Procurement | None:
    return procurement_queries.public_procurement(reference)


def bids_closed(procurement: Procurement) -> bool:
    return procurement.bid_deadline is not None and procurement.bid_deadline <= timezone.now()


def awards_for(procurement: Procurement) -> QuerySet[Award]:
    return (
        Award.objects.filter(lot__procurement=procurement)
        .select_related("lot", "bid__provider", "contract")
        .order_by("lot__number", "rank")
    )


def letters_for(procurement: Procurement) -> QuerySet[Letter]:
    return procurement.letters.select_related("provider").order_by("provider__name")


def representations_for(procurement: Procurement) -> QuerySet[Representation]:
    return procurement.representations.select_related("provider")


def representation_for(procurement: Procurement, pk: int) -> Representation | None:
    return representations_for(procurement).filter(pk=pk).first()


def bids_to_notify(procurement: Procurement) -> QuerySet[Bid]:
    """Every bid that was submitted (and not withdrawn): each bidder gets a letter."""
    return Bid.objects.filter(
        lot__procurement=procurement, status__in=[Bid.Status.SUBMITTED, Bid.Status.EXCLUDED]
    ).select_related("provider", "lot")


def bidders(procurement: Procurement) -> list:
    """Organisations that submitted a bid: only once the bid deadline has passed (sealed
    before it)."""
    if not bids_closed(procurement):
        return []
    seen = {}
    for bid in bids_to_notify(procurement).order_by("provider__name"):
        seen.setdefault(bid.provider_id, bid.provider)
    return list(seen.values())


def letter_for_provider(user, reference: str) -> Letter | None:
    """A provider user's own organisation's letter for this procurement, nothing else."""
    if not is_provider_user(user) or not user.organisation_id:
        return None
    return (
        Letter.objects.select_related("procurement", "provider")
        .filter(procurement__reference=reference, provider_id=user.organisation_id)
        .first()
    )


def bid_annual_price(bid: Bid) -> Decimal | None:
    """The bid's annual price: its total, or its banded hourly rates at the lot's expected
    hours. Read only after the bid deadline (the callers check it)."""
    lines = bidding_queries.prices_of(bid)
    if not lines:
        return None
    if "total" in lines:
        return lines["total"]
    return Decimal(procurement_queries.evaluated_price(bid.lot, lines)).quantize(Decimal("0.01"))


def lot_results(lot):
    """Ranked evaluation results for a lot, when the evaluation app provides them."""
    try:
        from tendercare.evaluation import queries as evaluation_queries
    except ImportError:
        return None
    results = getattr(evaluation_queries, "lot_results", None)
    return list(results(lot)) if results else None


def lot_results_blockers(lot) -> list[str]:
    """Why evaluation's ranking of a lot is not yet a decision (empty when it is)."""
    try:
        from tendercare.evaluation import queries as evaluation_queries
    except ImportError:
        return []
    blockers = getattr(evaluation_queries, "lot_results_blockers", None)
    return list(blockers(lot)) if blockers else []


def awards_visible_to(user) -> QuerySet[Award]:
    """History scoping: staff of the owner's family."""
    if not is_commissioning_staff(user):
        return Award.objects.none()
    return Award.objects.filter(
        lot__procurement__owner_id__in=organisation_family(user.organisation)
    )


def representations_visible_to(user) -> QuerySet[Representation]:
    if not is_commissioning_staff(user):
        return Representation.objects.none()
    return Representation.objects.filter(
        procurement__owner_id__in=organisation_family(user.organisation)
    )


def lots_of(procurement: Procurement) -> list:
    return list(procurement.lots.select_related("service").order_by("number"))


def lot_of(procurement: Procurement, number: int):
    return procurement.lots.filter(number=number).first()


def lot_bids(lot) -> list[Bid]:
    """Submitted bids for a lot, only once the bid deadline has passed (sealed before)."""
    if not bids_closed(lot.procurement):
        return []
    return list(
        Bid.objects.filter(lot=lot, status=Bid.Status.SUBMITTED)
        .select_related("provider")
        .order_by("provider__name")
    )


def letter_recipients(procurement: Procurement) -> list:
    return [letter.provider for letter in letters_for(procurement)]


def award_rows(procurement: Procurement) -> dict[int, list[dict]]:
    """Awards per lot id, with the annual price (shown to staff after the deadline only)."""
    rows: dict[int, list[dict]] = {}
    closed = bids_closed(procurement)
    for award in awards_for(procurement):
        rows.setdefault(award.lot_id, []).append(
            {"award": award, "price": bid_annual_price(award.bid) if closed else None}
        )
    return rows


def has_standstill(procurement: Procurement) -> bool:
    """False for a route without a standstill (PSR direct award A and B): no letters, the
    award is confirmed straight from evaluation. Without a route the default rule applies."""
    try:
        return not procurement.route or routes.route(procurement.route).standstill is not None
    except ValueError:
        return True


def standstill_rule(procurement: Procurement) -> str:
    """The standstill rule in words: the route's (Act s.51 or PSR regulation 12), else ours."""
    try:
        rule = routes.route(procurement.route).standstill if procurement.route else None
    except ValueError:
        rule = None
    return rule.description if rule else allocation.STANDSTILL_RULE
