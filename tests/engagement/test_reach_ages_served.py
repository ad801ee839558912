"""Reach for a programme that serves only some ages, and reach by channel, worked by hand on the
made-up figures of test_activity_support.py.

Residents of the test Medway (two LSOAs of 1,000):
  age: 15 and under 500 | 16-24 200, 25-34 250, 35-49 400, 50-64 310, 65+ 340 (1,500 aged 16+)
  sex (all ages): female 1,020, male 980 (2,000)
Participants:
  an in-person meeting of 60: age 15 and under 4, 16-24 6, 25-34 5, 35-49 10, 50-64 9, 65+ 16,
    not said 10; sex not recorded
  a digital survey of 40: age 16-24 6, 25-34 12, 35-49 14, 50-64 6, 65+ 2; female 30, male 10

Served 16 and over, age compares 86 participants (100 less 10 not said less 4 aged 15 and
under) with 1,500 residents:
  16-24 12/86 = 13.95% v 13.33%; 25-34 17/86 v 16.67%; 35-49 24/86 v 26.67%;
  50-64 15/86 = 17.44% v 20.67% (0.84); 65+ 18/86 = 20.93% v 22.67% (0.92): none under.
  Served all ages, the 4 children are 4/90 = 4% of participants against 25% of residents.
  Men: 10/40 = 25% v 49% (0.51): under-represented, against residents of all ages.
By channel (same residents):
  digital, 40 compared: 65+ 2/40 = 5% v 22.67% (0.22); 50-64 6/40 = 15% v 20.67% (0.73);
    men 25% v 49% (0.51); the rest above 0.8.
  in person, 46 compared (60 - 10 - 4): 25-34 5/46 = 10.87% v 16.67% (0.65); 35-49 10/46 =
    21.74% v 26.67% (0.815, not under); 65+ 16/46 = 34.78% (1.53).
"""

from fractions import Fraction

import pytest

from tendercare.core.errors import DomainError, NotAllowed
from tendercare.core.models import AuditLog
from tendercare.engagement import queries, services
from tendercare.engagement import reach as reach_rules
from tendercare.programmes.models import AgesServed, Programme

from .test_activity_support import dimension_of, row_of

MEN = "men are 49% of residents and 25% of participants"


@pytest.fixture
def world(reach_world, commissioner):
    services.participation_set(
        activity=reach_world["meeting"],
        dimension="age_band",
        counts={
            "0_15": 4,
            "16_24": 6,
            "25_34": 5,
            "35_49": 10,
            "50_64": 9,
            "65_plus": 16,
            "not_provided": 10,
        },
        by=commissioner,
    )
    services.participation_set(
        activity=reach_world["survey"],
        dimension="age_band",
        counts={"16_24": 6, "25_34": 12, "35_49": 14, "50_64": 6, "65_plus": 2},
        by=commissioner,
    )
    return reach_world


def _serve(programme, youngest):
    services.programme_set_ages_served(programme=programme, youngest_age=youngest)
    programme.refresh_from_db()


def _channel(result, code):
    return next(c for c in result.channels if c.code == code)


# --- the choices and the pure rule ------------------------------------------------------------


def test_every_choice_of_ages_served_starts_an_age_band():
    starts = set(reach_rules.age_band_lower_bounds().values())
    assert starts == {0, 16, 25, 35, 50, 65}
    assert set(AgesServed.values) <= starts
    assert reach_rules.age_bands_from(16) == ("16_24", "25_34", "35_49", "50_64", "65_plus")
    assert reach_rules.age_bands_from(65) == ("65_plus",)
    assert len(reach_rules.age_bands_from(0)) == 6
    with pytest.raises(ValueError, match="must start an age band"):
        reach_rules.age_bands_from(18)


def test_pure_reach_leaves_ages_not_served_out_of_both_shares():
    rows = reach_rules.reach(
        {"age_band": {"0_15": 1, "16_24": 3, "65_plus": 1, "not_provided": 5}},
        {"age_band": {"0_15": 50, "16_24": 20, "65_plus": 30}},
        served_age_bands=("16_24", "65_plus"),
    )
    by_group = {r.group: r for r in rows}
    child = by_group["0_15"]
    assert child.outside and not child.under_represented
    assert (child.participants, child.population) == (1, 50)
    assert child.participant_share is None and child.ratio is None
    assert by_group["16_24"].participant_share == Fraction(3, 4)
    assert by_group["16_24"].population_share == Fraction(20, 50)
    older = by_group["65_plus"]
    assert (older.participant_share, older.population_share) == (Fraction(1, 4), Fraction(3, 5))
    assert older.under_represented
    assert not by_group["not_provided"].outside


