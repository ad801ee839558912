"""Reads about procurements, already scoped to the person asking.

- Commissioning staff and councillors: procurements owned by their organisation's family.
- Evaluators: procurements where they hold an Assignment and have made a Declaration (the
  evaluation app's tables, read here and never written).
- Provider users: published procurements (past draft and route decided).
- The public (no sign-in): published procurements through published_procurements().
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from tendercare.organisations.queries import organisation_family, providers
from tendercare.organisations.rules import is_provider_user

from . import evaluation_model as em
from . import lifecycle, rules
from . import routes as r
from .models import (
    Criterion,
    Lot,
    LotBandVolume,
    Notice,
    OfferInvitation,
    Procurement,
    Question,
    Requirement,
    RouteDecision,
    State,
    StateChange,
)

NOT_PUBLIC = (State.DRAFT, State.ROUTE_DECIDED)


def _published_q() -> Q:
    # Past draft and route decided; a cancelled one only if a notice ever went out.
    has_notice = Exists(Notice.objects.filter(procurement=OuterRef("pk")))
    return ~Q(state__in=NOT_PUBLIC) & (~Q(state=State.CANCELLED) | Q(has_notice))


def published_procurements() -> QuerySet[Procurement]:
    """Procurements the public may read about, as their notices are published."""
    return Procurement.objects.filter(_published_q()).select_related("owner")


def is_published(procurement: Procurement) -> bool:
    return published_procurements().filter(pk=procurement.pk).exists()


def public_procurement(reference: str) -> Procurement | None:
    return published_procurements().filter(reference=reference).first()


def procurements_assigned_to(user) -> QuerySet[Procurement]:
    """Procurements where this evaluator holds an assignment, declared or not (for the
    evaluation app's declaration page)."""
    from tendercare.evaluation.models import Assignment

    if not rules.is_evaluator(user):
        return Procurement.objects.none()
    assigned = Assignment.objects.filter(procurement=OuterRef("pk"), evaluator=user)
    return Procurement.objects.filter(Exists(assigned))


def procurements_visible_to(user) -> QuerySet[Procurement]:
    from tendercare.evaluation.models import Assignment, Declaration

    if not (user and user.is_authenticated):
        return Procurement.objects.none()
    qs = Procurement.objects.select_related("owner")
    if rules.sees_owner_family(user):
        return qs.filter(owner_id__in=organisation_family(user.organisation))
    if rules.is_evaluator(user):
        assigned = Assignment.objects.filter(procurement=OuterRef("pk"), evaluator=user)
        declared = Declaration.objects.filter(procurement=OuterRef("pk"), evaluator=user)
        return qs.filter(Exists(assigned), Exists(declared))
    if is_provider_user(user):
        # A direct route has no open competition: only the providers invited to make an
        # offer see it.
        invited = OfferInvitation.objects.filter(
            procurement=OuterRef("pk"), provider_id=user.organisation_id
        )
        return qs.filter(_published_q()).filter(
            ~Q(route__in=sorted(r.DIRECT_ROUTES)) | Q(Exists(invited))
        )
    return Procurement.objects.none()


def procurement_for(user, pk: int) -> Procurement | None:
    return procurements_visible_to(user).filter(pk=pk).first()


def procurement_by_reference_for(user, reference: str) -> Procurement | None:
    return procurements_visible_to(user).filter(reference=reference).first()


def procurement_by_reference(reference: str) -> Procurement | None:
    """Unscoped: for services and commands, which check who may change what themselves."""
    return Procurement.objects.filter(reference=reference).first()


def procurement_list(user) -> QuerySet[Procurement]:
    return procurements_visible_to(user).prefetch_related("lots").order_by("-created_at")


def is_direct(procurement: Procurement) -> bool:
    """A route without competition: offers come only from invited providers."""
    return procurement.route in r.DIRECT_ROUTES


def offer_invitations_of(procurement: Procurement) -> QuerySet[OfferInvitation]:
    return procurement.offer_invitations.select_related("provider", "invited_by")


def invitable_providers() -> list:
    """Providers in their own name (not merged into another), by name."""
    return list(providers().filter(merged_into__isnull=True).order_by("name"))


def invited_provider_ids(procurement: Procurement) -> set[int]:
    return set(procurement.offer_invitations.values_list("provider_id", flat=True))


def is_invited(procurement: Procurement, organisation_id: int | None) -> bool:
    return bool(organisation_id) and (
        procurement.offer_invitations.filter(provider_id=organisation_id).exists()
    )


def can_manage(user, procurement: Procurement) -> bool:
    return bool(rules.can_manage_procurement(user, procurement))


def can_read_internal(user, procurement: Procurement) -> bool:
    return bool(rules.can_read_internal_record(user, procurement))


def can_create(user) -> bool:
    return bool(rules.may_create_procurements(user))


# --- parts of a procurement, scoped through it (for history pages) --------------------------


def lots_visible_to(user) -> QuerySet[Lot]:
    return Lot.objects.filter(procurement__in=procurements_visible_to(user))


def requirements_visible_to(user) -> QuerySet[Requirement]:
    return Requirement.objects.filter(procurement__in=procurements_visible_to(user))


def criteria_visible_to(user) -> QuerySet[Criterion]:
    return Criterion.objects.filter(procurement__in=procurements_visible_to(user))


def questions_visible_to(user) -> QuerySet[Question]:
    return Question.objects.filter(criterion__procurement__in=procurements_visible_to(user))


# --- reading one procurement ----------------------------------------------------------------


def lots_of(procurement: Procurement) -> QuerySet[Lot]:
    return procurement.lots.select_related("locality", "service").prefetch_related(
        Prefetch("band_volumes", queryset=LotBandVolume.objects.order_by("band"))
    )


def lot_of(procurement: Procurement, lot_id: int) -> Lot | None:
    return lots_of(procurement).filter(pk=lot_id).first()


def lot_band_hours(lot: Lot) -> dict[str, Decimal]:
    return {v.band: v.hours for v in lot.band_volumes.all()}


def evaluated_price(lot: Lot, rates: dict[str, Decimal]) -> Decimal:
    """A banded bid's evaluated price for the lot: sum of rate x expected hours per band."""
    return em.evaluated_price(rates, lot_band_hours(lot))


def requirements_of(procurement: Procurement) -> QuerySet[Requirement]:
    return procurement.requirements.select_related("lot")


def criteria_of(procurement: Procurement) -> QuerySet[Criterion]:
    return procurement.criteria.all()


def questions_of(procurement: Procurement) -> QuerySet[Question]:
    return (
        Question.objects.filter(criterion__procurement=procurement)
        .select_related("criterion")
        .prefetch_related("requirements", "lots")
    )


def criterion_of(procurement: Procurement, pk) -> Criterion | None:
    return procurement.criteria.filter(pk=pk).first()


def notices_of(procurement: Procurement) -> QuerySet[Notice]:
    return procurement.notices.all()


def state_history(procurement: Procurement) -> QuerySet[StateChange]:
    return procurement.state_changes.select_related("by")


def route_decisions_of(procurement: Procurement) -> QuerySet[RouteDecision]:
    return procurement.route_decisions.select_related("decided_by")


@dataclass
class TreeNode:
    criterion: Criterion
    depth: int
    questions: list[Question] = field(default_factory=list)
    children: list[TreeNode] = field(default_factory=list)


def criteria_tree(procurement: Procurement) -> list[TreeNode]:
    """The criteria as a flat list in tree order (parents before their parts), with questions."""
    criteria = list(criteria_of(procurement))
    questions = list(questions_of(procurement))
    by_parent: dict[int | None, list[Criterion]] = {}
    for c in criteria:
        by_parent.setdefault(c.parent_id, []).append(c)
    by_criterion: dict[int, list[Question]] = {}
    for q in questions:
        by_criterion.setdefault(q.criterion_id, []).append(q)
    flat: list[TreeNode] = []

    def walk(parent_id, depth):
        for c in by_parent.get(parent_id, []):
            node = TreeNode(c, depth, by_criterion.get(c.pk, []))
            flat.append(node)
            walk(c.pk, depth + 1)

    walk(None, 0)
    return flat


def model_specs(procurement: Procurement) -> tuple[list[em.CriterionSpec], list[em.QuestionSpec]]:
    criteria = [
        em.CriterionSpec(
            key=str(c.pk),
            name=c.name,
            kind=c.kind,
            weight=c.weight,
            parent=str(c.parent_id) if c.parent_id else None,
            psr_key_criterion=c.psr_key_criterion,
        )
        for c in criteria_of(procurement)
    ]
    questions = [
        em.QuestionSpec(
            key=f"q{q.pk}",
            number=q.number,
            criterion=str(q.criterion_id),
            scale=q.scale,
            weight=q.weight,
            minimum_score=q.minimum_score,
            requirements=tuple(req.code for req in q.requirements.all()),
        )
        for q in questions_of(procurement)
    ]
    return criteria, questions


def model_problems(procurement: Procurement) -> list[em.Problem]:
    """Every problem with the evaluation model and price formula, at once."""
    criteria, questions = model_specs(procurement)
    direct = procurement.route in r.DIRECT_ROUTES
    psr_key = ()
    if procurement.route in (r.PSR_COMPETITIVE, r.PSR_MOST_SUITABLE, r.PSR_DIRECT_C):
        psr_key = tuple(r.PSR_KEY_CRITERIA)
    problems = em.validate(
        criteria,
        questions,
        price_required=not direct,
        psr_key_criteria=psr_key,
        psr_key_criteria_labels=r.PSR_KEY_CRITERIA,
    )
    problems += [
        em.Problem(m)
        for m in em.check_formula(
            procurement.price_formula, procurement.price_floor, procurement.price_ceiling
        )
    ]
    return problems


def allowed_transitions(procurement: Procurement) -> list[lifecycle.Transition]:
    return lifecycle.allowed_transitions(procurement.state, procurement.route)


def advice_for(procurement: Procurement) -> r.Advice | None:
    """The advice behind the latest route decision, worked out again from its answers."""
    decision = route_decisions_of(procurement).first()
    if decision is None:
        return None
    try:
        return r.advise(r.Answers.from_dict(decision.answers))
    except ValueError:
        return None
