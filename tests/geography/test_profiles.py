from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from tendercare.geography.ons_files import display_postcode, normalise_postcode
from tendercare.geography.profiles import (
    LsoaRow,
    population_weighted_decile,
    profile,
)

rows = st.lists(
    st.builds(
        LsoaRow,
        code=st.text(min_size=1, max_size=9),
        name=st.text(max_size=20),
        population=st.tuples(*[st.integers(min_value=0, max_value=5000)] * 6),
        imd_decile=st.one_of(st.none(), st.integers(min_value=1, max_value=10)),
        band=st.sampled_from(["urban", "fringe", "rural", "isolated", ""]),
    ),
    max_size=40,
)


@given(rows)
def test_age_bands_sum_to_the_total(lsoas):
    p = profile(lsoas)
    assert sum(b.population for b in p.age_bands) == p.total == sum(r.total for r in lsoas)


@given(rows)
def test_share_aged_65_plus_is_a_proportion(lsoas):
    p = profile(lsoas)
    assert 0 <= p.share_65_plus <= 1
    if p.total:
        assert p.share_65_plus == Fraction(sum(r.population[5] for r in lsoas), p.total)


@given(rows)
def test_deciles_and_bands_account_for_every_lsoa_and_person(lsoas):
    p = profile(lsoas)
    assert sum(d.count for d in p.imd_deciles) + p.imd_unknown == len(lsoas)
    assert sum(s.count for s in p.rurality) == p.lsoa_count == len(lsoas)
    assert sum(s.population for s in p.rurality) == p.total
    if p.total:
        assert sum(s.share for s in p.rurality) == 1
    assert 0 <= p.population_most_deprived_20 <= 1


@given(rows)
def test_weighted_decile_lies_between_the_extremes(lsoas):
    mean = population_weighted_decile(lsoas)
    scored = [r for r in lsoas if r.imd_decile is not None and r.total]
    if not scored:
        assert mean is None
    else:
        assert min(r.imd_decile for r in scored) <= mean <= max(r.imd_decile for r in scored)


def test_profile_of_two_lsoas():
    p = profile(
        [
            LsoaRow("a", "A", (10, 10, 10, 10, 10, 50), imd_decile=1, band="urban"),
            LsoaRow("b", "B", (0, 0, 0, 0, 0, 0), imd_decile=10, band="isolated"),
        ]
    )
    assert p.total == 100 and p.share_65_plus == Fraction(1, 2)
    assert [(s.key, s.count, s.population) for s in p.rurality] == [
        ("urban", 1, 100),
        ("fringe", 0, 0),
        ("rural", 0, 0),
        ("isolated", 1, 0),
    ]
    assert p.imd_deciles[0].population == 100 and p.population_most_deprived_20 == 1


def test_empty_area_has_zero_shares():
    p = profile([])
    assert p.total == 0 and p.share_65_plus == 0 and p.lsoa_count == 0


@given(
    st.from_regex(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}", fullmatch=True),
    st.sampled_from(["", " ", "  "]),
    st.booleans(),
)
def test_postcodes_normalise_whatever_the_spacing_and_case(code, space, lower):
    text = display_postcode(code).replace(" ", space)
    text = text.lower() if lower else text
    assert normalise_postcode(f" {text} ") == code


def test_malformed_postcodes_are_rejected():
    for text in ["", "ME4", "12345", "ME4 4T", "ME4 4TRX", "DROP TABLE"]:
        assert normalise_postcode(text) is None
