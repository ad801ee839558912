"""The open-book comparison: figures side by side and the flags, worked by hand."""

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from tendercare.pricing import cost_model, defaults, open_book

MODEL = {**defaults.as_values(defaults.HCA_2025), **defaults.as_values(defaults.BAND_TRAVEL)}
GOOD = {
    ("pay_rate", ""): D("12.50"),
    ("travel_paid", ""): D("1"),
    ("travel_minutes", ""): D("15"),
    ("overheads", ""): D("8"),
    ("return_rate", ""): D("4"),
}
money = st.decimals(min_value=D("0"), max_value=D("60"), places=2)


def kinds(comparison):
    return [flag.kind for flag in comparison.flags]


def test_the_legal_minimum_table_carries_the_published_rates():
    assert open_book.legal_minimum(2024).rate == D("11.44")
    assert open_book.legal_minimum(2025).rate == D("12.21") == defaults.NLW_2025
    assert open_book.legal_minimum(2026).rate == D("12.71")
    assert open_book.legal_minimum(2019) is None
    assert "GOV.UK" in open_book.NLW_SOURCE


def test_a_sound_submission_raises_no_flag():
    comparison = open_book.compare(GOOD, MODEL, year=2025)
    assert comparison.flags == ()
    assert [b.band for b in comparison.bands] == list(cost_model.BANDS)


def test_rows_put_the_provider_beside_the_model_with_the_difference():
    comparison = open_book.compare(GOOD, MODEL, year=2025)
    rural = comparison.bands[2]
    assert rural.band == "rural"
    travel = rural.row("travel_minutes")
    # The model's rural travel is 20 minutes; the provider pays 15 minutes in every band.
    assert (travel.provider, travel.model, travel.difference) == (D("15"), D("20"), D("-5"))
    assert travel.percent_difference == D("-0.25")
    pay = rural.row("pay_rate")
    assert pay.difference == D("0.29")  # 12.50 - 12.21
    # The model's fringe rate is the all-bands rate on the HCA defaults: 32.15, 1p above the
    # HCA's 32.14 (the care-worker lines sum to 22.72 against the HCA's 22.71).
    assert comparison.bands[1].model_rate == D("32.15")
    assert comparison.bands[1].row("hourly_price").model == D("32.15")
    # Items not given have no provider figure and no difference.
    assert rural.row("miles").provider is None
    assert rural.row("miles").difference is None


def test_a_band_line_wins_over_the_all_bands_line():
    lines = {**GOOD, ("travel_minutes", "isolated"): D("30")}
    comparison = open_book.compare(lines, MODEL, year=2025)
    assert comparison.bands[3].row("travel_minutes").provider == D("30")
    assert comparison.bands[0].row("travel_minutes").provider == D("15")


def test_pay_below_the_national_living_wage_is_flagged_once_for_all_bands():
    lines = {**GOOD, ("pay_rate", ""): D("11.50")}
    comparison = open_book.compare(lines, MODEL, year=2025)
    (flag,) = comparison.flags_of("below_minimum_wage")
    assert flag.applies_to == "all bands"
    assert "£11.50" in flag.message and "£0.71 below" in flag.message
    assert "£12.21" in flag.message and "2025/26" in flag.message
    assert "GOV.UK" in flag.source


def test_the_legal_minimum_is_the_one_for_the_submission_year():
    lines = {**GOOD, ("pay_rate", ""): D("12.50")}
    assert open_book.compare(lines, MODEL, year=2025).flags_of("below_minimum_wage") == []
    (flag,) = open_book.compare(lines, MODEL, year=2026).flags_of("below_minimum_wage")
    assert "£12.71" in flag.message and "£0.21 below" in flag.message


def test_an_unknown_year_is_said_not_guessed():
    comparison = open_book.compare(GOOD, MODEL, year=2031)
    assert comparison.flags_of("below_minimum_wage") == []
    assert "2031/32" in comparison.notes[0]


def test_travel_paid_zero_is_one_flag_naming_each_bands_model_travel():
    lines = {**GOOD, ("travel_paid", ""): D("0")}
    (flag,) = open_book.compare(lines, MODEL, year=2025).flags_of("travel_unpaid")
    assert flag.applies_to == "all bands"
    assert "not paid" in flag.message
    assert "12 minutes (urban)" in flag.message and "27 minutes (isolated)" in flag.message
    # 12.50 over 1 h 27 min of work in isolated areas is 8.62 an hour, under the NLW.
    assert "£8.62 (isolated)" in flag.message and "£12.21" in flag.message
    assert "Minimum Wage Regulations" in flag.source


def test_travel_minutes_zero_or_missing_is_unpaid_travel():
    zero = {**GOOD, ("travel_minutes", ""): D("0")}
    (flag,) = open_book.compare(zero, MODEL, year=2025).flags_of("travel_unpaid")
    assert flag.bands == cost_model.BANDS and "travel_minutes is 0" in flag.message
    missing = {k: v for k, v in GOOD.items() if k[0] not in ("travel_minutes", "travel_paid")}
    (flag,) = open_book.compare(missing, MODEL, year=2025).flags_of("travel_unpaid")
    assert "no travel_minutes line" in flag.message
    # Paid in one band only: the other three are flagged.
    one = {**zero, ("travel_minutes", "rural"): D("20")}
    (flag,) = open_book.compare(one, MODEL, year=2025).flags_of("travel_unpaid")
    assert flag.bands == ("urban", "fringe", "isolated")
    assert "(rural)" not in flag.message