# --- the programme's reach ---------------------------------------------------------------------


def test_serving_all_ages_names_children_as_under_represented(world):
    result = queries.programme_reach(world["programme"])
    assert result.youngest_age_served == 0
    assert result.under_represented == [
        "people aged 15 and under are 25% of residents and 4% of participants",
        MEN,
    ]
    assert "residents of all ages" in result.ages_note


def test_adults_only_reach_is_worked_by_hand(world):
    _serve(world["programme"], AgesServed.FROM_16)
    result = queries.programme_reach(world["programme"])
    assert result.youngest_age_served == 16
    age = dimension_of(result, "age_band")
    assert (age.participants, age.said, age.not_provided, age.outside) == (100, 90, 10, 4)
    assert age.compared == 86
    assert (age.population, age.population_outside) == (1500, 500)
    assert [r.group for r in age.groups] == ["16_24", "25_34", "35_49", "50_64", "65_plus"]
    child = row_of(age, "0_15")
    assert child.outside and child.participant_share is None and not child.under_represented
    older = row_of(age, "65_plus")
    assert (older.participant_share, older.population_share) == (
        Fraction(18, 86),
        Fraction(340, 1500),
    )
    assert older.ratio == Fraction(18, 86) / Fraction(340, 1500)
    assert not older.under_represented
    fifties = row_of(age, "50_64")
    assert fifties.ratio == Fraction(15, 86) / Fraction(310, 1500)  # 0.84
    assert not fifties.under_represented
    # Sex keeps its all-ages population.
    men = row_of(dimension_of(result, "sex"), "male")
    assert men.population_share == Fraction(980, 2000)
    assert result.under_represented == [MEN]
    assert not any("15 and under" in s for s in result.under_represented)
    assert result.ages_note.startswith(
        "Age compares participants with residents aged 16 and over, the ages the programme "
        "serves: 4 people who took part gave a younger age and are left out of the age shares."
    )
    assert "compare with residents of all ages" in result.ages_note


def test_older_people_only_compares_one_band(world):
    _serve(world["programme"], AgesServed.FROM_65)
    age = dimension_of(queries.programme_reach(world["programme"]), "age_band")
    assert age.outside == 4 + 12 + 17 + 24 + 15
    older = row_of(age, "65_plus")
    assert older.participant_share == 1 and older.population_share == 1


def test_reach_by_channel_is_worked_by_hand(world):
    _serve(world["programme"], AgesServed.FROM_16)
    result = queries.programme_reach(world["programme"])
    digital, in_person = _channel(result, "digital"), _channel(result, "in_person")
    assert [c.code for c in result.channels] == ["digital", "in_person"]
    assert (digital.participants, in_person.participants) == (40, 60)
    d_age = dimension_of(digital, "age_band")
    assert (d_age.compared, d_age.population) == (40, 1500)
    d_older = row_of(d_age, "65_plus")
    assert (d_older.participant_share, d_older.population_share) == (
        Fraction(2, 40),
        Fraction(340, 1500),
    )
    assert d_older.under_represented
    assert digital.under_represented == [
        "people aged 65 and over are 23% of residents and 5% of participants",
        MEN,
        "people aged 50 to 64 are 21% of residents and 15% of participants",
    ]
    p_age = dimension_of(in_person, "age_band")
    assert (p_age.compared, p_age.outside, p_age.not_provided) == (46, 4, 10)
    assert row_of(p_age, "25_34").ratio == Fraction(5, 46) / Fraction(250, 1500)
    assert not row_of(p_age, "35_49").under_represented  # 0.815
    assert in_person.under_represented == [
        "people aged 25 to 34 are 17% of residents and 11% of participants"
    ]
    # Nobody at the meeting gave their sex: no shares there, and nothing named.
    assert dimension_of(in_person, "sex").said == 0
    # The older people the survey missed are not under-represented over the programme.
    assert not any("65 and over" in s for s in result.under_represented)


# --- the service --------------------------------------------------------------------------------


