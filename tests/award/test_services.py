"""Award services: proposal in rank order, letters, standstill, representations, confirmation
into the register with the replaced contracts' history kept."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tendercare.award import services
from tendercare.award.models import Award, Letter
from tendercare.bidding.models import Bid
from tendercare.contracts.models import Contract, ContractStatus
from tendercare.core.errors import DomainError
from tendercare.core.models import AuditLog
from tendercare.procurement.models import Notice, State, StateChange

from .conftest import result

pytestmark = pytest.mark.django_db


def test_zone_lot_gets_prime_and_n_supplementary_in_rank_order(proposed, bids):
    awards = list(Award.objects.filter(lot=bids.zone).order_by("rank"))
    assert [(a.rank, a.role, a.bid) for a in awards] == [
        (1, "prime", bids.zone_bids[0]),
        (2, "supplementary", bids.zone_bids[1]),
        (3, "supplementary", bids.zone_bids[2]),
    ]
    assert not Award.objects.filter(bid=bids.zone_bids[3]).exists()  # fourth: no award
    line = list(Award.objects.filter(lot=bids.line))
    assert [(a.role, a.bid) for a in line] == [("sole", bids.line_bids[0])]
    assert AuditLog.objects.filter(object_type="award.award", action="create").count() == 4


def test_n_is_configurable(procurement, bids, results, commissioner):
    procurement.supplementary_per_lot = 1
    procurement.save()
    awards = services.award_propose(
        procurement=procurement, lot=bids.zone, ranked_bids=results["zone"], by=commissioner
    )
    assert [a.role for a in awards] == ["prime", "supplementary"]


def test_failed_and_excluded_bids_are_skipped(procurement, bids, results, commissioner):
    z = bids.zone_bids
    z[1].status = Bid.Status.EXCLUDED
    z[1].save()
    ranked = [
        result(z[0], 1, "50", "20", "5", passed=False),  # failed a pass/fail question
        results["zone"][1],
        results["zone"][2],
        results["zone"][3],
    ]
    awards = services.award_propose(
        procurement=procurement, lot=bids.zone, ranked_bids=ranked, by=commissioner
    )
    assert [(a.role, a.bid) for a in awards] == [("prime", z[2]), ("supplementary", z[3])]


def test_plain_bid_list_with_passed_predicate(procurement, bids, commissioner):
    z = bids.zone_bids
    awards = services.award_propose(
        procurement=procurement,
        lot=bids.zone,
        ranked_bids=[z[3], z[0], z[1]],
        passed=lambda bid: bid != z[0],
        by=commissioner,
    )
    assert [(a.rank, a.bid) for a in awards] == [(1, z[3]), (2, z[1])]


def test_proposing_again_replaces_the_proposal(proposed, bids, results, commissioner):
    services.award_propose(
        procurement=proposed, lot=bids.zone, ranked_bids=results["zone"][1:], by=commissioner
    )
    assert Award.objects.get(lot=bids.zone, rank=1).bid == bids.zone_bids[1]


def test_no_award_while_bids_are_sealed(procurement, bids, results, commissioner):
    procurement.bid_deadline = timezone.now() + dt.timedelta(days=1)
    procurement.save()
    with pytest.raises(DomainError, match="sealed"):
        services.award_propose(
            procurement=procurement, lot=bids.zone, ranked_bids=results["zone"], by=commissioner
        )


def test_letters_one_per_bidder_and_standstill_over_christmas(issued, bidders):
    letters = {letter.provider: letter for letter in Letter.objects.filter(procurement=issued)}
    assert set(letters) == set(bidders)
    assert letters[bidders[0]].successful  # prime in the zone
    assert letters[bidders[1]].successful  # supplementary in the zone and sole on the line
    assert not letters[bidders[3]].successful  # ranked fourth
    # Act s.51: 8 working days beginning with the notice day, Friday 18 December 2026:
    # 18, 21-24 December, then 25 (Christmas), 26-27 (weekend) and 28 (Boxing Day substitute)
    # are skipped, 29-31 December: the eighth working day is Thursday 31 December.
    assert issued.standstill_starts == dt.date(2026, 12, 18)
    assert issued.standstill_ends == dt.date(2026, 12, 31)
    assert "31 December 2026" in letters[bidders[3]].body
    assert issued.state == State.INTENTION_TO_AWARD
    notice = Notice.objects.get(procurement=issued)
    assert notice.code == "UK6"
    assert StateChange.objects.filter(procurement=issued, to_state="intention_to_award").exists()


def test_psr_intention_notice_and_standstill_over_christmas_and_new_year(
    proposed, results, commissioner
):
    proposed.regime = "psr2023"
    proposed.route = "psr_competitive"
    proposed.save()
    services.letters_issue(
        procurement=proposed,
        by=commissioner,
        summaries=results["zone"] + results["line"],
        issued_on=dt.date(2026, 12, 18),
    )
    proposed.refresh_from_db()
    notice = Notice.objects.get(procurement=proposed)
    assert notice.code == "psr_intention"
    # PSR regulation 12: begins the day after (19th); 21-24, 29-31 Dec, 4 Jan are the 8 days
    assert proposed.standstill_ends == dt.date(2027, 1, 4)
    assert notice.body["standstill_ends"] == "2027-01-04"
    with pytest.raises(DomainError, match="ends on 4 January 2027"):
        services.award_confirm(procurement=proposed, by=commissioner, today=dt.date(2027, 1, 4))


def test_letters_hold_no_other_bidders_name_or_price(issued, bidders, bids):
    prices = [str(p.amount) for b in bids.zone_bids + bids.line_bids for p in b.prices.all()]
    for letter in Letter.objects.filter(procurement=issued):
        others = [b.name for b in bidders if b != letter.provider]
        for name in others:
            assert name not in letter.body, f"{name} in the letter to {letter.provider}"
        own = {
            str(p.amount)
            for b in bids.zone_bids + bids.line_bids
            if b.provider == letter.provider
            for p in b.prices.all()
        }
        for price in set(prices) - own:
            assert price not in letter.body
    # The loser's letter compares its scores with the highest-ranked bid's
    loser = Letter.objects.get(procurement=issued, provider=bidders[3])
    assert "Total: 76.90" in loser.body  # its own (41 + 29.90 + 6)
    assert "Total: 89.60" in loser.body  # the highest-ranked bid's (52.50 + 28.10 + 9)
    assert "We do not intend to award you this lot" in loser.body


def test_letters_cannot_be_issued_twice(issued, commissioner):
    with pytest.raises(DomainError, match="issued already"):
        services.letters_issue(procurement=issued, by=commissioner, summaries=[])


def test_confirm_refused_during_standstill_naming_the_date(issued, commissioner):
    with pytest.raises(DomainError, match="ends on 31 December 2026"):
        services.award_confirm(procurement=issued, by=commissioner, today=dt.date(2026, 12, 31))
    assert not Contract.objects.filter(reference__startswith="HC-2026-01").exists()


def test_confirm_refused_while_a_representation_has_no_response(issued, bidders, commissioner):
    representation = services.representation_record(
        procurement=issued,
        provider=bidders[3],
        received_on=dt.date(2026, 12, 22),
        text="We think our quality answers were under-scored.",
        by=commissioner,
    )
    with pytest.raises(DomainError, match="Coastline Care"):
        services.award_confirm(procurement=issued, by=commissioner, today=dt.date(2027, 1, 5))
    services.representation_respond(
        representation=representation,
        response="The moderated scores stand; see the assessment summary.",
        outcome="Not upheld",
        by=commissioner,
    )
    contracts = services.award_confirm(
        procurement=issued, by=commissioner, today=dt.date(2027, 1, 5)
    )
    assert len(contracts) == 4
    assert AuditLog.objects.filter(object_type="award.representation").count() == 2


def test_representation_needs_letters_and_a_bidder(proposed, issued, council, commissioner):
    with pytest.raises(DomainError, match="did not bid"):
        services.representation_record(
            procurement=issued,
            provider=council,
            received_on=dt.date(2026, 12, 22),
            text="x",
            by=commissioner,
        )


def test_confirm_creates_contracts_and_keeps_the_old_ones_history(
    confirmed, old_contract, council, bids
):
    contracts = {c.reference: c for c in confirmed.contracts}
    assert set(contracts) == {
        "HC-2026-01-L1-PRIME",
        "HC-2026-01-L1-SUP1",
        "HC-2026-01-L1-SUP2",
        "HC-2026-01-L2",
    }
    prime = contracts["HC-2026-01-L1-PRIME"]
    assert prime.provider == bids.zone_bids[0].provider
    # 24.10 x 20,000 urban hours + 27.50 x 5,000 rural hours
    assert prime.annual_value == Decimal("619500.00")
    assert contracts["HC-2026-01-L2"].annual_value == Decimal("98000.00")
    assert prime.procurement_route == "open"
    assert prime.status == ContractStatus.PLANNED  # starts 1 April 2027
    assert (prime.start_date, prime.end_date) == (dt.date(2027, 4, 1), dt.date(2030, 3, 31))
    assert [(s.organisation, s.share_percent) for s in prime.shares.all()] == [
        (council, Decimal("100"))
    ]
    assert prime.service == old_contract.service
    for award in Award.objects.filter(lot__procurement=confirmed.procurement):
        assert award.status == Award.Status.CONFIRMED
        assert award.contract.reference in contracts
    old_contract.refresh_from_db()
    assert old_contract.status == ContractStatus.RECOMMISSIONING  # runs until 31 March 2027
    assert "Replaced by HC-2026-01-L1-PRIME" in old_contract.notes
    history = AuditLog.objects.filter(
        object_type="contracts.contract", object_id=str(old_contract.pk), action="update"
    )
    assert history.count() == 1
    assert history.get().before["status"] == "active"
    assert confirmed.procurement.state == State.CONTRACTED
    assert list(
        StateChange.objects.filter(procurement=confirmed.procurement)
        .order_by("at", "id")
        .values_list("to_state", flat=True)
    )[-3:] == ["intention_to_award", "awarded", "contracted"]


def test_replaced_contract_already_ended_is_expired(issued, old_contract, commissioner):
    services.award_confirm(
        procurement=issued,
        by=commissioner,
        today=dt.date(2027, 5, 1),
        start_date=dt.date(2027, 5, 2),
    )
    old_contract.refresh_from_db()
    assert old_contract.status == ContractStatus.EXPIRED


def test_confirm_twice_is_refused(confirmed, commissioner):
    with pytest.raises(DomainError, match="cannot be changed"):
        services.award_confirm(
            procurement=confirmed.procurement, by=commissioner, today=dt.date(2027, 2, 1)
        )


def test_proposal_from_evaluation_waits_for_locked_scores(procurement, bids, commissioner):
    with pytest.raises(DomainError, match="Quality scores are not locked"):
        services.award_propose_from_evaluation(
            procurement=procurement, lot=bids.zone, by=commissioner
        )


def test_proposal_from_evaluation_uses_its_ranking(procurement, bids, commissioner):
    # No quality questions on this lot: evaluation ranks on price alone (lowest first).
    procurement.quality_locked_at = timezone.now()
    procurement.save()
    awards = services.award_propose_from_evaluation(
        procurement=procurement, lot=bids.zone, by=commissioner
    )
    assert [a.role for a in awards] == ["prime", "supplementary", "supplementary"]
    assert awards[0].bid == bids.zone_bids[3]  # the lowest banded rates


# --- the route's rules: one standstill count, routes without standstill ----------------------


def _as_route(procurement, route, regime, state):
    procurement.route, procurement.regime, procurement.state = route, regime, state
    procurement.save()
    return procurement


def _propose_both(procurement, bids, results, by):
    for lot, key in ((bids.zone, "zone"), (bids.line, "line")):
        services.award_propose(procurement=procurement, lot=lot, ranked_bids=results[key], by=by)


def test_letters_state_the_routes_rule(issued, bidders):
    body = Letter.objects.get(procurement=issued, provider=bidders[0]).body
    assert "beginning with the day the UK6 contract award notice is published" in body


def test_psr_direct_award_a_is_confirmed_from_evaluation_with_its_award_notice(
    procurement, bids, results, commissioner
):
    _as_route(procurement, "psr_direct_a", "psr2023", State.EVALUATION)
    _propose_both(procurement, bids, results, commissioner)
    with pytest.raises(DomainError, match="no standstill period.*confirm the award directly"):
        services.letters_issue(procurement=procurement, by=commissioner, summaries=[])
    assert not Letter.objects.exists() and not Notice.objects.exists()
    contracts = services.award_confirm(
        procurement=procurement,
        by=commissioner,
        today=dt.date(2027, 1, 5),
        start_date=dt.date(2027, 4, 1),
    )
    assert len(contracts) == 4
    assert contracts[0].procurement_route == "psr_direct_a"
    procurement.refresh_from_db()
    assert procurement.state == State.CONTRACTED
    assert procurement.standstill_starts is None and procurement.standstill_ends is None
    notice = Notice.objects.get(procurement=procurement)
    assert notice.code == "psr_award"
    assert timezone.localtime(notice.published_at).date() == dt.date(2027, 1, 5)
    assert {a["supplier"] for a in notice.body["awards"]} == {
        b.provider.name for b in (bids.zone_bids[:3] + bids.line_bids[:1])
    }
    assert list(
        StateChange.objects.filter(procurement=procurement)
        .order_by("at", "id")
        .values_list("from_state", "to_state")
    )[-2:] == [("evaluation", "awarded"), ("awarded", "contracted")]


def test_psr_direct_award_b_confirm_refused_outside_evaluation_with_the_lifecycle_message(
    procurement, bids, results, commissioner
):
    _as_route(procurement, "psr_direct_b", "psr2023", State.EVALUATION)
    _propose_both(procurement, bids, results, commissioner)
    procurement.state = State.ROUTE_DECIDED
    procurement.save()
    with pytest.raises(DomainError, match="cannot award. Allowed now: .*start evaluation"):
        services.award_confirm(procurement=procurement, by=commissioner)
    assert not Contract.objects.filter(reference__startswith="HC-2026-01").exists()


def test_confirm_before_letters_on_a_standstill_route_says_issue_them(proposed, commissioner):
    with pytest.raises(DomainError, match="Issue the letters first") as refused:
        services.award_confirm(procurement=proposed, by=commissioner, today=dt.date(2027, 6, 1))
    assert "s.51" in str(refused.value)
    assert "Allowed now: publish the intention to award" in str(refused.value)


def test_letters_need_the_state_the_lifecycle_allows(procurement, bids, results, commissioner):
    procurement.state = State.EVALUATION  # an open procedure moderates before the letters
    procurement.save()
    _propose_both(procurement, bids, results, commissioner)
    with pytest.raises(DomainError, match="Allowed now: start moderation"):
        services.letters_issue(procurement=procurement, by=commissioner, summaries=[])
    assert not Letter.objects.exists() and not Notice.objects.exists()


def test_act_direct_award_issues_letters_from_evaluation(procurement, bids, results, commissioner):
    _as_route(procurement, "direct_award", "pa2023", State.EVALUATION)
    _propose_both(procurement, bids, results, commissioner)
    services.letters_issue(
        procurement=procurement,
        by=commissioner,
        summaries=results["zone"] + results["line"],
        issued_on=dt.date(2026, 3, 4),  # a Wednesday: 4-6, 9-13 March are the 8 days
    )
    procurement.refresh_from_db()
    assert procurement.state == State.INTENTION_TO_AWARD
    assert (procurement.standstill_starts, procurement.standstill_ends) == (
        dt.date(2026, 3, 4),
        dt.date(2026, 3, 13),
    )


def test_psr_competitive_award_records_the_award_notice_after_standstill(
    proposed, results, commissioner
):
    _as_route(proposed, "psr_competitive", "psr2023", State.MODERATION)
    services.letters_issue(
        procurement=proposed,
        by=commissioner,
        summaries=results["zone"] + results["line"],
        issued_on=dt.date(2026, 12, 18),
    )
    services.award_confirm(procurement=proposed, by=commissioner, today=dt.date(2027, 1, 5))
    codes = list(Notice.objects.filter(procurement=proposed).values_list("code", flat=True))
    assert sorted(codes) == ["psr_award", "psr_intention"]


def test_awards_are_proposed_only_during_evaluation(procurement, bids, results, commissioner):
    procurement.state = State.BIDS_CLOSED
    procurement.save()
    with pytest.raises(DomainError, match="during evaluation or moderation"):
        services.award_propose(
            procurement=procurement, lot=bids.zone, ranked_bids=results["zone"], by=commissioner
        )
