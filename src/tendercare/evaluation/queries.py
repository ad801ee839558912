"""Reads for evaluation, scoped to the person asking. Sealing lives here: no bid is returned
before the procurement's bid deadline, whoever asks, and only submitted bids are ever read."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from tendercare.bidding.models import Bid
from tendercare.procurement.models import Criterion, Lot, Procurement, Question

from . import rules, scoring
from .models import Assignment, Conflict, Declaration, ModeratedScore, PriceClarification, Score

SCORED_KINDS = (Criterion.Kind.QUALITY, Criterion.Kind.SOCIAL_VALUE, Criterion.Kind.PASS_FAIL)


# ---------------------------------------------------------------------------------------------
# Procurements, declarations, conflicts


def deadline_passed(procurement: Procurement, now=None) -> bool:
    now = now or timezone.now()
    return procurement.bid_deadline is not None and now >= procurement.bid_deadline


def _blocked(user) -> bool:
    """Nobody unsigned, no provider, no councillor ever sees anything of an evaluation."""
    return (
        not rules.is_signed_in(user)
        or rules.is_provider(user)
        or user.role == rules.Role.COUNCILLOR
    )


def may_use_evaluation(user) -> bool:
    return not _blocked(user)


def procurements_visible_to(user) -> QuerySet[Procurement]:
    if _blocked(user):
        return Procurement.objects.none()
    condition = Q(assignments__evaluator=user)
    if rules.is_commissioning(user):
        from tendercare.organisations.queries import organisation_family

        condition |= Q(owner_id__in=organisation_family(user.organisation))
    return Procurement.objects.filter(condition).distinct().select_related("owner")


def procurement_by_reference(user, reference: str) -> Procurement | None:
    return procurements_visible_to(user).filter(reference=reference).first()


def can_read(user, procurement) -> bool:
    return not _blocked(user) and bool(rules.can_read_evaluation(user, procurement))


def can_manage(user, procurement) -> bool:
    return not _blocked(user) and bool(rules.can_manage_evaluation(user, procurement))


def is_assigned(user, procurement) -> bool:
    return (
        not _blocked(user)
        and Assignment.objects.filter(procurement=procurement, evaluator=user).exists()
    )


def declaration_for(user, procurement) -> Declaration | None:
    if _blocked(user):
        return None
    return Declaration.objects.filter(procurement=procurement, evaluator=user).first()


def may_declare(user, procurement) -> bool:
    return is_assigned(user, procurement) or can_read(user, procurement)


def conflicted_provider_ids(user, procurement) -> set[int]:
    return set(
        Conflict.objects.filter(
            declaration__procurement=procurement, declaration__evaluator=user
        ).values_list("provider_id", flat=True)
    )


def declarations_for(procurement) -> QuerySet[Declaration]:
    return (
        Declaration.objects.filter(procurement=procurement)
        .select_related("evaluator")
        .prefetch_related("conflicts__provider")
        .order_by("declared_at", "id")
    )


def conflict_candidates(procurement):
    """Providers an evaluator may name in a declaration: those who registered interest and,
    after the deadline, those who bid. Falls back to every provider if none are known yet."""
    from tendercare.organisations.queries import providers

    ids = set(procurement.interests.values_list("provider_id", flat=True))
    ids |= set(bids_open(procurement).values_list("provider_id", flat=True))
    if ids:
        return providers().filter(pk__in=ids).order_by("name")
    return providers().order_by("name")


# ---------------------------------------------------------------------------------------------
# Bids and questions


def bids_open(procurement: Procurement) -> QuerySet[Bid]:
    """Submitted bids of a procurement, and none at all before its bid deadline.

    Reads through bidding.queries.bids_openable when the bidding app provides it, and guards
    sealing here as well."""
    if not deadline_passed(procurement):
        return Bid.objects.none()
    try:
        from tendercare.bidding.queries import bids_openable
    except ImportError:
        base = Bid.objects.filter(lot__procurement=procurement)
    else:
        openable = bids_openable(procurement)
        if isinstance(openable, QuerySet):
            base = openable
        else:
            base = Bid.objects.filter(pk__in=[b.pk for b in openable])
    return (
        base.filter(lot__procurement=procurement, status=Bid.Status.SUBMITTED)
        .select_related("lot", "provider")
        .order_by("lot__number", "submitted_at", "id")
    )


def scored_questions(procurement: Procurement) -> QuerySet[Question]:
    return (
        Question.objects.filter(
            criterion__procurement=procurement, criterion__kind__in=SCORED_KINDS
        )
        .select_related("criterion")
        .prefetch_related("lots")
        .order_by("criterion__order", "number", "id")
    )


def applies_to(question: Question, lot_id: int) -> bool:
    lot_ids = {lot.pk for lot in question.lots.all()}
    return not lot_ids or lot_id in lot_ids


def questions_for_lot(lot: Lot) -> list[Question]:
    return [q for q in scored_questions(lot.procurement) if applies_to(q, lot.pk)]


def assigned_questions(user, procurement) -> list[Question]:
    ids = set(
        Assignment.objects.filter(procurement=procurement, evaluator=user).values_list(
            "question_id", flat=True
        )
    )
    return [q for q in scored_questions(procurement) if q.pk in ids]


def can_open_bids(user, procurement) -> bool:
    """Signed in, not a provider or councillor, involved (staff or assigned), declared, and
    the bid deadline has passed."""
    if _blocked(user) or not deadline_passed(procurement):
        return False
    if not (can_read(user, procurement) or is_assigned(user, procurement)):
        return False
    return declaration_for(user, procurement) is not None


def bids_visible_to(user, procurement) -> QuerySet[Bid]:
    if not can_open_bids(user, procurement):
        return Bid.objects.none()
    conflicted = conflicted_provider_ids(user, procurement)
    bids = bids_open(procurement).exclude(provider_id__in=conflicted)
    if not can_read(user, procurement):
        lot_ids = {
            lot.pk
            for lot in procurement.lots.all()
            for q in assigned_questions(user, procurement)
            if applies_to(q, lot.pk)
        }
        bids = bids.filter(lot_id__in=lot_ids)
    return bids


def bid_for(user, procurement, bid_id) -> Bid | None:
    try:
        return bids_visible_to(user, procurement).filter(pk=int(bid_id)).first()
    except (TypeError, ValueError):
        return None


def may_score(user, bid: Bid, question: Question) -> bool:
    procurement = bid.lot.procurement
    return (
        question.criterion.procurement_id == procurement.pk
        and question.criterion.kind in SCORED_KINDS
        and applies_to(question, bid.lot_id)
        and Assignment.objects.filter(question=question, evaluator=user).exists()
        and bids_visible_to(user, procurement).filter(pk=bid.pk).exists()
    )


@dataclass
class ScoringTask:
    bid: Bid
    question: Question
    score: Score | None

    @property
    def done(self) -> bool:
        return self.score is not None


def bids_to_score(user, procurement) -> list[ScoringTask]:
    """Each (bid, question) the person is assigned to score, with their own score if any.
    Empty before the deadline, before they declare, and for bidders they are conflicted with."""
    if not can_open_bids(user, procurement):
        return []
    questions = assigned_questions(user, procurement)
    bids = list(bids_visible_to(user, procurement))
    own = {
        (s.bid_id, s.question_id): s
        for s in Score.objects.filter(evaluator=user, bid__in=[b.pk for b in bids])
    }
    return [
        ScoringTask(bid=bid, question=q, score=own.get((bid.pk, q.pk)))
        for bid in bids
        for q in questions
        if applies_to(q, bid.lot_id)
    ]


def own_score(user, bid, question) -> Score | None:
    return Score.objects.filter(bid=bid, question=question, evaluator=user).first()


@dataclass
class WorklistItem:
    procurement: Procurement
    declared: bool
    deadline_passed: bool
    questions: list[Question]
    tasks: int = 0
    done: int = 0
    is_staff: bool = False

    @property
    def status(self) -> str:
        if not self.declared:
            return "Declare your interests first"
        if not self.deadline_passed:
            return "Bids are sealed until the deadline"
        if self.procurement.quality_locked_at:
            return "Quality scores locked"
        if self.tasks and self.done == self.tasks:
            return "All your scores are in"
        return f"{self.done} of {self.tasks} scored"


def evaluator_worklist(user) -> list[WorklistItem]:
    """Procurements where the person has assignments (and, for staff, their own family's
    procurements with evaluation under way); says "Declare your interests first" until done."""
    items = []
    for procurement in procurements_visible_to(user).order_by("bid_deadline", "reference"):
        questions = assigned_questions(user, procurement)
        staff = can_read(user, procurement)
        if not questions and not staff:
            continue
        tasks = bids_to_score(user, procurement)
        items.append(
            WorklistItem(
                procurement=procurement,
                declared=declaration_for(user, procurement) is not None,
                deadline_passed=deadline_passed(procurement),
                questions=questions,
                tasks=len(tasks),
                done=sum(1 for t in tasks if t.done),
                is_staff=staff,
            )
        )
    return items


def assignments_for(procurement) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(procurement=procurement)
        .select_related("question", "evaluator")
        .order_by("question__number", "evaluator__username")
    )


def evaluator_choices(procurement):
    """People who may be assigned: evaluators and commissioning staff of the owner's family."""
    from tendercare.organisations.models import COMMISSIONING_ROLES, Role, User
    from tendercare.organisations.queries import organisation_family

    family = organisation_family(procurement.owner)
    return (
        User.objects.filter(
            Q(role=Role.EVALUATOR, organisation_id__in=family)
            | Q(role=Role.EVALUATOR, organisation__isnull=True)
            | Q(role__in=COMMISSIONING_ROLES, organisation_id__in=family)
        )
        .filter(is_active=True)
        .order_by("last_name", "username")
    )


