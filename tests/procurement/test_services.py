import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tendercare.contracts.models import Contract, ContractCommissioner, ServiceLine
from tendercare.core.errors import DomainError, NotAllowed
from tendercare.core.models import AuditLog
from tendercare.procurement import queries, services
from tendercare.procurement.models import Notice, RouteDecision, State, StateChange
from tendercare.programmes import services as programme_services

from .conftest import HOME_CARE, build_model, decide, publish


def _contract(reference, commissioner, provider):
    service, _ = ServiceLine.objects.get_or_create(name="Home care")
    contract = Contract.objects.create(
        reference=reference,
        title="Home care",
        provider=provider,
        service=service,
        annual_value=Decimal("1000000"),
        whole_life_value=Decimal("5000000"),
        start_date=dt.date(2021, 4, 1),
        end_date=dt.date(2026, 10, 31),
        procurement_route="open",
    )
    ContractCommissioner.objects.create(contract=contract, organisation=commissioner)
    return contract


def test_create_links_programme_and_replaced_contracts(council, commissioner, provider_org):
    programme = programme_services.programme_create(
        owner=council, name="Home care 2026", by=commissioner
    )
    old = _contract("MED-001", council, provider_org)
    p = services.procurement_create(
        owner=council,
        reference="MED-HC-1",
        title="Home care",
        estimated_value="5000000",
        programme=programme,
        replaces=[old],
        by=commissioner,
    )
    assert p.programme == programme and list(p.replaces.all()) == [old]
    assert p.state == State.DRAFT
    assert AuditLog.objects.filter(object_type="procurement.procurement", object_id=p.pk).exists()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"reference": " "}, "Enter a reference"),
        ({"title": ""}, "Enter a title"),
        ({"estimated_value": "-5"}, "must be zero or more"),
        ({"estimated_value": "lots"}, "must be an amount in pounds"),
        ({"reference": "MED-HC-2026"}, "already a procurement"),
    ],
)
def test_create_refuses_bad_input(procurement, council, commissioner, kwargs, message):
    args = {"reference": "NEW", "title": "T", "estimated_value": "1"} | kwargs
    with pytest.raises(DomainError, match=message):
        services.procurement_create(owner=council, by=commissioner, **args)


def test_create_refuses_other_councils_programme_and_contracts(
    council, commissioner, other_council, other_commissioner, provider_org
):
    theirs = programme_services.programme_create(
        owner=other_council, name="Theirs", by=other_commissioner
    )
    with pytest.raises(DomainError, match="another organisation"):
        services.procurement_create(
            owner=council,
            reference="X",
            title="T",
            estimated_value=1,
            programme=theirs,
            by=commissioner,
        )
    contract = _contract("KENT-1", other_council, provider_org)
    with pytest.raises(DomainError, match="not commissioned by"):
        services.procurement_create(
            owner=council,
            reference="X",
            title="T",
            estimated_value=1,
            replaces=[contract],
            by=commissioner,
        )
    with pytest.raises(NotAllowed):
        services.procurement_create(
            owner=other_council, reference="X", title="T", estimated_value=1, by=commissioner
        )


def test_route_decision_records_the_advice_and_moves_to_route_decided(procurement, commissioner):
    decision = decide(procurement, commissioner)
    procurement.refresh_from_db()
    assert procurement.state == State.ROUTE_DECIDED
    assert procurement.route == "open" and procurement.regime == "pa2023"
    assert procurement.light_touch
    assert decision.recommended_route == "open"
    assert "light touch threshold of GBP 663,540" in decision.explanation
    assert StateChange.objects.get(procurement=procurement).to_state == State.ROUTE_DECIDED


def test_choosing_another_route_needs_a_rationale(procurement, commissioner):
    with pytest.raises(DomainError, match="Say why you chose Competitive flexible procedure"):
        decide(procurement, commissioner, route="competitive_flexible")
    decision = decide(
        procurement, commissioner, route="competitive_flexible", rationale="Market is new"
    )
    assert decision.rationale == "Market is new"
    # It can be decided again before publishing.
    decide(procurement, commissioner)
    assert RouteDecision.objects.filter(procurement=procurement).count() == 2


def test_routes_of_the_other_regime_or_not_open_are_refused(procurement, commissioner):
    with pytest.raises(DomainError, match="belongs to the Provider Selection Regime"):
        decide(procurement, commissioner, route="psr_competitive", rationale="x")
    with pytest.raises(DomainError, match="not open on these answers"):
        decide(procurement, commissioner, route="direct_award", rationale="x")
    with pytest.raises(DomainError, match="Choose the kind of service"):
        decide(procurement, commissioner, answers={"service_kind": "?"})


