"""The arithmetic of evaluation, with hypothesis properties."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tendercare.evaluation import scoring
from tendercare.evaluation.scoring import Candidate, QuestionResult

D = Decimal
prices = st.decimals(min_value=D("0.01"), max_value=D("10000000"), places=2)
weights = st.decimals(min_value=D("0"), max_value=D("100"), places=2)
scores05 = st.integers(min_value=0, max_value=5)


def test_weighted_question_score_on_both_scales():
    assert scoring.weighted_question_score(weight=D("30"), score=4, scale="0-5") == D("24")
    assert scoring.weighted_question_score(weight=D("10"), score=60, scale="0-100") == D("6")
    assert scoring.weighted_question_score(weight=D("10"), score=1, scale="pass_fail") == 0


def test_scores_are_whole_numbers_within_the_scale():
    assert scoring.score_in_scale(5, "0-5") and scoring.score_in_scale(0, "0-5")
    assert not scoring.score_in_scale(6, "0-5")
    assert not scoring.score_in_scale(D("3.5"), "0-5")
    assert not scoring.score_in_scale(-1, "0-100")
    assert scoring.score_in_scale(100, "0-100")
    assert not scoring.score_in_scale(2, "pass_fail")


def test_price_formulas():
    kw = {"weight": D("30"), "lowest": D("100")}
    assert scoring.price_score(formula="relative_to_lowest", bid=D("100"), **kw) == D("30")
    assert scoring.price_score(formula="relative_to_lowest", bid=D("150"), **kw) == D("20")
    assert scoring.price_score(formula="linear_differential", bid=D("150"), **kw) == D("15")
    assert scoring.price_score(formula="linear_differential", bid=D("250"), **kw) == 0
    bench = {"weight": D("30"), "floor": D("100"), "ceiling": D("200")}
    assert scoring.price_score(formula="benchmark", bid=D("90"), **bench) == D("30")
    assert scoring.price_score(formula="benchmark", bid=D("150"), **bench) == D("15")
    assert scoring.price_score(formula="benchmark", bid=D("200"), **bench) == 0
    with pytest.raises(scoring.ScoringError):
        scoring.price_score(formula="benchmark", bid=D("1"), weight=D("30"))
    with pytest.raises(scoring.ScoringError):
        scoring.price_score(formula="cheapest wins", bid=D("1"), weight=D("30"), lowest=D("1"))


def test_evaluated_price_for_banded_lots_is_rate_times_hours():
    rates = {"urban": D("24.50"), "rural": D("28.00")}
    hours = {"urban": D("1000"), "rural": D("200.5")}
    assert scoring.evaluated_price(rates, hours) == D("24500") + D("5614.00")
    with pytest.raises(scoring.ScoringError):
        scoring.evaluated_price({"urban": D("24")}, {"urban": D("10"), "isolated": D("5")})
    assert scoring.evaluated_price({"urban": D("24")}, {"urban": D("10"), "isolated": D("0")})


def test_abnormally_low_by_mean_and_by_next():
    # 55 is more than 40% below the mean of the others (100): flagged.
    assert scoring.abnormally_low({"a": 55, "b": 100, "c": 100}) == {"a"}
    # 69 is 31% below the next (100) though only 31% below the mean of the others: flagged.
    assert scoring.abnormally_low({"a": 69, "b": 100, "c": 100}) == {"a"}
    assert scoring.abnormally_low({"a": 75, "b": 100, "c": 110}) == set()
    # Configurable percentages
    assert scoring.abnormally_low({"a": 85, "b": 100}, mean_percent=10, next_percent=10) == {"a"}


def test_spread_flags_two_points_on_five_and_forty_on_hundred():
    assert scoring.spread_flagged([2, 4], "0-5")
    assert not scoring.spread_flagged([3, 4], "0-5")
    assert scoring.spread_flagged([40, 80], "0-100")
    assert not scoring.spread_flagged([41, 80], "0-100")
    assert scoring.spread_flagged([0, 1], "pass_fail")


def test_totals_fail_on_pass_fail_and_minimum():
    results = [
        QuestionResult("q1", "quality", "0-5", D("30"), D("4")),
        QuestionResult("q2", "quality", "0-5", D("30"), D("1"), minimum=D("2"), label="Q2"),
        QuestionResult("sv", "social_value", "0-100", D("10"), D("50")),
        QuestionResult("pf", "pass_fail", "pass_fail", D("0"), D("0"), label="PF1"),
    ]
    totals = scoring.totals(results)
    assert totals.quality == D("30")  # 24 + 6
    assert totals.social_value == D("5")
    assert not totals.passed
    assert any("Q2" in f and "minimum" in f for f in totals.failures)
    assert "PF1 failed" in totals.failures


def test_ranking_tie_break_quality_then_price_then_submission():
    t0 = dt.datetime(2026, 1, 5, 9, 0)
    cands = [
        # Same total, different quality: higher quality first
        Candidate("lower-quality", D("40"), D("0"), D("100"), t0),
        Candidate("higher-quality", D("50"), D("0"), D("125"), t0),
    ]
    # price weight 0 so totals are just quality: not a tie. Use price to create the tie:
    ranked = scoring.rank(cands, price_weight=D("0"))
    assert [r.key for r in ranked] == ["higher-quality", "lower-quality"]

    same = [
        Candidate("later", D("50"), D("0"), D("100"), t0 + dt.timedelta(hours=1)),
        Candidate("dearer", D("50"), D("0"), D("110"), t0),
        Candidate("earlier", D("50"), D("0"), D("100"), t0),
    ]
    ranked = scoring.rank(same, price_weight=D("0"))
    assert [(r.key, r.rank) for r in ranked] == [("earlier", 1), ("later", 2), ("dearer", 3)]


def test_failed_and_excluded_bids_are_not_ranked_nor_set_the_lowest_price():
    t0 = dt.datetime(2026, 1, 5, 9, 0)
    ranked = scoring.rank(
        [
            Candidate("ok", D("40"), D("0"), D("200"), t0),
            Candidate("failed", D("60"), D("0"), D("100"), t0, passed=False),
            Candidate("excluded", D("60"), D("0"), D("50"), t0, excluded=True),
        ],
        price_weight=D("30"),
    )
    assert [(r.key, r.rank) for r in ranked] == [("ok", 1), ("failed", None), ("excluded", None)]
    assert ranked[0].price == D("30")  # the lowest among the eligible


# ---------------------------------------------------------------------------------------------
# Properties


@given(
    formula=st.sampled_from(scoring.FORMULAS),
    weight=weights,
    bid=prices,
    others=st.lists(prices, min_size=0, max_size=5),
    floor=prices,
    span=prices,
)
def test_price_score_never_exceeds_its_weight(formula, weight, bid, others, floor, span):
    score = scoring.price_score(
        formula=formula,
        weight=weight,
        bid=bid,
        lowest=min([bid, *others]),
        floor=floor,
        ceiling=floor + span,
    )
    assert 0 <= score <= weight


question_scores = st.lists(scores05, min_size=1, max_size=6)


@given(scores=question_scores, which=st.integers(min_value=0), bump=st.integers(1, 5))
def test_total_is_monotone_in_any_question_score(scores, which, bump):
    index = which % len(scores)

    def total(values):
        results = [QuestionResult(i, "quality", "0-5", D("10"), D(v)) for i, v in enumerate(values)]
        return scoring.totals(results).quality

    raised = list(scores)
    raised[index] = min(5, raised[index] + bump)
    assert total(raised) >= total(scores)


@given(
    rows=st.lists(
        st.tuples(scores05, scores05, prices, st.integers(0, 10_000), st.booleans()),
        min_size=0,
        max_size=8,
    ),
    formula=st.sampled_from(scoring.FORMULAS),
)
def test_ranking_is_a_permutation(rows, formula):
    t0 = dt.datetime(2026, 1, 1)
    cands = [
        Candidate(i, D(q * 10), D(s), p, t0 + dt.timedelta(minutes=m), passed=ok)
        for i, (q, s, p, m, ok) in enumerate(rows)
    ]
    ranked = scoring.rank(
        cands, formula=formula, price_weight=D("30"), floor=D("1"), ceiling=D("1000000")
    )
    assert sorted(r.key for r in ranked) == list(range(len(rows)))
    ranks = [r.rank for r in ranked if r.rank is not None]
    assert ranks == list(range(1, sum(1 for c in cands if c.passed) + 1))
    totals = [r.total for r in ranked if r.rank is not None]
    assert totals == sorted(totals, reverse=True)


@given(price=prices, mean=weights, nxt=weights)
def test_abnormally_low_never_flags_the_only_bid(price, mean, nxt):
    assert scoring.abnormally_low({"only": price}, mean_percent=mean, next_percent=nxt) == set()


@given(values=st.lists(scores05, min_size=1, max_size=5))
def test_spread_flag_matches_two_points(values):
    assert scoring.spread_flagged(values, "0-5") == (max(values) - min(values) >= 2)
