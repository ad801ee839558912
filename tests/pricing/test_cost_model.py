"""The cost-of-care build-up: it adds up, it is calibrated to the HCA 2025/26 minimum price,
and band and visit-length rates move the way travel says they should."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tendercare.pricing import cost_model, defaults

HCA = defaults.as_values(defaults.HCA_2025)
WITH_BANDS = defaults.as_values((*defaults.HCA_2025, *defaults.BAND_TRAVEL))


def dec(low: str, high: str, places: int = 2):
    return st.decimals(
        min_value=Decimal(low), max_value=Decimal(high), places=places, allow_nan=False
    )


# Valid parameters: anything the services would accept (non-negative, percentages <= 100),
# within ranges a council could plausibly enter, plus extremes at the edges.
PARAMETERS = st.fixed_dictionaries(
    {
        "pay_rate": dec("0", "60"),
        "travel_minutes": dec("0", "90", 1),
        "miles": dec("0", "40", 1),
        "mileage_rate": dec("0", "1"),
        "average_visit_minutes": dec("5", "120", 0),
        "training_ratio": dec("0", "100"),
        "holiday_pay": dec("0", "100"),
        "sick_pay": dec("0", "100"),
        "employer_ni_rate": dec("0", "100"),
        "ni_secondary_threshold": dec("0", "50000", 0),
        "pension_rate": dec("0", "100"),
        "pension_threshold": dec("0", "50000", 0),
        "paid_hours_per_year": dec("1", "3000", 0),
        "overheads": dec("0", "40"),
        "return_rate": dec("0", "100"),
    }
)


def as_inputs(params: dict) -> cost_model.Inputs:
    return cost_model.Inputs(dict(params))


@given(PARAMETERS, st.sampled_from([None, *cost_model.VISIT_LENGTHS]))
def test_lines_always_sum_to_the_rate_and_shares_to_one(params, minutes):
    build = cost_model.build_up(as_inputs(params), visit_minutes=minutes)
    assert [line.key for line in build.lines] == [key for key, _ in cost_model.LINES]
    for line in build.lines:
        assert line.amount == line.amount.quantize(cost_model.PENNY), line
        assert line.amount >= 0, line
    assert sum(line.amount for line in build.lines) == build.rate
    if build.rate > 0:
        shares = sum(build.share(key) for key, _ in cost_model.LINES)
        assert abs(shares - 1) < Decimal("1e-20")
    else:
        assert all(build.share(key) == 0 for key, _ in cost_model.LINES)


@given(PARAMETERS, dec("0.01", "5"))
def test_a_higher_pay_rate_never_lowers_the_rate(params, rise):
    before = cost_model.build_up(as_inputs(params)).rate
    after = cost_model.build_up(as_inputs({**params, "pay_rate": params["pay_rate"] + rise})).rate
    assert after >= before


@given(PARAMETERS)
def test_shorter_visits_never_cost_less_per_hour(params):
    inputs = as_inputs(params)
    rates = [cost_model.build_up(inputs, visit_minutes=m).rate for m in (60, 45, 30)]
    # Rounding each line to the penny can move a total by a few pence either way.
    assert rates[0] <= rates[1] + Decimal("0.05")
    assert rates[1] <= rates[2] + Decimal("0.05")


def within_one_percent(value: Decimal, target: Decimal) -> bool:
    return abs(value - target) <= target / 100


def test_hca_defaults_give_the_minimum_price_within_one_percent():
    build = cost_model.build_up(cost_model.resolve(HCA))
    assert within_one_percent(build.rate, defaults.HCA_MINIMUM_PRICE_2025), build.rate
    assert within_one_percent(build.care_worker_cost, defaults.HCA_CARE_WORKER_COST_2025)
    assert build.line("contact_pay").amount == defaults.NLW_2025 == Decimal("12.21")
    # Worked by hand (docs/pricing.md): care-worker lines 12.21 + 3.05 + 0.37 + 1.89 + 0.31
    # + 2.03 + 0.38 + 2.48 = 22.72 (the HCA says 22.71); overheads 8.49 come from the HCA's
    # two totals alone, (32.14 - 22.71 - 3% of 22.71) / 1.03; return 3% of 31.21 = 0.94.
    # So 22.72 + 8.49 + 0.94 = 32.15, 1p (0.03%) above the HCA's 32.14.
    assert build.care_worker_cost == Decimal("22.72")
    assert build.line("overheads").amount == Decimal("8.49")
    assert build.line("return").amount == Decimal("0.94")
    assert build.rate == Decimal("32.15")


def test_overheads_are_derived_from_the_two_hca_totals_not_from_the_model():
    published = defaults.HCA_MINIMUM_PRICE_2025 - defaults.HCA_CARE_WORKER_COST_2025  # 9.43
    ret = HCA[("return_rate", "")] / 100
    derived = (published - ret * defaults.HCA_CARE_WORKER_COST_2025) / (1 + ret)
    assert derived.quantize(cost_model.PENNY) == HCA[("overheads", "")] == Decimal("8.49")


def test_every_default_has_a_source_and_a_date_and_none_claims_calibration():
    for default in (*defaults.HCA_2025, *defaults.BAND_TRAVEL, defaults.RLW_2025_DEFAULT):
        assert default.source and len(default.source) <= 300, default.key
        assert default.source_date is not None, default.key
        assert "calibrated" not in default.source, default.key
    by_key = {d.key: d for d in defaults.HCA_2025}
    for key in ("travel_minutes", "miles", "training_ratio", "sick_pay", "paid_hours_per_year"):
        assert "HCA's own 2025/26 figure for this line was not found" in by_key[key].source


def test_the_real_living_wage_default_is_dated_by_its_announcement():
    rlw = defaults.RLW_2025_DEFAULT
    assert (rlw.key, rlw.band, rlw.value) == ("pay_rate", "", Decimal("12.60"))
    assert rlw.source == defaults.RLW_SOURCE and "Living Wage Foundation" in rlw.source
    assert rlw.source_date == defaults.RLW_2025_DATE
    assert rlw.source_date.isoformat() == "2024-10-23"


def test_band_defaults_keep_the_all_bands_rate_calibrated():
    # The band travel values do not touch the all-bands rate the HCA check uses.
    assert cost_model.build_up(cost_model.resolve(WITH_BANDS)).rate == (
        cost_model.build_up(cost_model.resolve(HCA)).rate
    )


def test_band_rates_rise_with_rurality_and_fall_with_visit_length():
    rates = {(r.band, r.visit_minutes): r for r in cost_model.band_rates(WITH_BANDS)}
    assert len(rates) == len(cost_model.BANDS) * len(cost_model.VISIT_LENGTHS)
    for minutes in cost_model.VISIT_LENGTHS:
        urban, fringe, rural, isolated = (
            rates[(band, minutes)].rate for band in ("urban", "fringe", "rural", "isolated")
        )
        assert isolated >= rural >= fringe >= urban
        assert isolated > urban
    for band in cost_model.BANDS:
        r30, r45, r60 = (rates[(band, m)].rate for m in cost_model.VISIT_LENGTHS)
        assert r30 > r45 > r60, band


def test_uplifts_and_reasons():
    rate = next(
        r for r in cost_model.band_rates(WITH_BANDS) if (r.band, r.visit_minutes) == ("rural", 30)
    )
    # 10% high-dependency uplift; double-up is two carers plus 5%.
    assert rate.high_dependency == (rate.rate * Decimal("1.10")).quantize(cost_model.PENNY)
    assert rate.double_up == (2 * rate.rate * Decimal("1.05")).quantize(cost_model.PENNY)
    # 20 minutes per contact hour at 40-minute visits is 26.7 at 30-minute visits.
    assert "26.7 minutes and 12.00 miles" in rate.reason
    assert "rural areas for 30-minute visits" in rate.reason
    # The uplifts are reasons too, with the rates they give.
    assert f"the 10% high-dependency uplift ({rate.high_dependency} an hour)" in rate.reason
    assert "two care workers plus the 5% double-up uplift" in rate.reason
    assert f"({rate.double_up} an hour)" in rate.reason


def test_reasons_name_only_the_uplifts_a_band_has():
    values = cost_model.with_value(WITH_BANDS, "high_dependency_uplift", Decimal("0"), "urban")
    values = cost_model.with_value(values, "double_up_uplift", Decimal("12.5"), "urban")
    urban = [r for r in cost_model.band_rates(values) if r.band == "urban"]
    for r in urban:
        assert "high-dependency" not in r.reason and r.high_dependency == r.rate
        assert "the 12.5% double-up uplift" in r.reason
    none = {k: v for k, v in WITH_BANDS.items() if "uplift" not in k[0]}
    for r in cost_model.band_rates(none):
        assert "uplift" not in r.reason
        assert r.double_up == 2 * r.rate


def test_a_band_value_wins_over_the_all_bands_value():
    values = cost_model.with_value(WITH_BANDS, "high_dependency_uplift", Decimal("20"), "rural")
    rural = cost_model.resolve(values, "rural")
    urban = cost_model.resolve(values, "urban")
    assert rural["high_dependency_uplift"] == Decimal("20")
    assert urban["high_dependency_uplift"] == Decimal("10")


def test_sensitivity_puts_the_largest_swing_first():
    results = cost_model.sensitivity(HCA)
    swings = [s.swing for s in results]
    assert swings == sorted(swings, reverse=True)
    assert results[0].key == "pay_rate"
    by_key = {s.key: s for s in results}
    for key in ("pay_rate", "travel_minutes", "overheads", "employer_ni_rate"):
        assert by_key[key].low < by_key[key].high, key
    # A higher threshold leaves less pay above it, so the rate falls.
    for key in ("ni_secondary_threshold", "pension_threshold"):
        assert by_key[key].low > by_key[key].high, key
    keys = {s.key for s in results}
    assert not keys & cost_model.CHECK_KEYS


def test_missing_parameter_says_which():
    values = {k: v for k, v in HCA.items() if k != ("mileage_rate", "")}
    with pytest.raises(cost_model.ParameterMissing, match="Mileage rate"):
        cost_model.build_up(cost_model.resolve(values))