# ---------------------------------------------------------------------------------------------
# Moderation


@dataclass
class ModerationRow:
    bid: Bid
    question: Question
    scores: list[Score]
    expected: int  # how many assigned evaluators may score this bid
    moderated: ModeratedScore | None
    spread: Decimal = Decimal("0")
    flagged: bool = False

    @property
    def complete(self) -> bool:
        return len(self.scores) >= self.expected and self.expected > 0

    @property
    def final(self) -> Decimal | None:
        return final_score(self.scores, self.moderated, self.question.scale)

    @property
    def needs_moderation(self) -> bool:
        return self.flagged and self.moderated is None


def final_score(scores, moderated, scale) -> Decimal | None:
    """The moderated score when recorded; otherwise the mean of the individual scores unless
    their spread is flagged (then moderation is required and there is no final score yet)."""
    if moderated is not None:
        return moderated.score
    values = [s.score for s in scores]
    if not values or scoring.spread_flagged(values, scale):
        return None
    return scoring.consensus_default(values)


def _moderation_rows(procurement, bids) -> list[ModerationRow]:
    bids = list(bids)
    questions = list(scored_questions(procurement))
    scores = defaultdict(list)
    for s in (
        Score.objects.filter(bid__in=[b.pk for b in bids])
        .select_related("evaluator")
        .order_by("evaluator__username")
    ):
        scores[(s.bid_id, s.question_id)].append(s)
    moderated = {
        (m.bid_id, m.question_id): m
        for m in ModeratedScore.objects.filter(bid__in=[b.pk for b in bids]).select_related(
            "moderated_by"
        )
    }
    assigned = defaultdict(list)
    for a in Assignment.objects.filter(procurement=procurement):
        assigned[a.question_id].append(a.evaluator_id)
    conflicts = defaultdict(set)
    for c in Conflict.objects.filter(declaration__procurement=procurement).select_related(
        "declaration"
    ):
        conflicts[c.declaration.evaluator_id].add(c.provider_id)
    rows = []
    for bid in bids:
        for q in questions:
            if not applies_to(q, bid.lot_id):
                continue
            row_scores = scores[(bid.pk, q.pk)]
            expected = sum(1 for e in assigned[q.pk] if bid.provider_id not in conflicts[e])
            values = [s.score for s in row_scores]
            rows.append(
                ModerationRow(
                    bid=bid,
                    question=q,
                    scores=row_scores,
                    expected=expected,
                    moderated=moderated.get((bid.pk, q.pk)),
                    spread=scoring.spread(values),
                    flagged=scoring.spread_flagged(values, q.scale) if values else False,
                )
            )
    return rows