def test_paid_travel_at_a_fair_wage_says_nothing_of_effective_pay():
    lines = {("pay_rate", ""): D("20"), ("travel_paid", ""): D("0")}
    (flag,) = open_book.compare(lines, MODEL, year=2025).flags_of("travel_unpaid")
    assert "National Living Wage" not in flag.message


def test_no_travel_flag_when_the_model_needs_no_travel():
    model = {**MODEL}
    for band in cost_model.BANDS:
        model[("travel_minutes", band)] = D("0")
    lines = {**GOOD, ("travel_paid", ""): D("0")}
    assert open_book.compare(lines, model, year=2025).flags_of("travel_unpaid") == []


def test_overheads_and_return_outside_the_scenario_range():
    low = {**GOOD, ("overheads", ""): D("5"), ("return_rate", ""): D("12")}
    comparison = open_book.compare(low, MODEL, year=2025)
    (overheads,) = comparison.flags_of("overheads_range")
    assert "£5.00" in overheads.message and "below the lowest" in overheads.message
    assert "£6.00 to £12.00" in overheads.message
    (ret,) = comparison.flags_of("return_range")
    assert "12%" in ret.message and "above the highest" in ret.message
    assert "2% to 10%" in ret.message
    # Edges are inside the range.
    edge = {**GOOD, ("overheads", ""): D("12"), ("return_rate", ""): D("2")}
    assert open_book.compare(edge, MODEL, year=2025).flags == ()


def test_range_checks_use_the_scenario_values():
    model = {**MODEL, ("overheads_max", ""): D("7.50")}
    flags = open_book.compare(GOOD, model, year=2025).flags_of("overheads_range")
    assert "above the highest" in flags[0].message


def test_a_bid_price_below_the_band_cost_is_abnormally_low_not_rejected():
    comparison = open_book.compare(
        GOOD, MODEL, year=2025, source="bid", bid_prices={"rural": D("30.00"), "urban": D("31")}
    )
    (flag,) = comparison.flags_of("abnormally_low")
    assert flag.bands == ("rural",)
    # Model rural rate 35.12: 35.12 - 30.00 = 5.12 below, 5.12 / 35.12 = 14.6%.
    assert comparison.bands[2].model_rate == D("35.12")
    assert "£30.00" in flag.message and "£5.12 (14.6%) below" in flag.message
    assert "clarification" in flag.message and "do not reject" in flag.message
    assert "section 19" in flag.source
    assert comparison.bands[2].row("hourly_price").provider == D("30.00")


def test_an_annual_return_price_below_cost_is_flagged_in_its_own_words():
    lines = {**GOOD, ("hourly_price", "urban"): D("25")}
    (flag,) = open_book.compare(lines, MODEL, year=2025, source="annual_return").flags_of(
        "abnormally_low"
    )
    assert flag.title == "Price below modelled cost" and "bid" not in flag.message


def test_without_a_model_only_the_model_free_checks_run():
    lines = {("pay_rate", ""): D("10"), ("travel_paid", ""): D("0"), ("overheads", ""): D("1")}
    comparison = open_book.compare(lines, None, year=2025)
    assert set(kinds(comparison)) == {"below_minimum_wage", "travel_unpaid"}
    assert comparison.bands[0].row("pay_rate").model is None


def test_the_rate_with_the_provider_figures_moves_with_them():
    cheaper = {("pay_rate", ""): D("11.21")}
    comparison = open_book.compare(cheaper, MODEL, year=2025)
    fringe = comparison.bands[1]
    assert fringe.rate_with_provider_figures < fringe.model_rate


@given(pay=money)
def test_the_minimum_wage_flag_is_raised_exactly_when_pay_is_below_it(pay):
    comparison = open_book.compare({**GOOD, ("pay_rate", ""): pay}, MODEL, year=2025)
    assert bool(comparison.flags_of("below_minimum_wage")) == (pay < D("12.21"))


@given(price=money, band=st.sampled_from(cost_model.BANDS))
def test_abnormally_low_exactly_when_the_price_is_under_the_band_cost(price, band):
    comparison = open_book.compare(GOOD, MODEL, year=2025, bid_prices={band: price})
    model_rate = next(b.model_rate for b in comparison.bands if b.band == band)
    flags = comparison.flags_of("abnormally_low")
    assert bool(flags) == (price < model_rate)
    for flag in flags:
        assert flag.bands == (band,)


@given(
    values=st.dictionaries(
        st.tuples(st.sampled_from(list(open_book.ITEM_KEYS)), st.sampled_from(("", "rural"))),
        st.decimals(min_value=D("0"), max_value=D("100"), places=2),
        max_size=10,
    )
)
def test_every_row_difference_is_provider_minus_model_and_flags_name_bands(values):
    comparison = open_book.compare(values, MODEL, year=2025)
    for band in comparison.bands:
        assert len(band.rows) == len(open_book.ITEMS)
        for row in band.rows:
            if row.provider is not None and row.model is not None:
                assert row.difference == row.provider - row.model
    for flag in comparison.flags:
        assert flag.bands and set(flag.bands) <= set(cost_model.BANDS)
        assert flag.message.endswith(".")
