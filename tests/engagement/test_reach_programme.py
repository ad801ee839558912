"""A programme's reach, worked by hand on made-up figures (test_activity_support.py).

Residents of the test Medway (two LSOAs of 1,000; a third with nobody):
  age: 15 and under 500, 16-24 200, 25-34 250, 35-49 400, 50-64 310, 65+ 340 (2,000)
  deprivation: LSOA A decile 1 -> quintile 1 (1,000); LSOA B decile 10 -> quintile 5 (1,000)
  sex (census table): female 1,020, male 980
Participants:
  an in-person meeting of 60: by age 16-24 5, 25-34 17, 35-49 20, 50-64 5, 65+ 3, not said 10;
    sex not recorded (so 60 not provided)
  a digital survey of 40: female 30, male 10; age not recorded (40 not provided)
So: 100 participants, 60 in person and 40 digital; age 50 said, 50 not; sex 40 said, 60 not.
  65+: 3/50 = 6% against 340/2,000 = 17% -> 0.35, under-represented
  men: 10/40 = 25% against 980/2,000 = 49% -> 0.51, under-represented
"""

from fractions import Fraction

import pytest

from tendercare.engagement import queries, services

from .test_activity_support import dimension_of, make_activity, make_programme, row_of


@pytest.fixture
def world(reach_world, council, commissioner):
    services.participation_set(
        activity=reach_world["meeting"],
        dimension="age_band",
        counts={"16_24": 5, "25_34": 17, "35_49": 20, "50_64": 5, "65_plus": 3, "not_provided": 10},
        by=commissioner,
    )
    # an activity of another programme does not count
    other = make_programme(council, commissioner, name="Other programme")
    elsewhere = make_activity(council, commissioner, programme=other)
    services.participation_set(
        activity=elsewhere, dimension="sex", counts={"male": 500}, by=commissioner
    )
    return reach_world


def test_hand_worked_reach(world):
    result = queries.programme_reach(world["programme"])
    assert result.activity_count == 2
    assert result.participants == 100
    assert (result.in_person, result.digital) == (60, 40)
    age = dimension_of(result, "age_band")
    assert (age.participants, age.said, age.not_provided, age.population) == (100, 50, 50, 2000)
    older = row_of(age, "65_plus")
    assert (older.participant_share, older.population_share) == (
        Fraction(6, 100),
        Fraction(17, 100),
    )
    assert older.ratio == Fraction(6, 17)
    sex = dimension_of(result, "sex")
    assert (sex.said, sex.not_provided, sex.population) == (40, 60, 2000)
    men = row_of(sex, "male")
    assert men.ratio == Fraction(25, 100) / Fraction(49, 100)
    assert sex.source == "test figures"
    deprivation = dimension_of(result, "deprivation_quintile")
    assert deprivation.population == 2000
    assert row_of(deprivation, "1").population == row_of(deprivation, "5").population == 1000
    assert row_of(deprivation, "3").population == 0
    assert "Nobody who took part said" in deprivation.note
    assert result.under_represented == [
        "people aged 15 and under are 25% of residents and 0% of participants",
        "people aged 65 and over are 17% of residents and 6% of participants",
        "men are 49% of residents and 25% of participants",
        "people aged 50 to 64 are 16% of residents and 10% of participants",
    ]


def test_no_population_loaded_is_said_not_invented(world):
    result = queries.programme_reach(world["programme"])
    assert "no population figures loaded for ethnic group" in result.missing_population
    assert "no population figures loaded for disability" in result.missing_population
    ethnic = dimension_of(result, "ethnic_group")
    assert ethnic.population is None
    assert all(r.population_share is None and r.ratio is None for r in ethnic.rows)
    taking_part = dimension_of(result, "participant_type")
    assert "no Census population" in taking_part.note


def test_a_programme_without_areas_compares_with_nothing(world, council, commissioner):
    bare = make_programme(council, commissioner, name="No areas yet")
    result = queries.programme_reach(bare)
    assert result.participants == 0
    assert all(r.ratio is None for r in result.rows)
    assert any("no areas served set" in s for s in result.missing_population)


def test_the_reach_page_shows_the_sentences_tables_and_chart(client, commissioner, world):
    client.force_login(commissioner)
    response = client.get(f"/engagement/reach/{world['programme'].pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "People aged 65 and over are 17% of residents and 6% of participants." in html
    assert "No population figures loaded for ethnic group" in html
    assert 'id="reach-age_band"' in html and "<svg" in html
    assert 'id="reach-digital">40' in html and 'id="reach-in-person">60' in html
    assert "0.35" in html  # the ratio, to two places


@pytest.mark.parametrize(
    "who,status",
    [
        ("commissioner", 200),
        ("councillor", 200),
        ("other_commissioner", 404),
        ("provider_user", 404),
        ("evaluator", 404),
    ],
)
def test_who_may_see_the_reach_page(client, world, request, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"/engagement/reach/{world['programme'].pk}/").status_code == status


def test_another_councils_programme_is_404_and_anonymous_is_sent_to_sign_in(
    client, commissioner, world
):
    assert client.get(f"/engagement/reach/{world['programme'].pk}/").status_code == 302
    client.force_login(commissioner)
    assert client.get(f"/engagement/reach/{world['kent'].pk}/").status_code == 404
    assert client.get("/engagement/reach/999999/").status_code == 404
