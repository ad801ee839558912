from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tendercare.procurement import evaluation_model as em

D = Decimal
C = em.CriterionSpec
Q = em.QuestionSpec


def valid_model():
    criteria = [
        C("q", "Quality", "quality", D(60)),
        C("q1", "Workforce", "quality", D(40), parent="q"),
        C("q2", "Access", "quality", D(20), parent="q"),
        C("p", "Price", "price", D(30)),
        C("s", "Social value", "social_value", D(10)),
        C("m", "Mandatory", "pass_fail", D(0)),
    ]
    questions = [
        Q("a", "Q1", "q1", "0-5", D(40), D(2), ("R1",)),
        Q("b", "Q2", "q2", "0-100", D(20), None, ("R2",)),
        Q("c", "Q3", "s", "0-5", D(10)),
        Q("d", "Q4", "m", "pass_fail", D(0)),
    ]
    return criteria, questions


def messages(criteria, questions, **kw):
    return [p.message for p in em.validate(criteria, questions, **kw)]


def test_a_valid_model_has_no_problems():
    assert em.validate(*valid_model()) == []


def test_an_empty_model_says_what_to_add():
    assert messages([], []) == ["Add the criteria: quality, price and social value at least"]


def test_every_problem_is_reported_at_once():
    criteria, questions = valid_model()
    criteria[0] = C("q", "Quality", "quality", D(65))  # parts 60 != 65
    criteria[4] = C("s", "Social value", "social_value", D(5))  # under 10%
    criteria[3] = C("p", "Price", "price", D(0))
    questions[0] = Q("a", "Q1", "q1", "0-5", D(30), D(6), ())  # sum, minimum, no requirement
    questions[3] = Q("d", "Q4", "m", "pass_fail", D(5), D(1))  # weighted pass/fail with minimum
    found = messages(criteria, questions)
    expected = [
        "Top-level weights add up to 70%, not 100%",
        "The parts of 'Quality' add up to 60%, not its weight of 65%",
        "Social value is weighted 5%: it must be at least 10%",
        "Add a price criterion with a weight",
        "Questions under 'Workforce' add up to 30%, not its weight of 40%",
        "Q1's minimum score must be between 0 and 5",
        "Q1 is not traced to any requirement of the specification",
        "Q4 is pass or fail, so it carries no weight",
        "Q4 is pass or fail, so it has no minimum score",
    ]
    for message in expected:
        assert message in found
    assert len(found) >= len(expected)


def test_price_is_not_required_for_direct_awards():
    criteria, questions = valid_model()
    criteria = [c for c in criteria if c.kind != "price"]
    criteria[0] = C("q", "Quality", "quality", D(90))
    criteria[1] = C("q1", "Workforce", "quality", D(70), parent="q")
    questions[0] = Q("a", "Q1", "q1", "0-5", D(70), None, ("R1",))
    assert "Add a price criterion with a weight" in messages(criteria, questions)
    assert messages(criteria, questions, price_required=False) == []


def test_questions_under_price_and_on_parents_are_refused():
    criteria, questions = valid_model()
    questions.append(Q("e", "Q5", "p", "0-5", D(0)))
    questions.append(Q("f", "Q6", "q", "0-5", D(0), None, ("R1",)))
    found = messages(criteria, questions)
    assert "Q5 is under price, which is scored by the price formula" in found
    assert "'Quality' has parts: put its questions on the parts" in found


def test_leaf_without_questions_and_pass_fail_criterion_with_weight():
    criteria, questions = valid_model()
    criteria[5] = C("m", "Mandatory", "pass_fail", D(1))
    questions = [q for q in questions if q.criterion != "q2"]
    found = messages(criteria, questions)
    assert "'Access' has no scored questions" in found
    assert "'Mandatory' is pass or fail, so it carries no weight" in found


def test_psr_key_criteria_must_be_covered():
    criteria, questions = valid_model()
    found = messages(
        criteria,
        questions,
        psr_key_criteria=["value"],
        psr_key_criteria_labels={"value": "Value"},
    )
    assert "No criterion assesses the key criterion 'Value' (PSR regulation 5)" in found


def test_descriptors_cover_each_scale_from_unacceptable_to_excellent():
    five = em.DESCRIPTORS["0-5"]
    assert [score for score, _ in five] == ["0", "1", "2", "3", "4", "5"]
    assert five[0][1].startswith("Unacceptable") and five[-1][1].startswith("Excellent")
    assert em.DESCRIPTORS["0-100"][0][1].startswith("Unacceptable")


