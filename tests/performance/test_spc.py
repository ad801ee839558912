"""XmR charts per Making Data Count: hand-worked limits, each special-cause rule, the icons,
and properties that hold for any series."""

import math
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tendercare.performance import spc

values = st.lists(
    st.floats(min_value=0, max_value=100, allow_nan=False, allow_infinity=False),
    min_size=2,
    max_size=40,
)


def test_hand_worked_limits():
    # mean 60 / 5 = 12; moving ranges 2, 4, 2, 6 -> mean 3.5; limits 12 +/- 2.66 x 3.5 = 9.31
    chart = spc.xmr([10, 12, 16, 14, 8], better="higher")
    assert chart.mean == 12
    assert chart.mean_moving_range == 3.5
    assert math.isclose(chart.upper, 21.31)
    assert math.isclose(chart.lower, 2.69)
    assert math.isclose(chart.near_upper, 12 + 9.31 * 2 / 3)
    assert [p.moving_range for p in chart.points] == [None, 2, 4, 2, 6]
    assert not any(p.special for p in chart.points)
    assert chart.variation == spc.COMMON
    assert chart.few_points


def test_decimals_are_accepted():
    chart = spc.xmr([Decimal("90.5"), Decimal("91.5")])
    assert chart.mean == 91


def test_a_point_outside_the_limits():
    series = [50, 51, 49, 50, 52, 48, 50, 51, 49, 50, 90]
    chart = spc.xmr(series, better="higher")
    last = chart.points[-1]
    assert (spc.OUTSIDE, "high") in last.signals
    assert chart.variation == spc.IMPROVING
    assert spc.xmr(series, better="lower").variation == spc.CONCERNING
    assert spc.xmr(series).variation == spc.NEITHER


def test_a_shift_of_seven_below_the_mean_but_not_six():
    above = [60, 62, 61, 63, 60, 62, 61, 63]
    seven_low = [55, 54, 55, 54, 55, 54, 55]
    chart = spc.xmr(above + seven_low, better="higher")
    assert all((spc.SHIFT, "low") in p.signals for p in chart.points[-7:])
    assert chart.variation == spc.CONCERNING
    six_low = seven_low[:6]
    chart6 = spc.xmr(above + six_low + [70], better="higher")
    assert not any(
        reason == spc.SHIFT and side == "low" for p in chart6.points for reason, side in p.signals
    )


def test_a_point_on_the_mean_breaks_a_run():
    # mean is 0: six above, one on the mean, six above would be a run of 12 without it
    series = [1] * 6 + [0] + [1] * 6 + [-6] * 2
    chart = spc.xmr(series)
    assert chart.mean == 0
    assert not any(spc.SHIFT in p.reasons for p in chart.points)


def test_a_trend_of_seven_rising():
    series = [50, 49, 51, 50, 1, 2, 3, 4, 5, 6, 7]
    chart = spc.xmr(series, better="higher")
    trend = [p.index for p in chart.points if spc.TREND in p.reasons]
    assert trend == [4, 5, 6, 7, 8, 9, 10]
    assert all(("trend", "high") in chart.points[i].signals for i in trend)


def test_six_rising_is_not_a_trend_and_a_tie_breaks_it():
    assert not any(spc.TREND in p.reasons for p in spc.xmr([1, 2, 3, 4, 5, 6]).points)
    assert not any(spc.TREND in p.reasons for p in spc.xmr([1, 2, 3, 3, 4, 5, 6, 7]).points)


def test_two_of_three_close_to_the_limit():
    base = [50, 52, 48, 50, 51, 49, 50, 52, 48, 50, 51, 49]
    # baseline mean 50, mean moving range 23 / 11: two sigma 53.71, the limit 55.56
    chart = spc.xmr(base + [54.5, 50, 54.5], baseline=12)
    assert chart.near_upper < 54.5 < chart.upper
    marked = [p.index for p in chart.points if spc.NEAR_LIMIT in p.reasons]
    assert marked == [12, 14]


def test_assurance_both_directions():
    assert spc.assurance(upper=90, lower=80, target=75, better="higher") == spc.PASS
    assert spc.assurance(upper=90, lower=80, target=95, better="higher") == spc.FAIL
    assert spc.assurance(upper=90, lower=80, target=85, better="higher") == spc.HIT_AND_MISS
    assert spc.assurance(upper=10, lower=5, target=12, better="lower") == spc.PASS
    assert spc.assurance(upper=10, lower=5, target=3, better="lower") == spc.FAIL
    assert spc.assurance(upper=10, lower=5, target=None, better="lower") == ""


def test_baseline_fixes_the_limits():
    chart = spc.xmr([10, 12, 10, 12, 40, 40], baseline=4)
    assert chart.mean == 11
    assert (spc.OUTSIDE, "high") in chart.points[4].signals


def test_sentence_says_what_the_chart_shows():
    chart = spc.xmr([90, 92, 91, 93], better="higher", target=97)
    text = chart.sentence("percent")
    assert "mean 91.5%" in text
    assert "consistently miss" in text
    assert "provisional" in text
    assert spc.xmr([]).sentence() == "There are no values to chart."


@given(values)
def test_limits_are_symmetric_around_the_mean(xs):
    chart = spc.xmr(xs)
    assert math.isclose(chart.upper - chart.mean, chart.mean - chart.lower, abs_tol=1e-9)
    assert chart.lower <= chart.mean <= chart.upper


@given(st.floats(min_value=-1000, max_value=1000, allow_nan=False), st.integers(2, 40))
def test_a_constant_series_has_no_special_cause(value, n):
    chart = spc.xmr([value] * n, better="higher", target=value)
    assert not any(p.special for p in chart.points)
    assert chart.variation == spc.COMMON


@given(values.filter(lambda xs: len(xs) >= 10))
def test_an_extreme_outlier_is_flagged(xs):
    spread = max(xs) - min(xs) + 1
    outlier = max(xs) + 1000 * spread
    chart = spc.xmr([*xs, outlier])
    assert (spc.OUTSIDE, "high") in chart.points[-1].signals
    low = spc.xmr([*xs, min(xs) - 1000 * spread])
    assert (spc.OUTSIDE, "low") in low.points[-1].signals