def test_psr_route(procurement, commissioner):
    decide(
        procurement, commissioner, answers={"service_kind": "healthcare"}, route="psr_competitive"
    )
    procurement.refresh_from_db()
    assert procurement.regime == "psr2023" and not procurement.light_touch


def test_publish_checks_lots_model_and_deadlines(procurement, commissioner, locality):
    decide(procurement, commissioner)
    now = timezone.now()
    with pytest.raises(DomainError, match="Add at least one lot"):
        publish(procurement, commissioner)
    services.lot_add(procurement=procurement, title="North", locality=locality, by=commissioner)
    with pytest.raises(DomainError, match="Fix the evaluation model before publishing"):
        publish(procurement, commissioner)
    with pytest.raises(DomainError, match="bid deadline must be in the future"):
        services.procurement_publish(
            procurement=procurement,
            bid_deadline=now - dt.timedelta(days=1),
            clarification_deadline=now,
            by=commissioner,
        )
    with pytest.raises(DomainError, match="before the bid deadline"):
        services.procurement_publish(
            procurement=procurement,
            bid_deadline=now + dt.timedelta(days=2),
            clarification_deadline=now + dt.timedelta(days=3),
            by=commissioner,
        )


def test_publish_records_the_tender_notice(published):
    notice = published.notices.get()
    assert (notice.code, notice.title) == ("UK4", "Tender notice")
    assert published.state == State.PUBLISHED
    assert published.bid_deadline > timezone.now()


def test_psr_competitive_publishes_a_contract_notice(procurement, commissioner, locality):
    decide(
        procurement, commissioner, answers={"service_kind": "healthcare"}, route="psr_competitive"
    )
    build_model(procurement, commissioner, locality)
    for c in procurement.criteria.filter(parent=None):
        key = {"quality": "quality_innovation", "price": "value", "social_value": "social_value"}
        c.psr_key_criterion = key.get(c.kind, "")
        c.save()
    with pytest.raises(DomainError, match="Integration, collaboration"):
        publish(procurement, commissioner)
    q = procurement.criteria.get(name="Access")
    q.psr_key_criterion = "access"
    q.save()
    w = procurement.criteria.get(name="Workforce")
    w.psr_key_criterion = "integration"
    w.save()
    assert publish(procurement, commissioner).code == "psr_contract_notice"


def test_setup_is_frozen_once_published(published, commissioner, locality):
    with pytest.raises(DomainError, match="open for bids, so you cannot change lots"):
        services.lot_add(procurement=published, title="More", locality=locality, by=commissioner)
    with pytest.raises(DomainError, match="open for bids"):
        decide(published, commissioner)


def test_bids_close_only_after_the_deadline(published, commissioner):
    with pytest.raises(DomainError, match="cannot be closed before it"):
        services.close_bids(procurement=published, by=commissioner)
    with pytest.raises(DomainError, match="cannot be closed before it"):
        services.procurement_transition(
            procurement=published, to_state=State.BIDS_CLOSED, by=commissioner
        )
    published.bid_deadline = timezone.now() - dt.timedelta(seconds=1)
    published.save()
    services.close_bids(procurement=published, by=commissioner)
    published.refresh_from_db()
    assert published.state == State.BIDS_CLOSED


def test_starting_evaluation_after_the_deadline_closes_bids_first(published):
    published.bid_deadline = timezone.now() - dt.timedelta(seconds=1)
    published.save()
    services.procurement_transition(procurement=published, to_state=State.EVALUATION, by=None)
    assert list(published.state_changes.values_list("to_state", flat=True)) == [
        State.ROUTE_DECIDED,
        State.PUBLISHED,
        State.BIDS_CLOSED,
        State.EVALUATION,
    ]


def test_illegal_transition_is_refused_with_a_message(published, commissioner):
    with pytest.raises(DomainError) as refused:
        services.procurement_transition(
            procurement=published, to_state=State.AWARDED, by=commissioner
        )
    assert "The procurement is open for bids" in refused.value.message
    assert "Allowed now: close bids; cancel the procurement" in refused.value.message
    with pytest.raises(DomainError, match="publish form"):
        services.procurement_transition(
            procurement=published, to_state=State.PUBLISHED, by=commissioner
        )


