"""A procurement with two lots, three bidders and an evaluation model, built with the ORM so
that these tests depend only on the tables of the earlier stages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tendercare.bidding.models import Bid, PriceLine
from tendercare.evaluation import services
from tendercare.organisations.models import Role
from tendercare.procurement.models import Criterion, Lot, Procurement, Question, State
from tests.factories import ProviderOrgFactory, UserFactory


def make_bid(lot, provider, *, price=None, answers=None, minutes_ago=60, status="submitted"):
    bid = Bid.objects.create(
        lot=lot,
        provider=provider,
        status=status,
        submitted_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        answers=answers or {},
    )
    if price is not None:
        PriceLine.objects.create(bid=bid, band="total", amount=Decimal(price))
    return bid


@pytest.fixture
def procurement(db, council):
    return Procurement.objects.create(
        reference="MC-2026-001",
        title="Home care in four zones",
        owner=council,
        route="open",
        regime="pa2023",
        state=State.BIDS_CLOSED,
        bid_deadline=timezone.now() - dt.timedelta(days=1),
    )


@pytest.fixture
def lot(procurement):
    return Lot.objects.create(procurement=procurement, number=1, title="North zone")


@pytest.fixture
def model(procurement):
    quality = Criterion.objects.create(
        procurement=procurement, name="Quality", kind="quality", weight=Decimal("60"), order=1
    )
    social = Criterion.objects.create(
        procurement=procurement,
        name="Social value",
        kind="social_value",
        weight=Decimal("10"),
        order=2,
    )
    Criterion.objects.create(
        procurement=procurement, name="Price", kind="price", weight=Decimal("30"), order=3
    )
    gate = Criterion.objects.create(
        procurement=procurement, name="Insurance", kind="pass_fail", order=0
    )
    q1 = Question.objects.create(
        criterion=quality, number="Q1", text="Single point of access", weight=Decimal("30")
    )
    q2 = Question.objects.create(
        criterion=quality,
        number="Q2",
        text="Workforce retention",
        weight=Decimal("30"),
        minimum_score=Decimal("2"),
    )
    sv = Question.objects.create(
        criterion=social, number="SV1", text="Local jobs", weight=Decimal("10"), scale="0-100"
    )
    pf = Question.objects.create(
        criterion=gate, number="PF1", text="Insurance in place", scale="pass_fail"
    )
    return {"q1": q1, "q2": q2, "sv": sv, "pf": pf}


@pytest.fixture
def bidders(db, provider_org):
    return [
        provider_org,
        ProviderOrgFactory(name="Hilltop Homecare Ltd"),
        ProviderOrgFactory(name="Valley Care CIC"),
    ]


@pytest.fixture
def bids(lot, model, bidders):
    answers = lambda name: {str(q.pk): f"{name} answer to {q.number}" for q in model.values()}  # noqa: E731
    return [
        make_bid(lot, bidders[0], price="1000000", answers=answers("Riverside"), minutes_ago=90),
        make_bid(lot, bidders[1], price="1100000", answers=answers("Hilltop"), minutes_ago=80),
        make_bid(lot, bidders[2], price="1200000", answers=answers("Valley"), minutes_ago=70),
    ]


@pytest.fixture
def second_evaluator(db, council):
    return UserFactory(username="evaluator2", role=Role.EVALUATOR, organisation=council)


@pytest.fixture
def assigned(procurement, model, commissioner, evaluator, second_evaluator):
    """Both evaluators score every question."""
    for q in model.values():
        for person in (evaluator, second_evaluator):
            services.assignment_add(
                procurement=procurement, question=q, evaluator=person, by=commissioner
            )
    return procurement


def declare(procurement, person, conflicts=()):
    return services.declaration_make(
        procurement=procurement,
        evaluator=person,
        no_conflicts=not conflicts,
        conflicts=[(p, "My sister is a director there") for p in conflicts],
        statement="",
    )


@pytest.fixture
def declared(assigned, evaluator, second_evaluator, commissioner):
    for person in (evaluator, second_evaluator, commissioner):
        declare(assigned, person)
    return assigned


def score_all(bids, model, people, values=None):
    """Every person scores every question of every bid; values: {question key: score}."""
    values = values or {"q1": 4, "q2": 3, "sv": 60, "pf": 1}
    for bid in bids:
        for key, q in model.items():
            for person in people:
                services.score_record(
                    bid=bid,
                    question=q,
                    evaluator=person,
                    score=values[key],
                    rationale=f"{person.username} on {q.number}",
                )


@pytest.fixture
def scored(declared, bids, model, evaluator, second_evaluator):
    score_all(bids, model, [evaluator, second_evaluator])
    return declared


@pytest.fixture
def locked(scored, commissioner):
    services.quality_lock(procurement=scored, by=commissioner)
    scored.refresh_from_db()
    return scored
