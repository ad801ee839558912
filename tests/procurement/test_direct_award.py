"""Direct routes end to end: the authority invites the provider(s) to make an offer, only they
can bid, the offer is sealed until its deadline, it is evaluated, then awarded (with letters
and standstill where the route has one, straight from evaluation where it has none)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tendercare.award import services as award
from tendercare.bidding import queries as bidding_queries
from tendercare.bidding import services as bidding
from tendercare.contracts.models import Contract
from tendercare.core.errors import DomainError
from tendercare.evaluation import services as evaluation
from tendercare.organisations.models import Role
from tendercare.procurement import services
from tendercare.procurement.models import OfferInvitation, Procurement, State
from tests.factories import ProviderOrgFactory, UserFactory

PSR_C = {"service_kind": "healthcare", "existing_provider_satisfactory_and_unchanged": True}
PSR_A = {"service_kind": "healthcare", "only_existing_provider_capable": True}
ACT_DIRECT = {
    "service_kind": "social_care",
    "estimated_value": "900000",
    "direct_award_justified": True,
}


def _service():
    from tendercare.contracts.models import ServiceLine

    service, _ = ServiceLine.objects.get_or_create(name="Community nursing")
    return service


def make_direct(owner, by, answers, route, reference="CHS-2026-01"):
    p = services.procurement_create(
        owner=owner,
        reference=reference,
        title="Community nursing",
        estimated_value=Decimal("900000"),
        by=by,
    )
    services.route_decide(procurement=p, answers=answers, chosen_route=route, by=by)
    lot = services.lot_add(
        procurement=p, title="Community nursing", kind="service_line", service=_service(), by=by
    )
    requirement = services.requirement_add(
        procurement=p, code="R1", title="Caseload", text="Keep the caseload", by=by
    )
    questions = []
    for name, kind, weight, key in [
        ("Quality", "quality", 40, "quality_innovation"),
        ("Integration", "quality", 10, "integration"),
        ("Access", "quality", 10, "access"),
        ("Price", "price", 30, "value"),
        ("Social value", "social_value", 10, "social_value"),
    ]:
        criterion = services.criterion_add(
            procurement=p, name=name, kind=kind, weight=weight, by=by, psr_key_criterion=key
        )
        if kind != "price":
            questions.append(
                services.question_add(
                    criterion=criterion,
                    number=f"Q{len(questions) + 1}",
                    text=f"Tell us about {name.lower()}",
                    weight=weight,
                    requirements=[requirement],
                    by=by,
                )
            )
    p.refresh_from_db()
    return p, lot, questions


def invite(p, providers, by, days=7):
    return services.direct_offer_invite(
        procurement=p,
        providers=providers,
        offer_deadline=timezone.now() + dt.timedelta(days=days),
        by=by,
    )


def offer(lot, questions, user, price="850000.00"):
    bid = bidding.bid_start(lot=lot, by=user)
    answers = {str(q.pk): f"Our answer to {q.number}" for q in questions}
    bid = bidding.bid_save(bid=bid, answers=answers, prices={"total": price}, by=user)
    return bidding.bid_submit(bid=bid, by=user)


def pass_deadline(p):
    Procurement.objects.filter(pk=p.pk).update(
        bid_deadline=timezone.now() - dt.timedelta(minutes=5)
    )
    p.refresh_from_db()


def evaluate(p, bid, questions, evaluator, by):
    for question in questions:
        evaluation.assignment_add(procurement=p, question=question, evaluator=evaluator, by=by)
    evaluation.declaration_make(procurement=p, evaluator=evaluator, no_conflicts=True)
    for question in questions:
        evaluation.score_record(
            bid=bid, question=question, evaluator=evaluator, score=4, rationale="Good"
        )
    evaluation.quality_lock(procurement=p, by=by)
    p.refresh_from_db()


@pytest.fixture
def other_provider_user(db):
    return UserFactory(role=Role.PROVIDER, organisation=ProviderOrgFactory(name="Uninvited Ltd"))


def test_psr_c_end_to_end(
    council, commissioner, provider_org, provider_user, other_provider_user, evaluator
):
    p, lot, questions = make_direct(council, commissioner, PSR_C, "psr_direct_c")
    invitations = invite(p, [provider_org], commissioner)
    p.refresh_from_db()
    assert [i.provider for i in invitations] == [provider_org]
    assert p.state == State.PUBLISHED and p.bid_deadline > timezone.now()
    assert not p.notices.exists()  # the PSR has no notice at the invitation
    # Only the invited provider sees it and can make an offer.
    assert bidding_queries.opportunities(provider_user).filter(pk=p.pk).exists()
    assert not bidding_queries.opportunities(other_provider_user).filter(pk=p.pk).exists()
    assert bidding_queries.procurement_for(other_provider_user, p.reference) is None
    with pytest.raises(DomainError, match="only invited providers can make an offer"):
        bidding.bid_start(lot=lot, by=other_provider_user)
    with pytest.raises(DomainError, match="only invited providers can make an offer"):
        bidding.interest_register(procurement=p, by=other_provider_user)
    bid = offer(lot, questions, provider_user)
    # Sealed until the offer deadline: not even the owner's staff can open it.
    assert bidding_queries.bid_for(commissioner, bid.pk) is None
    assert bidding_queries.bid_for(provider_user, bid.pk) is not None
    with pytest.raises(DomainError, match="bid deadline has not passed"):
        award.award_propose_from_evaluation(procurement=p, lot=lot, by=commissioner)

    pass_deadline(p)
    assert bidding_queries.bid_for(commissioner, bid.pk) is not None
    with pytest.raises(DomainError, match="late bids cannot be accepted"):
        bidding.bid_submit(bid=bid, by=provider_user)
    evaluate(p, bid, questions, evaluator, commissioner)
    assert p.state == State.EVALUATION
    assert list(p.state_changes.values_list("to_state", flat=True)) == [
        State.ROUTE_DECIDED,
        State.PUBLISHED,
        State.BIDS_CLOSED,
        State.EVALUATION,
    ]
    with pytest.raises(DomainError, match="Issue the letters first"):
        award.award_confirm(procurement=p, by=commissioner)
    award.award_propose_from_evaluation(procurement=p, lot=lot, by=commissioner)
    letters = award.letters_issue(procurement=p, by=commissioner)
    p.refresh_from_db()
    assert [letter.provider for letter in letters] == [provider_org]
    assert p.state == State.INTENTION_TO_AWARD and p.standstill_ends
    assert p.notices.filter(code="psr_intention").exists()
    with pytest.raises(DomainError, match="standstill period ends"):
        award.award_confirm(procurement=p, by=commissioner, today=p.standstill_ends)
    contracts = award.award_confirm(
        procurement=p, by=commissioner, today=p.standstill_ends + dt.timedelta(days=1)
    )
    p.refresh_from_db()
    assert p.state == State.CONTRACTED
    assert p.notices.filter(code="psr_award").exists()
    contract = Contract.objects.get(pk=contracts[0].pk)
    assert contract.provider == provider_org
    assert contract.annual_value == Decimal("850000.00")
    assert contract.procurement_route == "psr_direct_c"


def test_psr_a_is_confirmed_from_evaluation_without_standstill(
    council, commissioner, provider_org, provider_user, evaluator
):
    p, lot, questions = make_direct(council, commissioner, PSR_A, "psr_direct_a")
    invite(p, [provider_org], commissioner)
    bid = offer(lot, questions, provider_user)
    pass_deadline(p)
    evaluate(p, bid, questions, evaluator, commissioner)
    award.award_propose_from_evaluation(procurement=p, lot=lot, by=commissioner)
    with pytest.raises(DomainError, match="no standstill period"):
        award.letters_issue(procurement=p, by=commissioner)
    contracts = award.award_confirm(procurement=p, by=commissioner)
    p.refresh_from_db()
    assert p.state == State.CONTRACTED and not p.letters.exists()
    assert p.standstill_ends is None
    assert contracts[0].provider == provider_org
    assert p.notices.filter(code="psr_award").exists()


def test_act_direct_award_records_the_uk5_transparency_notice(council, commissioner, provider_org):
    p, _lot, _questions = make_direct(council, commissioner, ACT_DIRECT, "direct_award")
    invite(p, [provider_org], commissioner)
    notice = p.notices.get()
    assert notice.code == "UK5"
    assert notice.body["suppliers"] == [provider_org.name]


def test_wrong_state_and_bad_input_are_refused_with_messages(
    council, commissioner, provider_org, other_provider_user
):
    p, _lot, _questions = make_direct(council, commissioner, PSR_C, "psr_direct_c")
    with pytest.raises(DomainError, match="award to one provider"):
        invite(p, [provider_org, other_provider_user.organisation], commissioner)
    with pytest.raises(DomainError, match="Choose the provider"):
        invite(p, [], commissioner)
    with pytest.raises(DomainError, match="offer deadline must be in the future"):
        invite(p, [provider_org], commissioner, days=-1)
    with pytest.raises(DomainError, match="not a provider"):
        invite(p, [council], commissioner)
    with pytest.raises(DomainError, match="invitation form"):
        services.procurement_transition(procurement=p, to_state=State.PUBLISHED, by=commissioner)
    with pytest.raises(DomainError, match="so you cannot publish"):
        services.procurement_publish(
            procurement=p,
            bid_deadline=timezone.now() + dt.timedelta(days=9),
            clarification_deadline=timezone.now() + dt.timedelta(days=2),
            by=commissioner,
        )
    invite(p, [provider_org], commissioner)
    with pytest.raises(DomainError, match="open for bids, so you cannot invite"):
        invite(p, [provider_org], commissioner)
    with pytest.raises(DomainError, match="Bids stay open until the deadline"):
        services.close_bids(procurement=p, by=commissioner)
    assert OfferInvitation.objects.filter(procurement=p).count() == 1


def test_competitive_routes_cannot_invite(council, commissioner, provider_org):
    p = services.procurement_create(
        owner=council, reference="OPEN-1", title="Home care", estimated_value=1, by=commissioner
    )
    services.route_decide(
        procurement=p,
        answers={"service_kind": "social_care", "estimated_value": "9000000"},
        chosen_route="open",
        by=commissioner,
    )
    with pytest.raises(DomainError, match="competitive: publish the tender notice"):
        invite(p, [provider_org], commissioner)


def test_invite_page(client, council, commissioner, provider_org):
    p, _lot, _questions = make_direct(council, commissioner, PSR_C, "psr_direct_c")
    client.force_login(commissioner)
    url = reverse("procurement:invite", args=[p.pk])
    page = client.get(url)
    assert page.status_code == 200 and provider_org.name in page.content.decode()
    # The detail page's move to 'open for bids' leads to the invitation form, not publishing.
    moved = client.post(reverse("procurement:transition", args=[p.pk]), {"to_state": "published"})
    assert moved.url == url
    empty = client.post(url, {})
    body = empty.content.decode()
    assert "govuk-error-summary" in body
    assert "Choose the provider to invite to make an offer" in body
    assert "Enter the offer deadline date" in body
    deadline = timezone.localtime() + dt.timedelta(days=10)
    done = client.post(
        url,
        {
            "providers": [str(provider_org.pk)],
            "offer_deadline-day": str(deadline.day),
            "offer_deadline-month": str(deadline.month),
            "offer_deadline-year": str(deadline.year),
            "offer_deadline-time": "12:00",
        },
    )
    assert done.status_code == 302
    p.refresh_from_db()
    assert p.state == State.PUBLISHED
    detail = client.get(reverse("procurement:detail", args=[p.pk])).content.decode()
    assert provider_org.name in detail


def test_award_page_offers_confirm_without_letters_on_psr_a(
    client, council, commissioner, provider_org, provider_user, evaluator
):
    p, lot, questions = make_direct(council, commissioner, PSR_A, "psr_direct_a")
    invite(p, [provider_org], commissioner)
    bid = offer(lot, questions, provider_user)
    pass_deadline(p)
    evaluate(p, bid, questions, evaluator, commissioner)
    award.award_propose_from_evaluation(procurement=p, lot=lot, by=commissioner)
    client.force_login(commissioner)
    body = client.get(reverse("award:detail", args=[p.reference])).content.decode()
    assert "Issue letters" not in body
    assert "no standstill period" in body
    assert reverse("award:confirm", args=[p.reference]) in body
    done = client.post(reverse("award:confirm", args=[p.reference]), {})
    assert done.status_code == 302
    p.refresh_from_db()
    assert p.state == State.CONTRACTED