def moderation_sheet(user, procurement) -> list[ModerationRow]:
    """Per bid and question: every individual score with its rationale, the spread flag and
    the moderated score with its reason. Staff of the owner's family who have declared only."""
    if not can_read(user, procurement):
        return []
    return _moderation_rows(procurement, bids_visible_to(user, procurement))


def moderation_rows_all(procurement) -> list[ModerationRow]:
    """Unscoped: for the services' checks and the report (callers check access)."""
    return _moderation_rows(procurement, bids_open(procurement))


def moderated_score_for(bid, question) -> ModeratedScore | None:
    return ModeratedScore.objects.filter(bid=bid, question=question).first()


# ---------------------------------------------------------------------------------------------
# Prices and results


def prices_visible(user, procurement) -> bool:
    """Prices open only after quality is locked, and only to staff of the owner's family:
    never to evaluators who are not commissioning staff."""
    return bool(procurement.quality_locked_at) and can_read(user, procurement)


def price_weight(procurement) -> Decimal:
    return sum(
        (
            c.weight
            for c in procurement.criteria.filter(kind=Criterion.Kind.PRICE, parent__isnull=True)
        ),
        Decimal("0"),
    )


def evaluated_prices(lot: Lot, bids) -> dict[int, Decimal | None]:
    """Each bid's evaluated price: its total, or for banded lots sum(rate x expected hours)."""
    hours = {v.band: v.hours for v in lot.band_volumes.all()}
    prices: dict[int, Decimal | None] = {}
    for bid in bids:
        lines = {line.band: line.amount for line in bid.prices.all()}
        if lot.priced_by_band:
            try:
                prices[bid.pk] = scoring.evaluated_price(lines, hours) if hours else None
            except scoring.ScoringError:
                prices[bid.pk] = None
        else:
            prices[bid.pk] = lines.get("total")
    return prices


