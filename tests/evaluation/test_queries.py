from decimal import Decimal

from tendercare.evaluation import queries, services
from tendercare.procurement.models import LotBandVolume

from .conftest import declare, make_bid, score_all


def test_worklist_says_declare_first(assigned, evaluator):
    [item] = queries.evaluator_worklist(evaluator)
    assert item.status == "Declare your interests first"
    declare(assigned, evaluator)
    [item] = queries.evaluator_worklist(evaluator)
    assert item.declared and item.status == "0 of 0 scored"


def test_worklist_counts_tasks(declared, bids, evaluator):
    [item] = queries.evaluator_worklist(evaluator)
    assert item.tasks == 12 and item.done == 0  # 3 bids x 4 questions


def test_worklist_is_empty_for_providers_councillors_and_the_unassigned(
    assigned, provider_user, councillor, other_commissioner
):
    for person in (provider_user, councillor, other_commissioner):
        assert queries.evaluator_worklist(person) == []
        assert not queries.procurements_visible_to(person).exists()


def test_bids_to_score_only_assigned_questions(
    procurement, model, bids, commissioner, second_evaluator
):
    services.assignment_add(
        procurement=procurement, question=model["q2"], evaluator=second_evaluator, by=commissioner
    )
    declare(procurement, second_evaluator)
    tasks = queries.bids_to_score(second_evaluator, procurement)
    assert {t.question for t in tasks} == {model["q2"]}
    assert len(tasks) == 3


def test_draft_and_withdrawn_bids_are_never_read(declared, lot, bidders, evaluator):
    other = make_bid(lot, bidders[0], price="1", status="draft")
    assert other not in queries.bids_visible_to(evaluator, declared)
    assert queries.lot_results(lot) == []


def test_prices_hidden_from_quality_evaluators_until_lock(scored, evaluator, commissioner):
    assert not queries.prices_visible(commissioner, scored)
    assert queries.price_checks(commissioner, scored) == {}
    assert queries.results_for(commissioner, scored) == []
    services.quality_lock(procurement=scored, by=commissioner)
    scored.refresh_from_db()
    assert queries.prices_visible(commissioner, scored)
    assert not queries.prices_visible(evaluator, scored)
    assert queries.price_checks(evaluator, scored) == {}
    assert queries.report_data(evaluator, scored) is None


def test_moderation_sheet_is_for_declared_staff(scored, commissioner, evaluator, councillor):
    rows = queries.moderation_sheet(commissioner, scored)
    assert len(rows) == 12 and all(len(r.scores) == 2 for r in rows)
    assert queries.moderation_sheet(evaluator, scored) == []
    assert queries.moderation_sheet(councillor, scored) == []


def test_lot_results_totals_and_ranking(locked, lot, bids):
    results = queries.lot_results(lot)
    assert [r.rank for r in results] == [1, 2, 3]
    first = results[0]
    # Q1 30 x 4/5 + Q2 30 x 3/5 = 42; SV1 10 x 60/100 = 6; price 30 (lowest)
    assert first.bid == bids[0]
    assert (first.quality, first.social_value, first.price) == (Decimal(42), Decimal(6), 30)
    assert first.total == Decimal(78) and first.passed
    assert results[1].price == Decimal(30) * Decimal(1000000) / Decimal(1100000)
    assert not any(r.abnormally_low for r in results)
    assert queries.lot_results_blockers(lot) == []


def test_tie_broken_by_quality_then_price_then_submission(
    declared, lot, model, bidders, evaluator, second_evaluator, commissioner
):
    # Same price: the tie on total is broken by submission time (earlier first)
    bids = [
        make_bid(lot, bidders[0], price="100", minutes_ago=10),
        make_bid(lot, bidders[1], price="100", minutes_ago=20),
    ]
    score_all(bids, model, [evaluator, second_evaluator])
    services.quality_lock(procurement=declared, by=commissioner)
    results = queries.lot_results(lot)
    assert [r.bid for r in results] == [bids[1], bids[0]]
    assert results[0].total == results[1].total


