"""Reach arithmetic (pure): hand-worked figures and properties."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from tendercare.engagement.groups import BY_CODE, NOT_PROVIDED
from tendercare.engagement.reach import (
    dimension_reach,
    reach,
    sentence,
    under_represented_sentences,
    whole_percent,
)

AGE_POPULATION = {  # 2,000 residents
    "0_15": 500,
    "16_24": 200,
    "25_34": 250,
    "35_49": 400,
    "50_64": 310,
    "65_plus": 340,
}
AGE_PARTICIPANTS = {  # 60 people, 10 of whom did not say
    "16_24": 5,
    "25_34": 17,
    "35_49": 20,
    "50_64": 5,
    "65_plus": 3,
    NOT_PROVIDED: 10,
}


def _row(rows, group):
    return next(r for r in rows if r.group == group)


def test_hand_worked_age_figures():
    rows = reach({"age_band": AGE_PARTICIPANTS}, {"age_band": AGE_POPULATION})
    older = _row(rows, "65_plus")
    # 3 of the 50 who said = 6%; 340 of 2,000 residents = 17%; 6/17 = 0.353
    assert older.participant_share == Fraction(6, 100)
    assert older.population_share == Fraction(17, 100)
    assert older.ratio == Fraction(6, 17)
    assert older.under_represented
    assert sentence(older) == "people aged 65 and over are 17% of residents and 6% of participants"
    # 16-24: 10% of both -> ratio exactly 1
    assert _row(rows, "16_24").ratio == 1
    # 25-34: 34% of participants, 12.5% of residents -> 2.72
    assert _row(rows, "25_34").ratio == Fraction(34, 100) / Fraction(125, 1000)
    # 50-64: 10% against 15.5% -> 0.645, under-represented
    fifty = _row(rows, "50_64")
    assert fifty.ratio == Fraction(10, 100) / Fraction(155, 1000)
    assert fifty.under_represented
    # nobody aged 15 and under took part: ratio 0, a quarter of residents
    young = _row(rows, "0_15")
    assert young.participants == 0 and young.ratio == 0 and young.under_represented


def test_not_provided_is_left_out_of_both_shares_and_counted():
    rows = reach({"age_band": AGE_PARTICIPANTS}, {"age_band": AGE_POPULATION})
    said = [r for r in rows if not r.not_provided]
    assert sum(r.participants for r in said) == 50
    assert sum(r.participant_share for r in said) == 1
    missing = _row(rows, NOT_PROVIDED)
    assert missing.participants == 10
    assert missing.participant_share is None and missing.ratio is None
    assert not missing.under_represented


def test_sentences_name_the_furthest_below_first():
    rows = reach({"age_band": AGE_PARTICIPANTS}, {"age_band": AGE_POPULATION})
    assert under_represented_sentences(rows) == [
        "people aged 15 and under are 25% of residents and 0% of participants",
        "people aged 65 and over are 17% of residents and 6% of participants",
        "people aged 50 to 64 are 16% of residents and 10% of participants",
    ]


def test_a_small_group_is_never_named_however_low_its_ratio():
    # "other" is 4% of residents and nobody took part: too small to be named
    population = {"white": 80, "asian": 8, "black": 4, "mixed": 4, "other": 4}
    participants = {"white": 45, "asian": 5, "black": 0, "mixed": 0, "other": 0}
    rows = dimension_reach("ethnic_group", participants, population)
    assert _row(rows, "other").ratio == 0
    assert not _row(rows, "other").under_represented
    # 0.8 exactly is not under-represented; just below is
    rows = dimension_reach("sex", {"female": 40, "male": 60}, {"female": 50, "male": 50})
    assert _row(rows, "female").ratio == Fraction(8, 10)
    assert not _row(rows, "female").under_represented
    rows = dimension_reach("sex", {"female": 39, "male": 61}, {"female": 50, "male": 50})
    assert _row(rows, "female").under_represented


def test_no_population_means_no_share_and_no_ratio():
    rows = reach({"sex": {"female": 3, "male": 1}}, {})
    female = _row(rows, "female")
    assert female.participant_share == Fraction(3, 4)
    assert female.population is None and female.population_share is None
    assert female.ratio is None and not female.under_represented


def test_nobody_said_means_no_participant_share():
    rows = reach({"sex": {NOT_PROVIDED: 7}}, {"sex": {"female": 1, "male": 1}})
    assert all(r.participant_share is None for r in rows)
    assert all(r.ratio is None for r in rows)
    assert _row(rows, NOT_PROVIDED).participants == 7


def test_groups_follow_the_table_order_with_not_provided_last():
    rows = reach({"carer": {"not_carer": 1}}, {"carer": {"carer": 1, "not_carer": 1}})
    assert [r.group for r in rows] == list(BY_CODE["carer"].codes)


def test_whole_percent_rounds_half_up_and_never_hides_a_small_share():
    assert whole_percent(Fraction(165, 1000)) == "17%"
    assert whole_percent(Fraction(1, 1000)) == "under 1%"
    assert whole_percent(Fraction(0)) == "0%"


counts = st.integers(min_value=0, max_value=5000)
age_counts = st.fixed_dictionaries(dict.fromkeys(BY_CODE["age_band"].codes, counts))
age_population = st.fixed_dictionaries(
    {g: counts for g in BY_CODE["age_band"].codes if g != NOT_PROVIDED}
)


@given(age_counts, age_population)
def test_shares_sum_to_one_where_defined_and_ratio_is_their_quotient(participants, population):
    rows = reach({"age_band": participants}, {"age_band": population})
    said = sum(n for g, n in participants.items() if g != NOT_PROVIDED)
    residents = sum(population.values())
    groups = [r for r in rows if not r.not_provided]
    if said:
        assert sum(r.participant_share for r in groups) == 1
    else:
        assert all(r.participant_share is None for r in groups)
    if residents:
        assert sum(r.population_share for r in groups) == 1
    for r in groups:
        if r.ratio is not None:
            assert r.ratio == r.participant_share / r.population_share
            assert r.under_represented == (
                r.ratio < Fraction(8, 10) and r.population_share >= Fraction(5, 100)
            )
        else:
            assert not r.under_represented
    assert _row(rows, NOT_PROVIDED).participants == participants[NOT_PROVIDED]


@given(age_counts, age_population, st.integers(min_value=1, max_value=20))
def test_scaling_the_population_changes_no_share(participants, population, k):
    once = reach({"age_band": participants}, {"age_band": population})
    scaled = reach(
        {"age_band": participants}, {"age_band": {g: n * k for g, n in population.items()}}
    )
    assert [(r.population_share, r.ratio) for r in once] == [
        (r.population_share, r.ratio) for r in scaled
    ]