def _abnormal_keys(procurement, prices: dict[int, Decimal | None]) -> set[int]:
    return scoring.abnormally_low(
        {k: v for k, v in prices.items() if v is not None},
        mean_percent=procurement.abnormally_low_mean_percent,
        next_percent=procurement.abnormally_low_next_percent,
    )


@dataclass
class PriceCheckRow:
    bid: Bid
    evaluated_price: Decimal | None
    abnormally_low: bool
    clarification: PriceClarification | None


def price_checks(user, procurement) -> dict[Lot, list[PriceCheckRow]]:
    """Per lot: each bid's evaluated price and whether it is abnormally low. Staff, after the
    quality lock only."""
    if not prices_visible(user, procurement):
        return {}
    result = {}
    for lot in procurement.lots.all():
        bids = list(bids_open(procurement).filter(lot=lot).prefetch_related("prices"))
        prices = evaluated_prices(lot, bids)
        flagged = _abnormal_keys(procurement, prices)
        clarifications = {
            c.bid_id: c for c in PriceClarification.objects.filter(bid__in=[b.pk for b in bids])
        }
        result[lot] = [
            PriceCheckRow(
                bid=b,
                evaluated_price=prices[b.pk],
                abnormally_low=b.pk in flagged,
                clarification=clarifications.get(b.pk),
            )
            for b in bids
        ]
    return result


def is_abnormally_low(bid: Bid) -> bool:
    lot = bid.lot
    bids = list(bids_open(lot.procurement).filter(lot=lot).prefetch_related("prices"))
    return bid.pk in _abnormal_keys(lot.procurement, evaluated_prices(lot, bids))


@dataclass
class BidResult:
    """One bid's line in a lot's results (see lot_results)."""

    bid: Bid
    quality: Decimal
    price: Decimal
    social_value: Decimal
    total: Decimal
    rank: int | None
    passed: bool
    abnormally_low: bool
    price_clarified: bool
    excluded_reason: str
    evaluated_price: Decimal | None = None
    failures: tuple[str, ...] = ()
    questions: list[scoring.QuestionResult] = field(default_factory=list)