def test_weighted_score():
    assert em.weighted_score(D(3), scale="0-5", weight=D(40)) == D(24)
    assert em.weighted_score(D(50), scale="0-100", weight=D(20)) == D(10)
    with pytest.raises(ValueError):
        em.weighted_score(D(6), scale="0-5", weight=D(40))


# --- price --------------------------------------------------------------------------------


def test_formulas_on_examples():
    assert em.relative_to_lowest(D(25), D(20), D(30)) == D(24)
    assert em.linear_differential(D(25), D(20), D(30)) == D("22.5")
    assert em.linear_differential(D(45), D(20), D(30)) == D(0)
    assert em.benchmark(D(18), D(20), D(30), D(30)) == D(30)
    assert em.benchmark(D(25), D(20), D(30), D(30)) == D(15)
    assert em.benchmark(D(31), D(20), D(30), D(30)) == D(0)


def test_price_score_dispatches_and_checks():
    bids = [D(20), D(25)]
    assert em.price_score("relative_to_lowest", D(25), bids=bids, weight=D(30)) == D(24)
    with pytest.raises(ValueError):
        em.price_score("benchmark", D(25), bids=bids, weight=D(30))
    with pytest.raises(ValueError):
        em.price_score("guess", D(25), bids=bids, weight=D(30))
    with pytest.raises(ValueError):
        em.relative_to_lowest(D(10), D(20), D(30))
    with pytest.raises(ValueError):
        em.benchmark(D(10), D(30), D(20), D(30))


def test_check_formula():
    assert em.check_formula("relative_to_lowest", None, None) == []
    assert em.check_formula("benchmark", None, D(10)) == [
        "The benchmark formula needs a floor and a ceiling"
    ]
    assert em.check_formula("benchmark", D(10), D(10)) == [
        "The floor must be lower than the ceiling"
    ]


money = st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=2)
weights = st.decimals(min_value=D(0), max_value=D(100), places=2)


@given(
    st.lists(money, min_size=1, max_size=8),
    weights,
    st.sampled_from(["relative_to_lowest", "linear_differential"]),
)
def test_relative_formulas_lowest_gets_full_weight_and_scores_stay_in_range(bids, weight, formula):
    lowest = min(bids)
    assert em.price_score(formula, lowest, bids=bids, weight=weight) == weight
    for bid in bids:
        assert D(0) <= em.price_score(formula, bid, bids=bids, weight=weight) <= weight


@given(money, money, money, weights, st.sampled_from(["relative_to_lowest", "linear_differential"]))
def test_relative_formulas_never_rise_with_price(lowest, step_a, step_b, weight, formula):
    # Build the prices in order instead of filtering: lowest <= a <= b.
    a = lowest + step_a
    b = a + step_b
    bids = [lowest, a, b]
    score_a = em.price_score(formula, a, bids=bids, weight=weight)
    score_b = em.price_score(formula, b, bids=bids, weight=weight)
    assert score_b <= score_a


@given(money, money, money, money, weights)
def test_benchmark_in_range_and_monotone(floor, ceiling, a, b, weight):
    assume(floor < ceiling)
    a, b = sorted([a, b])
    score_a = em.benchmark(a, floor, ceiling, weight)
    score_b = em.benchmark(b, floor, ceiling, weight)
    assert D(0) <= score_b <= score_a <= weight
    assert em.benchmark(floor, floor, ceiling, weight) == weight
    assert em.benchmark(ceiling, floor, ceiling, weight) == 0


def test_evaluated_price_for_banded_lots():
    rates = {"urban": D("24.50"), "rural": D("28.00"), "isolated": D("31.00")}
    hours = {"urban": D(1000), "rural": D(500), "isolated": D(0)}
    assert em.evaluated_price(rates, hours) == D("24500") + D("14000")
    with pytest.raises(ValueError, match="No rate for the fringe band"):
        em.evaluated_price(rates, {"fringe": D(10)})


@given(
    st.dictionaries(st.sampled_from(["urban", "fringe", "rural", "isolated"]), money, min_size=4),
    st.dictionaries(st.sampled_from(["urban", "fringe", "rural", "isolated"]), money),
)
def test_evaluated_price_is_the_sum_of_rate_times_hours(rates, hours):
    assert em.evaluated_price(rates, hours) == sum((rates[b] * h for b, h in hours.items()), D(0))