def test_minimum_score_and_pass_fail_fail_the_bid(
    declared, bids, model, evaluator, second_evaluator, commissioner, lot
):
    score_all(bids[:1], model, [evaluator, second_evaluator], {"q1": 5, "q2": 1, "sv": 90, "pf": 1})
    score_all(
        bids[1:2], model, [evaluator, second_evaluator], {"q1": 5, "q2": 5, "sv": 90, "pf": 0}
    )
    score_all(bids[2:], model, [evaluator, second_evaluator])
    services.quality_lock(procurement=declared, by=commissioner)
    results = {r.bid: r for r in queries.lot_results(lot)}
    assert not results[bids[0]].passed and results[bids[0]].rank is None
    assert any("below the minimum" in f for f in results[bids[0]].failures)
    assert not results[bids[1]].passed and "PF1 failed" in results[bids[1]].failures
    assert results[bids[2]].rank == 1
    # The failing bids' prices do not set the lowest price
    assert results[bids[2]].price == Decimal(30)


def test_abnormally_low_needs_clarification_and_rejection_excludes(
    declared, lot, bidders, model, evaluator, second_evaluator, commissioner
):
    bids = [
        make_bid(lot, bidders[0], price="500000"),
        make_bid(lot, bidders[1], price="1000000"),
        make_bid(lot, bidders[2], price="1050000"),
    ]
    score_all(bids, model, [evaluator, second_evaluator])
    services.quality_lock(procurement=declared, by=commissioner)
    results = {r.bid: r for r in queries.lot_results(lot)}
    assert results[bids[0]].abnormally_low and not results[bids[0]].price_clarified
    assert not results[bids[1]].abnormally_low
    blockers = queries.lot_results_blockers(lot)
    assert len(blockers) == 1 and "abnormally low" in blockers[0]
    services.price_clarification_record(
        bid=bids[0], explanation="No travel time paid", outcome="rejected", by=commissioner
    )
    results = {r.bid: r for r in queries.lot_results(lot)}
    excluded = results[bids[0]]
    assert excluded.rank is None and "No travel time paid" in excluded.excluded_reason
    assert excluded.price_clarified
    assert results[bids[1]].rank == 1 and results[bids[1]].price == Decimal(30)
    assert queries.lot_results_blockers(lot) == []


def test_abnormally_low_percentages_are_configurable(
    declared, lot, bidders, model, evaluator, second_evaluator, commissioner
):
    declared.abnormally_low_mean_percent = Decimal("5")
    declared.abnormally_low_next_percent = Decimal("5")
    declared.save()
    bids = [make_bid(lot, bidders[0], price="900"), make_bid(lot, bidders[1], price="1000")]
    assert [r.abnormally_low for r in queries.lot_results(lot)] == [True, False]
    assert bids


def test_banded_lot_evaluated_price(declared, lot, bidders):
    from tendercare.bidding.models import PriceLine

    lot.priced_by_band = True
    lot.save()
    LotBandVolume.objects.create(lot=lot, band="urban", hours=Decimal("1000"))
    LotBandVolume.objects.create(lot=lot, band="rural", hours=Decimal("100"))
    bid = make_bid(lot, bidders[0])
    PriceLine.objects.create(bid=bid, band="urban", amount=Decimal("25.00"))
    PriceLine.objects.create(bid=bid, band="rural", amount=Decimal("30.00"))
    incomplete = make_bid(lot, bidders[1])
    PriceLine.objects.create(bid=incomplete, band="urban", amount=Decimal("20.00"))
    results = {r.bid: r for r in queries.lot_results(lot)}
    assert results[bid].evaluated_price == Decimal("28000")
    assert results[incomplete].evaluated_price is None
    assert "No complete price" in results[incomplete].failures


def test_history_of_scores_is_scoped(scored, evaluator, second_evaluator, commissioner, councillor):
    own = queries.scores_visible_to(evaluator)
    assert own.count() == 12 and all(s.evaluator == evaluator for s in own)
    assert queries.scores_visible_to(commissioner).count() == 24
    assert not queries.scores_visible_to(councillor).exists()
