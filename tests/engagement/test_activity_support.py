"""Shared set-up for the activity, survey, census and reach tests (no tests here).

The geography is made up for the tests (two LSOAs with round numbers), not real figures, so
that reach can be worked by hand: see test_reach_programme.py.
"""

import datetime as dt

from tendercare.engagement import services
from tendercare.engagement.models import CensusPopulation
from tendercare.geography.models import Lsoa, Place, Postcode, Ward
from tendercare.programmes import services as programme_services

MEDWAY = "E06000035"


def make_geography() -> Place:
    place = Place.objects.create(code=MEDWAY, name="Medway")
    ward = Ward.objects.create(code="E05000001", name="Test Ward", place=place)
    a = Lsoa.objects.create(
        code="E01000001",
        name="Test LSOA A",
        ward=ward,
        place=place,
        pop_0_15=200,
        pop_16_24=100,
        pop_25_34=150,
        pop_35_49=200,
        pop_50_64=180,
        pop_65_plus=170,
        pop_total=1000,
        imd_decile=1,
    )
    b = Lsoa.objects.create(
        code="E01000002",
        name="Test LSOA B",
        ward=ward,
        place=place,
        pop_0_15=300,
        pop_16_24=100,
        pop_25_34=100,
        pop_35_49=200,
        pop_50_64=130,
        pop_65_plus=170,
        pop_total=1000,
        imd_decile=10,
    )
    c = Lsoa.objects.create(
        code="E01000003",
        name="Test LSOA C (no IMD)",
        ward=ward,
        place=place,
        imd_decile=None,
    )
    Postcode.objects.create(code="ME11AA", pcds="ME1 1AA", lsoa=a)  # quintile 1
    Postcode.objects.create(code="ME44TR", pcds="ME4 4TR", lsoa=b)  # quintile 5
    Postcode.objects.create(code="ME22BB", pcds="ME2 2BB", lsoa=c)  # no decile
    return place


def load_sex(place, female=1020, male=980):
    for group, n in (("female", female), ("male", male)):
        CensusPopulation.objects.create(
            place=place, dimension="sex", group=group, count=n, source="test figures"
        )


def make_programme(owner, by, *, places=(), name="Home care from November 2026"):
    programme = programme_services.programme_create(owner=owner, name=name, by=by)
    if places:
        programme_services.programme_set_places(programme=programme, places=places, by=by)
    return programme


def make_activity(owner, by, *, programme=None, channel="in_person", title="Listening event"):
    return services.activity_create(
        owner=owner,
        title=title,
        kind="public_meeting" if channel == "in_person" else "survey",
        channel=channel,
        starts_on=dt.date(2026, 3, 4),
        organiser="Commissioning team",
        place="Chatham library",
        programme=programme,
        by=by,
    )


def dimension_of(result, code):
    """One dimension (age_band, sex, ...) of a programme's reach or of one of its channels."""
    return next(d for d in result.dimensions if d.code == code)


def row_of(dimension, group):
    """One group's row of a reach dimension."""
    return next(r for r in dimension.rows if r.group == group)
