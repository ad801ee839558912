"""How one survey response is read (pure)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tendercare.engagement.groups import DIMENSIONS, NOT_PROVIDED
from tendercare.engagement.survey_rows import (
    Respondent,
    RowProblems,
    read_age,
    read_group,
    respondent,
    tally,
)

ROW = {
    "age": "72",
    "sex": "F",
    "ethnic_group": "White",
    "disability": "yes",
    "carer": "no",
    "postcode": "me1 1aa",
    "taking_part_as": "patient",
    "feedback": "  Carers need to know who is coming  ",
}
QUINTILES = {"ME11AA": "1"}


@pytest.mark.parametrize(
    "text,band",
    [
        ("0", "0_15"),
        ("15", "0_15"),
        ("16", "16_24"),
        ("34", "25_34"),
        ("49", "35_49"),
        ("64", "50_64"),
        ("65", "65_plus"),
        ("104", "65_plus"),
        ("65+", "65_plus"),
        ("65 and over", "65_plus"),
        ("16-24", "16_24"),
        ("25 to 34", "25_34"),
        ("50_64", "50_64"),
        ("15 and under", "0_15"),
        ("", NOT_PROVIDED),
        ("Prefer not to say", NOT_PROVIDED),
    ],
)
def test_age_as_a_number_or_a_band(text, band):
    assert read_age(text) == band


@pytest.mark.parametrize("text", ["-3", "121", "forty", "34.5", "60-70"])
def test_an_age_that_cannot_be_read_is_an_error(text):
    with pytest.raises(ValueError):
        read_age(text)


def test_groups_by_code_label_or_synonym():
    assert read_group("sex", "Woman") == "female"
    assert read_group("ethnic_group", "Mixed or Multiple ethnic groups") == "mixed"
    assert read_group("ethnic_group", "black") == "black"
    assert read_group("carer", "Y") == "carer"
    assert read_group("participant_type", "Provider") == "professional"
    assert read_group("disability", "Disabled under the Equality Act") == "disabled"
    with pytest.raises(ValueError, match="not one of"):
        read_group("sex", "sometimes")


def test_a_good_row_gives_every_dimension_and_keeps_the_feedback():
    got = respondent(ROW, quintile_of_postcode=QUINTILES.get)
    assert isinstance(got, Respondent)
    assert got.groups == {
        "age_band": "65_plus",
        "sex": "female",
        "ethnic_group": "white",
        "disability": "disabled",
        "carer": "not_carer",
        "deprivation_quintile": "1",
        "participant_type": "public",
    }
    assert got.feedback == "Carers need to know who is coming"
    assert "ME1" not in repr(got)  # the postcode is used, not kept


def test_blank_cells_are_not_provided():
    got = respondent(dict.fromkeys(ROW, ""), quintile_of_postcode=QUINTILES.get)
    assert set(got.groups.values()) == {NOT_PROVIDED}
    assert got.feedback == ""


def test_every_bad_cell_is_reported_with_its_column():
    bad = {**ROW, "age": "old", "sex": "x", "postcode": "ME1", "taking_part_as": "alien"}
    got = respondent(bad, quintile_of_postcode=QUINTILES.get)
    assert isinstance(got, RowProblems)
    assert [column for column, _ in got.problems] == ["age", "sex", "taking_part_as", "postcode"]


def test_a_wellformed_postcode_not_in_the_directory_is_not_provided():
    got = respondent({**ROW, "postcode": "ZZ9 9ZZ"}, quintile_of_postcode=QUINTILES.get)
    assert got.groups["deprivation_quintile"] == NOT_PROVIDED
    assert got.postcode_unknown


groups = st.fixed_dictionaries({d.code: st.sampled_from(d.codes) for d in DIMENSIONS}).map(
    lambda g: Respondent(groups=g)
)


@given(st.lists(groups, max_size=60))
def test_every_dimension_of_a_tally_adds_up_to_the_respondents(people):
    counts = tally(people)
    assert set(counts) == {d.code for d in DIMENSIONS}
    for dimension in counts.values():
        assert sum(dimension.values()) == len(people)
