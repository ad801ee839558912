"""Payments arithmetic, worked by hand: ratings both ways, band lines, penalties and rewards,
caps scaled proportionally, and rounding half up to the penny."""

from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tendercare.performance import kpis, payments


def outcome(value, *, key=1, target="95", amber="90", better="higher", rules=None, code="k"):
    return payments.Outcome(
        key=key,
        code=code,
        name=f"KPI {code}",
        value=None if value is None else D(value),
        target=D(target),
        amber=D(amber),
        better=better,
        rules=rules or {"red": ("r", D("-2")), "amber": ("a", D("-1")), "green": ("g", D("0.5"))},
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [("95", "green"), ("99", "green"), ("94.99", "amber"), ("90", "amber"), ("89.99", "red")],
)
def test_rating_when_higher_is_better(value, expected):
    assert payments.rate(D(value), target=D(95), amber=D(90), better="higher") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("5", "green"), ("0", "green"), ("5.01", "amber"), ("10", "amber"), ("10.01", "red")],
)
def test_rating_when_lower_is_better(value, expected):
    assert payments.rate(D(value), target=D(5), amber=D(10), better="lower") == expected


def test_no_value_no_rating():
    assert payments.rate(None, target=1, amber=2, better="lower") == ""


@given(
    st.decimals(0, 100, places=2),
    st.decimals(0, 100, places=2),
    st.decimals(0, 100, places=2),
    st.sampled_from(["higher", "lower"]),
)
def test_rating_agrees_with_the_kpi_engine(value, a, b, better):
    target, amber = (max(a, b), min(a, b)) if better == "higher" else (min(a, b), max(a, b))
    assert payments.rate(value, target=target, amber=amber, better=better) == kpis.rate(
        value, target=target, amber=amber, better=better
    )


def test_band_lines_pay_delivered_hours_and_round_half_up():
    lines = payments.band_lines(
        rates={"urban": "24.50", "rural": "30.50"},
        monthly_hours={"urban": "1000", "rural": "0.25"},
        delivered_hours={"urban": D("950.5"), "rural": D("0.25")},
    )
    urban, rural = lines
    assert urban.commissioned_amount == D("24500.00")
    assert urban.amount == D("23287.25")  # 950.5 x 24.50
    # 0.25 x 30.50 = 7.625: half up gives 7.63 (banker's rounding would give 7.62)
    assert rural.amount == D("7.63")
    assert [line.band for line in lines] == ["urban", "rural"]


def test_a_penalty_is_a_percent_of_the_commissioned_value():
    adjusted, notes = payments.adjustments(
        [outcome("85")], base=D("30000"), penalty_cap_percent=5, reward_cap_percent=2
    )
    (line,) = adjusted
    assert (line.rating, line.percent, line.amount) == ("red", D("-2.00"), D("-600.00"))
    assert line.rule_key == "r"
    assert "rated red against target 95%" in line.reason
    assert notes == []


def test_a_reward_in_a_lower_is_better_kpi():
    adjusted, _ = payments.adjustments(
        [outcome("3", target="5", amber="10", better="lower")],
        base=D("10000"),
        penalty_cap_percent=5,
        reward_cap_percent=2,
    )
    assert [(a.rating, a.amount) for a in adjusted] == [("green", D("50.00"))]


def test_penalties_over_the_cap_are_scaled_proportionally_and_say_so():
    rules = [
        {"red": ("r1", D("-3"))},
        {"red": ("r2", D("-2"))},
        {"red": ("r3", D("-1"))},
    ]
    outcomes = [outcome("50", key=i, rules=r, code=f"k{i}") for i, r in enumerate(rules)]
    adjusted, notes = payments.adjustments(
        outcomes, base=D("10000"), penalty_cap_percent=5, reward_cap_percent=2
    )
    # asked 6%, cap 5%: factor 5/6 -> 250, 166.666..., 83.333...; pennies shared out so the
    # lines add up to exactly 500.00
    assert [a.amount for a in adjusted] == [D("-250.00"), D("-166.67"), D("-83.33")]
    assert sum(a.amount for a in adjusted) == D("-500.00")
    assert [a.percent for a in adjusted] == [D("-2.50"), D("-1.67"), D("-0.83")]
    assert "over the 5% cap" in notes[0]
    assert "capped to 2.5%" in adjusted[0].reason