def test_award_waits_for_the_standstill(published, commissioner):
    p = published
    p.bid_deadline = timezone.now() - dt.timedelta(seconds=1)
    p.save()
    for to in (State.EVALUATION, State.MODERATION, State.INTENTION_TO_AWARD):
        services.procurement_transition(procurement=p, to_state=to, by=commissioner)
    services.notice_record(
        procurement=p,
        code="UK6",
        published_at=timezone.make_aware(dt.datetime(2026, 12, 22, 9, 30)),
        by=commissioner,
    )
    p.refresh_from_db()
    assert (p.standstill_starts, p.standstill_ends) == (dt.date(2026, 12, 22), dt.date(2027, 1, 5))
    with pytest.raises(DomainError, match="ends on 5 January 2027: award from 6 January 2027"):
        services.procurement_transition(
            procurement=p, to_state=State.AWARDED, by=commissioner, today=dt.date(2027, 1, 5)
        )
    services.procurement_transition(
        procurement=p, to_state=State.AWARDED, by=commissioner, today=dt.date(2027, 1, 6)
    )
    services.procurement_transition(procurement=p, to_state=State.CONTRACTED, by=commissioner)


def test_psr_standstill_from_the_intention_notice(procurement, commissioner):
    decide(
        procurement,
        commissioner,
        answers={
            "service_kind": "healthcare",
            "existing_provider_satisfactory_and_unchanged": True,
        },
        route="psr_direct_c",
    )
    services.procurement_transition(
        procurement=procurement, to_state=State.EVALUATION, by=commissioner
    )
    services.procurement_transition(
        procurement=procurement, to_state=State.INTENTION_TO_AWARD, by=commissioner
    )
    services.notice_record(
        procurement=procurement,
        code="psr_intention",
        published_at=timezone.make_aware(dt.datetime(2026, 12, 22, 9)),
        by=commissioner,
    )
    procurement.refresh_from_db()
    assert procurement.standstill_starts == dt.date(2026, 12, 23)
    assert procurement.standstill_ends == dt.date(2027, 1, 7)
    with pytest.raises(DomainError, match="not of the Provider Selection Regime"):
        services.notice_record(procurement=procurement, code="UK6", by=commissioner)


def test_cancelling_after_a_tender_notice_records_uk12(published, commissioner):
    services.procurement_transition(
        procurement=published, to_state=State.CANCELLED, by=commissioner, note="No budget"
    )
    assert list(published.notices.values_list("code", flat=True)) == ["UK4", "UK12"]
    assert queries.is_published(published)


def test_competitive_flexible_stages_and_final_tenders(procurement, commissioner, locality):
    decide(
        procurement,
        commissioner,
        answers=HOME_CARE | {"needs_dialogue": True},
        route="competitive_flexible",
    )
    build_model(procurement, commissioner, locality)
    publish(procurement, commissioner)
    services.stage_set(procurement=procurement, stage="Selection", by=commissioner)
    services.procurement_transition(
        procurement=procurement, to_state=State.DIALOGUE, by=commissioner
    )
    services.stage_set(procurement=procurement, stage="Dialogue round 1", by=commissioner)
    procurement.refresh_from_db()
    assert procurement.stage == "Dialogue round 1"
    notice = publish(procurement, commissioner, days=10)
    procurement.refresh_from_db()
    assert notice.code == "final_tenders"
    assert procurement.state == State.PUBLISHED and procurement.stage == "Final tenders"
    with pytest.raises(DomainError):
        services.stage_set(procurement=procurement, stage=" ", by=commissioner)


def test_stage_is_only_for_competitive_flexible(published, commissioner):
    with pytest.raises(DomainError, match="cannot set the stage"):
        services.stage_set(procurement=published, stage="Round 1", by=commissioner)


def test_lot_validation_and_band_volumes(procurement, commissioner, locality):
    with pytest.raises(DomainError, match="Choose the locality"):
        services.lot_add(procurement=procurement, title="North", by=commissioner)
    with pytest.raises(DomainError, match="needs expected hours"):
        services.lot_add(
            procurement=procurement,
            title="N",
            locality=locality,
            priced_by_band=True,
            by=commissioner,
        )
    with pytest.raises(DomainError, match="Unknown pricing band"):
        services.lot_add(
            procurement=procurement,
            title="N",
            locality=locality,
            band_hours={"moon": 1},
            by=commissioner,
        )
    lot = services.lot_add(
        procurement=procurement,
        title="N",
        locality=locality,
        priced_by_band=True,
        band_hours={"urban": "100", "rural": "50.5"},
        by=commissioner,
    )
    assert queries.lot_band_hours(lot) == {"urban": Decimal("100.0"), "rural": Decimal("50.5")}
    assert queries.evaluated_price(lot, {"urban": Decimal(20), "rural": Decimal(30)}) == Decimal(
        "3515"
    )
    with pytest.raises(DomainError, match="already a lot 1"):
        services.lot_add(
            procurement=procurement, number=1, title="N", locality=locality, by=commissioner
        )
    services.lot_update(
        lot=lot,
        title="North zone",
        kind="zone",
        locality=locality,
        priced_by_band=True,
        band_hours={"fringe": 10},
        excluded="Night sits",
        by=commissioner,
    )
    lot.refresh_from_db()
    assert lot.title == "North zone" and lot.excluded == "Night sits"
    assert queries.lot_band_hours(lot) == {"fringe": Decimal("10.0")}
    assert AuditLog.objects.filter(object_type="procurement.lot", action="update").exists()


