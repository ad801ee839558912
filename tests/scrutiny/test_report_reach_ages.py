# ruff: noqa: F811 - fixtures imported from report_fixtures
"""The report's reach section for a programme that serves adults only: age compares the ages
served, says how many who took part were younger, and keeps disclosure control over that number
(test_activity_support.py's made-up residents: 500 aged 15 and under, 1,500 aged 16 and over)."""

from tendercare.engagement import services as engagement_services
from tendercare.programmes import services as programme_services
from tendercare.scrutiny import report
from tests.engagement.test_activity_support import make_geography

from .report_fixtures import AS_OF, _activity, _media  # noqa: F401


def _reach(council, commissioner, ages, *, youngest=16):
    place = make_geography()
    p = programme_services.programme_create(
        owner=council, name="Adult home care", ref="ADULT-1", by=commissioner
    )
    programme_services.programme_set_places(programme=p, places=[place], by=commissioner)
    engagement_services.programme_set_ages_served(
        programme=p, youngest_age=youngest, by=commissioner
    )
    p.refresh_from_db()
    _activity(
        council, p, "Drop-in", "in_person", {"age_band": ages}, published=True, by=commissioner
    )
    doc = report.committee_update(p, as_of=AS_OF)
    section = next(s for s in doc.sections if s.id == "reach")
    age = next(t for t in section.tables if "age" in t.caption)
    return section, {row[0]: row for row in age.rows}


def test_adults_only_leaves_children_out_and_says_how_many(council, commissioner):
    section, rows = _reach(
        council, commissioner, {"0_15": 10, "25_34": 30, "50_64": 20, "65_plus": 5}
    )
    child = rows["15 and under (an age the programme does not serve)"]
    assert child[1:] == ["10", "Not compared", "Not compared"]
    # 30 of the 55 aged 16 and over; 250 of the 1,500 residents aged 16 and over.
    assert rows["25 to 34"][2] == "55%" and rows["25 to 34"][3] == "17%"
    assert any(
        "compared with residents aged 16 and over, the ages the programme serves: 10 people who "
        "took part gave a younger age" in p
        for p in section.paragraphs
    )
    assert not any("15 and under" in item for item in section.items)
    assert any(
        item.startswith("people aged 65 and over are 23% of residents") for item in section.items
    )


def test_a_small_number_outside_the_ages_served_is_withheld(council, commissioner):
    section, rows = _reach(
        council, commissioner, {"0_15": 3, "25_34": 30, "50_64": 20, "65_plus": 6}
    )
    assert rows["15 and under (an age the programme does not serve)"][1] == "[c]"
    # With the total shown, a share of the 56 aged 16 and over would give the 3 away.
    assert rows["25 to 34"][2] == "[c]"
    text = " ".join(section.paragraphs)
    assert (
        "people who took part and gave a younger age are left out of the age shares (how many "
        "is withheld to protect people's identities)" in text
    )
    assert "3 people" not in text


def test_all_ages_says_so(council, commissioner):
    section, rows = _reach(council, commissioner, {"0_15": 10, "25_34": 30}, youngest=0)
    assert rows["15 and under"][2] == "25%"
    assert "Age is compared with residents of all ages" in " ".join(section.paragraphs)