def test_rewards_are_capped_separately_from_penalties():
    outcomes = [
        outcome("99", key=1, code="a", rules={"green": ("g1", D("1.5"))}),
        outcome("99", key=2, code="b", rules={"green": ("g2", D("1.5"))}),
        outcome("50", key=3, code="c", rules={"red": ("r", D("-1"))}),
    ]
    adjusted, notes = payments.adjustments(
        outcomes, base=D("10000"), penalty_cap_percent=5, reward_cap_percent=2
    )
    assert sorted(a.amount for a in adjusted) == [D("-100.00"), D("100.00"), D("100.00")]
    assert len(notes) == 1 and notes[0].startswith("Rewards came to 3%")


def test_rounding_of_a_penalty_is_half_up_away_from_zero():
    adjusted, _ = payments.adjustments(
        [outcome("50", rules={"red": ("r", D("-1.5"))})],
        base=D("33333.33"),
        penalty_cap_percent=5,
        reward_cap_percent=2,
    )
    assert adjusted[0].amount == D("-500.00")  # -499.99995


def test_a_missing_value_is_noted_and_costs_nothing():
    adjusted, notes = payments.adjustments(
        [outcome(None)], base=D("100"), penalty_cap_percent=5, reward_cap_percent=2
    )
    assert adjusted == [] and "no value" in notes[0]


def test_the_whole_statement_adds_up():
    calc = payments.calculate(
        rates={"urban": "24.50", "fringe": "26.00"},
        monthly_hours={"urban": "1000", "fringe": "500"},
        delivered_hours={"urban": "900", "fringe": "510.5"},
        outcomes=[outcome("89", rules={"red": ("r", D("-2"))})],
        penalty_cap_percent=5,
        reward_cap_percent=2,
    )
    assert calc.commissioned_amount == D("37500.00")  # 24,500 + 13,000
    assert calc.delivered_amount == D("35323.00")  # 22,050 + 13,273
    assert calc.adjustments_amount == D("-750.00")  # 2% of 37,500
    assert calc.total == D("34573.00")


def test_terms_and_rules_are_checked():
    assert (
        payments.check_terms(
            rates={"urban": "24.50"},
            monthly_hours={"urban": "10"},
            penalty_cap_percent="5",
            reward_cap_percent="2",
        )
        == []
    )
    problems = payments.check_terms(
        rates={"moon": "1", "urban": "x"},
        monthly_hours={"rural": "-1"},
        penalty_cap_percent="101",
        reward_cap_percent="2",
    )
    assert len(problems) == 4
    assert payments.check_rule(rating="red", percent="1") != []
    assert payments.check_rule(rating="green", percent="-1") != []
    assert payments.check_rule(rating="amber", percent="-1") == []


percents = st.decimals(min_value=-10, max_value="-0.01", places=2)


# Decimal generation is slow on a loaded machine (several test processes at once): the data
# are small, so the too_slow health check only measures the load, not the test.
@settings(suppress_health_check=[HealthCheck.too_slow])
@example(asked=[D("-0.27"), D("-0.27")], base=D("1.86"), cap=D("0.54"))  # once over by a penny
@given(
    st.lists(percents, min_size=1, max_size=8),
    st.decimals(min_value=0, max_value=1_000_000, places=2),
    st.decimals(min_value=0, max_value=10, places=2),
)
def test_penalties_never_exceed_the_cap_and_are_whole_pence(asked, base, cap):
    outcomes = [
        outcome("0", key=i, code=f"k{i}", rules={"red": (i, p)}) for i, p in enumerate(asked)
    ]
    adjusted, _ = payments.adjustments(
        outcomes, base=base, penalty_cap_percent=cap, reward_cap_percent=0
    )
    total = sum((a.amount for a in adjusted), D(0))
    assert -total <= payments.money(base * cap / 100)
    assert all(a.amount == a.amount.quantize(D("0.01")) and a.amount <= 0 for a in adjusted)