def test_criterion_and_question_checks(procurement, commissioner):
    quality = services.criterion_add(
        procurement=procurement, name="Quality", kind="quality", weight=60, by=commissioner
    )
    price = services.criterion_add(
        procurement=procurement, name="Price", kind="price", weight=30, by=commissioner
    )
    with pytest.raises(DomainError, match="between 0 and 100"):
        services.criterion_add(
            procurement=procurement, name="X", kind="quality", weight=101, by=commissioner
        )
    with pytest.raises(DomainError, match="carries no weight"):
        services.criterion_add(
            procurement=procurement, name="X", kind="pass_fail", weight=1, by=commissioner
        )
    with pytest.raises(DomainError, match="same kind"):
        services.criterion_add(
            procurement=procurement,
            name="X",
            kind="price",
            weight=1,
            parent=quality,
            by=commissioner,
        )
    with pytest.raises(DomainError, match="scored by the price formula"):
        services.question_add(criterion=price, number="Q9", text="?", by=commissioner)
    with pytest.raises(DomainError, match="minimum score must be between 0 and 5"):
        services.question_add(
            criterion=quality, number="Q1", text="?", weight=60, minimum_score="7", by=commissioner
        )
    with pytest.raises(DomainError, match="pass or fail question carries no weight"):
        services.question_add(
            criterion=quality, number="Q1", text="?", scale="pass_fail", weight=5, by=commissioner
        )
    services.question_add(criterion=quality, number="Q1", text="?", weight=60, by=commissioner)
    with pytest.raises(DomainError, match="already a question Q1"):
        services.question_add(criterion=quality, number="Q1", text="?", by=commissioner)
    with pytest.raises(DomainError, match="has questions"):
        services.criterion_add(
            procurement=procurement,
            name="Part",
            kind="quality",
            weight=10,
            parent=quality,
            by=commissioner,
        )


def test_price_formula(procurement, commissioner):
    with pytest.raises(DomainError, match="needs a floor and a ceiling"):
        services.price_formula_set(procurement=procurement, formula="benchmark", by=commissioner)
    with pytest.raises(DomainError, match="Choose a price formula"):
        services.price_formula_set(procurement=procurement, formula="guess", by=commissioner)
    services.price_formula_set(
        procurement=procurement,
        formula="benchmark",
        floor="19.50",
        ceiling="27",
        by=commissioner,
    )
    procurement.refresh_from_db()
    assert (procurement.price_floor, procurement.price_ceiling) == (Decimal("19.50"), Decimal(27))


def test_requirements(procurement, commissioner):
    services.requirement_add(
        procurement=procurement, code="R1", title="SPA", text="One number", by=commissioner
    )
    with pytest.raises(DomainError, match="already a requirement R1"):
        services.requirement_add(
            procurement=procurement, code="R1", title="X", text="Y", by=commissioner
        )
    with pytest.raises(DomainError, match="Describe the requirement"):
        services.requirement_add(
            procurement=procurement, code="R2", title="X", text=" ", by=commissioner
        )


def test_notice_record_refuses_unknown_codes(procurement, commissioner):
    with pytest.raises(DomainError, match="Unknown notice"):
        services.notice_record(procurement=procurement, code="UK99", by=commissioner)
    notice = services.notice_record(procurement=procurement, code="UK2", by=commissioner)
    assert notice.title == "Preliminary market engagement notice"
    assert Notice.objects.count() == 1


def test_read_only_and_other_council_users_cannot_change(
    procurement, councillor, other_commissioner, db
):
    from tendercare.organisations.models import Role
    from tests.factories import UserFactory

    manager = UserFactory(role=Role.CONTRACT_MANAGER, organisation=procurement.owner)
    for person in (councillor, other_commissioner, manager):
        with pytest.raises(NotAllowed):
            decide(procurement, person)