def test_setting_the_ages_served_is_audited(world, commissioner):
    programme = services.programme_set_ages_served(
        programme=world["programme"], youngest_age=16, by=commissioner
    )
    assert Programme.objects.get(pk=programme.pk).youngest_age_served == 16
    log = AuditLog.objects.filter(
        object_type="programmes.programme", object_id=str(programme.pk), action="update"
    ).latest("at")
    assert log.user == commissioner
    assert log.before["youngest_age_served"] == 0 and log.after["youngest_age_served"] == 16
    assert "16 and over" in log.summary
    # The same choice again changes and records nothing.
    count = AuditLog.objects.count()
    services.programme_set_ages_served(programme=programme, youngest_age=16, by=commissioner)
    assert AuditLog.objects.count() == count


@pytest.mark.parametrize("who", ["councillor", "other_commissioner", "provider_user", "evaluator"])
def test_only_engagement_managers_of_the_family_may_set_the_ages(world, request, who):
    with pytest.raises(NotAllowed, match="Only commissioning staff"):
        services.programme_set_ages_served(
            programme=world["programme"], youngest_age=65, by=request.getfixturevalue(who)
        )
    assert Programme.objects.get(pk=world["programme"].pk).youngest_age_served == 0


@pytest.mark.parametrize("value", [18, -1, "adults", None])
def test_an_age_that_does_not_start_a_choice_is_refused(world, commissioner, value):
    with pytest.raises(DomainError, match="Choose the people this programme serves"):
        services.programme_set_ages_served(
            programme=world["programme"], youngest_age=value, by=commissioner
        )


# --- the page -----------------------------------------------------------------------------------


def _url(programme):
    return f"/engagement/reach/{programme.pk}/"


def test_the_page_offers_the_form_and_saves_the_choice(client, commissioner, world):
    client.force_login(commissioner)
    html = client.get(_url(world["programme"])).content.decode()
    assert 'id="ages-served-form"' in html and "People this programme serves" in html
    assert "People aged 15 and under are 25% of residents and 4% of participants." in html
    response = client.post(_url(world["programme"]), {"youngest_age": "16"})
    assert response.status_code == 302 and response["Location"] == _url(world["programme"])
    assert Programme.objects.get(pk=world["programme"].pk).youngest_age_served == 16
    html = client.get(_url(world["programme"])).content.decode()
    assert "16 and over (adults)" in html
    assert "4 people who took part gave a younger age" in html
    assert "15 and under are 25% of residents" not in html
    assert "not compared: outside the ages served" in html
    assert 'id="reach-by-channel"' in html
    assert "People aged 65 and over are 23% of residents and 5% of participants." in html


def test_a_bad_choice_shows_an_error_summary_and_changes_nothing(client, commissioner, world):
    client.force_login(commissioner)
    response = client.post(_url(world["programme"]), {"youngest_age": "18"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and 'href="#youngest_age"' in html
    assert Programme.objects.get(pk=world["programme"].pk).youngest_age_served == 0


def test_a_councillor_reads_the_page_without_the_form_and_cannot_post(client, councillor, world):
    client.force_login(councillor)
    response = client.get(_url(world["programme"]))
    assert response.status_code == 200
    assert 'id="ages-served-form"' not in response.content.decode()
    assert client.post(_url(world["programme"]), {"youngest_age": "16"}).status_code == 403
    assert Programme.objects.get(pk=world["programme"].pk).youngest_age_served == 0


def test_another_council_cannot_post_to_a_programme_it_cannot_see(
    client, other_commissioner, world
):
    client.force_login(other_commissioner)
    assert client.post(_url(world["programme"]), {"youngest_age": "16"}).status_code == 404
    assert Programme.objects.get(pk=world["programme"].pk).youngest_age_served == 0


def test_the_api_gives_the_ages_served_and_reach_by_channel(client, commissioner, world):
    _serve(world["programme"], AgesServed.FROM_16)
    client.force_login(commissioner)
    data = client.get(f"/api/v1/engagement/reach/{world['programme'].pk}").json()
    assert data["youngest_age_served"] == 16 and data["ages_served"] == "16 and over (adults)"
    age = next(d for d in data["dimensions"] if d["dimension"] == "age_band")
    assert age["outside_ages_served"] == 4
    child = next(g for g in age["groups"] if g["group"] == "0_15")
    assert child["outside_ages_served"] and child["participant_share"] is None
    digital = next(c for c in data["channels"] if c["channel"] == "digital")
    assert digital["participants"] == 40
    assert digital["under_represented"][0] == (
        "people aged 65 and over are 23% of residents and 5% of participants"
    )
    d_age = next(d for d in digital["dimensions"] if d["dimension"] == "age_band")
    older = next(g for g in d_age["groups"] if g["group"] == "65_plus")
    assert older["participant_share"] == 0.05 and older["under_represented"]
