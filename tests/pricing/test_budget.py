"""Budget impact and what-if, worked by hand on the HCA 2025/26 defaults."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tendercare.pricing import budget, cost_model, defaults

MODEL = {**defaults.as_values(defaults.HCA_2025), **defaults.as_values(defaults.BAND_TRAVEL)}
# Band rates on these values: urban 30.40, fringe 32.15, rural 35.12, isolated 38.86 (each is
# the cost_model build-up; overheads 8.49 derived from the HCA totals, see docs/pricing.md).
HOURS = [
    budget.Hours("urban", D("1000"), D("29000.00"), zone="North", locality="Gillingham"),
    budget.Hours("rural", D("200"), D("7500.00"), zone="North", locality="Hoo"),
    budget.Hours("urban", D("500"), D("15000.00"), zone="South", locality="Gillingham"),
    budget.Hours("rural", D("100"), D("3000.00"), zone="North", locality="Hoo"),
]


def test_band_rates_come_from_the_cost_model():
    rates = budget.rates_by_band(MODEL)
    assert rates == {
        "urban": D("30.40"),
        "fringe": D("32.15"),
        "rural": D("35.12"),
        "isolated": D("38.86"),
    }


def test_impact_by_zone_rows_and_totals():
    result = budget.impact(HOURS, MODEL, by="zone")
    table = [(r.group, r.band, r.hours, r.modelled, r.current_spend) for r in result.rows]
    assert table == [
        # 1000 hours x 30.40 = 30,400.00.
        ("North", "urban", D("1000"), D("30400.00"), D("29000.00")),
        # Two North rural rows are summed: 300 hours x 35.12 = 10,536.00.
        ("North", "rural", D("300"), D("10536.00"), D("10500.00")),
        # 500 hours x 30.40 = 15,200.00.
        ("South", "urban", D("500"), D("15200.00"), D("15000.00")),
    ]
    assert result.rows[0].difference == D("1400.00")  # 30,400.00 - 29,000.00
    assert result.rows[1].current_rate == D("35.00")
    north, south = result.groups
    # North: 30,400.00 + 10,536.00 = 40,936.00 against 29,000.00 + 10,500.00 = 39,500.00.
    assert (north.label, north.hours, north.modelled, north.difference) == (
        "North",
        D("1300"),
        D("40936.00"),
        D("1436.00"),
    )
    assert south.difference == D("200.00")  # 15,200.00 - 15,000.00
    # 40,936.00 + 15,200.00 = 56,136.00 against 54,500.00: 1,636.00 more.
    assert result.total.modelled == D("56136.00")
    assert result.total.current_spend == D("54500.00")
    assert result.total.difference == D("1636.00")


def test_impact_by_locality_groups_otherwise_and_names_blanks():
    rows = [*HOURS, budget.Hours("fringe", D("10"), D("300"), zone="East")]
    result = budget.impact(rows, MODEL, by="locality")
    assert [g.label for g in result.groups] == ["Gillingham", "Hoo", "No locality given"]
    assert result.groups[0].hours == D("1500")


def test_impact_refuses_an_unknown_grouping():
    with pytest.raises(ValueError):
        budget.impact(HOURS, MODEL, by="ward")


def test_what_if_pay_rate_costs_the_rate_change_times_hours_per_band():
    result = budget.what_if(HOURS, MODEL, key="pay_rate", value=D("12.60"))
    assert result.value_before == D("12.21") and result.value_after == D("12.60")
    rows = {row.band: row for row in result.rows}
    assert rows["urban"].hours == D("1500") and rows["rural"].hours == D("300")
    assert rows["fringe"].hours == 0 and rows["fringe"].yearly_cost == 0
    for row in result.rows:
        assert row.yearly_cost == (row.rate_change * row.hours).quantize(D("0.01"))
        if row.hours:
            assert row.rate_change > 0
    assert result.total == sum(row.yearly_cost for row in result.rows)
    after = budget.rates_by_band(cost_model.with_value(MODEL, "pay_rate", D("12.60")))
    assert rows["urban"].rate_after == after["urban"]


def test_what_if_in_one_band_leaves_the_others_alone():
    result = budget.what_if(HOURS, MODEL, key="travel_minutes", value=D("30"), band="rural")
    rows = {row.band: row for row in result.rows}
    assert rows["urban"].rate_change == 0
    assert rows["rural"].rate_change > 0
    assert result.value_before == D("20")
    assert result.total == rows["rural"].yearly_cost


def test_what_if_refuses_parameters_that_do_not_move_the_rate():
    with pytest.raises(ValueError):
        budget.what_if(HOURS, MODEL, key="overheads_min", value=D("1"))
    with pytest.raises(ValueError):
        budget.what_if(HOURS, MODEL, key="pay_rate", value=D("1"), band="lunar")


hours_rows = st.lists(
    st.builds(
        budget.Hours,
        band=st.sampled_from(cost_model.BANDS),
        hours=st.decimals(min_value=D("0"), max_value=D("100000"), places=1),
        current_spend=st.decimals(min_value=D("0"), max_value=D("5000000"), places=2),
        zone=st.sampled_from(["", "North", "South"]),
    ),
    max_size=12,
)


@given(rows=hours_rows)
def test_totals_are_the_sum_of_rows_and_groups(rows):
    result = budget.impact(rows, MODEL)
    assert result.total.modelled == sum((r.modelled for r in result.rows), D(0))
    assert result.total.modelled == sum((g.modelled for g in result.groups), D(0))
    assert result.total.hours == sum((r.hours for r in rows), D(0))
    assert result.total.current_spend == sum((r.current_spend for r in rows), D(0))


@given(rows=hours_rows, pay=st.decimals(min_value=D("5"), max_value=D("30"), places=2))
def test_what_if_is_nil_at_the_current_value_and_grows_with_pay(rows, pay):
    assert budget.what_if(rows, MODEL, key="pay_rate", value=D("12.21")).total == 0
    lower = budget.what_if(rows, MODEL, key="pay_rate", value=pay)
    higher = budget.what_if(rows, MODEL, key="pay_rate", value=pay + 1)
    assert higher.total >= lower.total