def lot_results(lot: Lot) -> list[BidResult]:
    """The ranked results of one lot: THE function the award app reads.

    Returns a list of BidResult(bid, quality, price, social_value, total, rank, passed,
    abnormally_low, price_clarified, excluded_reason, evaluated_price, failures, questions),
    ranked bids first (rank 1, 2, ...), then unranked bids (rank None: failed a pass/fail
    question or a minimum score, not fully scored, unpriced, or excluded).

    - quality / social_value: sum of weight x final score / scale maximum over the lot's
      questions of that kind; the final score is the moderated score, or the mean of the
      individual scores where their spread was not flagged.
    - price: points by the procurement's price formula among eligible bids (0..price weight).
    - total = quality + social_value + price. Tie-break: scoring.TIE_BREAK.
    - abnormally_low / price_clarified: flagged by the procurement's percentages; a recorded
      clarification (accepted or rejected). A rejected one excludes the bid, excluded_reason
      says why.
    Not scoped to a person: callers check access. Sealed: [] before the bid deadline. Check
    lot_results_blockers(lot) before treating the ranking as a decision.
    """
    procurement = lot.procurement
    if not deadline_passed(procurement):
        return []
    bids = list(bids_open(procurement).filter(lot=lot).prefetch_related("prices"))
    questions = questions_for_lot(lot)
    rows = {
        (r.bid.pk, r.question.pk): r
        for r in _moderation_rows(procurement, bids)
        if r.bid.lot_id == lot.pk
    }
    prices = evaluated_prices(lot, bids)
    flagged = _abnormal_keys(procurement, prices)
    clarifications = {
        c.bid_id: c for c in PriceClarification.objects.filter(bid__in=[b.pk for b in bids])
    }
    per_bid, candidates = {}, []
    for bid in bids:
        results = [
            scoring.QuestionResult(
                question=q.pk,
                kind="pass_fail" if q.scale == "pass_fail" else q.criterion.kind,
                scale=q.scale,
                weight=q.weight,
                score=rows[(bid.pk, q.pk)].final if (bid.pk, q.pk) in rows else None,
                minimum=q.minimum_score,
                label=q.number,
            )
            for q in questions
        ]
        sums = scoring.totals(results)
        failures = list(sums.failures)
        if prices[bid.pk] is None:
            failures.append("No complete price")
        clarification = clarifications.get(bid.pk)
        excluded = ""
        if clarification and clarification.outcome == PriceClarification.Outcome.REJECTED:
            excluded = (
                "Abnormally low price; the explanation was rejected: " + clarification.explanation
            )
        per_bid[bid.pk] = (bid, results, tuple(failures), excluded, clarification)
        candidates.append(
            scoring.Candidate(
                key=bid.pk,
                quality=sums.quality,
                social_value=sums.social_value,
                evaluated_price=prices[bid.pk],
                submitted_at=bid.submitted_at,
                passed=not failures,
                excluded=bool(excluded),
            )
        )
    formula = procurement.price_formula
    weight = price_weight(procurement)
    if formula == scoring.BENCHMARK and (
        procurement.price_floor is None or procurement.price_ceiling is None
    ):
        weight = Decimal("0")  # no benchmark set: price cannot be scored (shown as a blocker)
    ranked = scoring.rank(
        candidates,
        formula=formula,
        price_weight=weight,
        floor=procurement.price_floor,
        ceiling=procurement.price_ceiling,
    )
    out = []
    for r in ranked:
        bid, results, failures, excluded, clarification = per_bid[r.key]
        out.append(
            BidResult(
                bid=bid,
                quality=r.quality,
                price=r.price,
                social_value=r.social_value,
                total=r.total,
                rank=r.rank,
                passed=not failures,
                abnormally_low=bid.pk in flagged,
                price_clarified=clarification is not None,
                excluded_reason=excluded,
                evaluated_price=r.evaluated_price,
                failures=failures,
                questions=results,
            )
        )
    return out


def lot_results_blockers(lot: Lot) -> list[str]:
    """Why a lot's ranking is not yet a decision: empty when it is."""
    procurement = lot.procurement
    reasons = []
    if not deadline_passed(procurement):
        return ["The bid deadline has not passed"]
    if not procurement.quality_locked_at:
        reasons.append("Quality scores are not locked")
    if procurement.price_formula == scoring.BENCHMARK and (
        procurement.price_floor is None or procurement.price_ceiling is None
    ):
        reasons.append("The benchmark price formula needs a floor and a ceiling")
    for r in lot_results(lot):
        if r.abnormally_low and not r.price_clarified:
            reasons.append(
                f"{r.bid.provider}'s price is abnormally low: record the clarification first"
            )
    return reasons


def results_for(user, procurement) -> list[tuple[Lot, list[BidResult], list[str]]]:
    """Per lot: results and blockers. Staff of the owner's family, after the quality lock."""
    if not prices_visible(user, procurement):
        return []
    return [(lot, lot_results(lot), lot_results_blockers(lot)) for lot in procurement.lots.all()]


def clarification_for(bid) -> PriceClarification | None:
    return PriceClarification.objects.filter(bid=bid).first()


# ---------------------------------------------------------------------------------------------
# Report and history


def decision_trail(procurement):
    """State changes and audit entries of the procurement and its evaluation records."""
    from tendercare.core.models import AuditLog

    bid_ids = list(bids_open(procurement).values_list("pk", flat=True))
    ids = {
        "procurement.procurement": [str(procurement.pk)],
        "evaluation.assignment": [
            str(pk) for pk in procurement.assignments.values_list("pk", flat=True)
        ],
        "evaluation.declaration": [
            str(pk) for pk in procurement.declarations.values_list("pk", flat=True)
        ],
        "evaluation.score": [
            str(pk) for pk in Score.objects.filter(bid_id__in=bid_ids).values_list("pk", flat=True)
        ],
        "evaluation.moderatedscore": [
            str(pk)
            for pk in ModeratedScore.objects.filter(bid_id__in=bid_ids).values_list("pk", flat=True)
        ],
        "evaluation.priceclarification": [
            str(pk)
            for pk in PriceClarification.objects.filter(bid_id__in=bid_ids).values_list(
                "pk", flat=True
            )
        ],
    }
    condition = Q(pk__in=[])
    for object_type, object_ids in ids.items():
        if object_ids:
            condition |= Q(object_type=object_type, object_id__in=object_ids)
    audit = AuditLog.objects.filter(condition).order_by("at", "id")
    return procurement.state_changes.select_related("by").order_by("at", "id"), audit


def report_data(user, procurement) -> dict | None:
    """Everything the evaluation report holds. Staff of the owner's family, after the lock."""
    if not prices_visible(user, procurement):
        return None
    state_changes, audit = decision_trail(procurement)
    return {
        "procurement": procurement,
        "assignments": list(assignments_for(procurement)),
        "declarations": list(declarations_for(procurement)),
        "rows": moderation_rows_all(procurement),
        "results": [
            (lot, lot_results(lot), lot_results_blockers(lot)) for lot in procurement.lots.all()
        ],
        "clarifications": list(
            PriceClarification.objects.filter(bid__in=bids_open(procurement))
            .select_related("bid__provider", "bid__lot", "recorded_by")
            .order_by("recorded_at")
        ),
        "state_changes": list(state_changes),
        "audit": list(audit),
        "tie_break": scoring.TIE_BREAK,
        "price_weight": price_weight(procurement),
    }


def scores_visible_to(user) -> QuerySet[Score]:
    """History: staff see the scores of their family's procurements after the deadline (and
    not for bidders they are conflicted with); evaluators see their own."""
    if _blocked(user):
        return Score.objects.none()
    condition = Q(evaluator=user)
    for procurement in procurements_visible_to(user):
        if can_read(user, procurement) and can_open_bids(user, procurement):
            condition |= Q(bid__in=bids_visible_to(user, procurement))
    return Score.objects.filter(condition)


def moderated_scores_visible_to(user) -> QuerySet[ModeratedScore]:
    if _blocked(user):
        return ModeratedScore.objects.none()
    condition = Q(pk__in=[])
    for procurement in procurements_visible_to(user):
        if can_read(user, procurement) and can_open_bids(user, procurement):
            condition |= Q(bid__in=bids_visible_to(user, procurement))
    return ModeratedScore.objects.filter(condition)
