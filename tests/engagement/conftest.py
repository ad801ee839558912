"""Fixtures shared by the engagement tests (helper functions are in test_activity_support.py)."""

import pytest

from tendercare.engagement import services

from .test_activity_support import load_sex, make_activity, make_geography, make_programme


@pytest.fixture
def reach_world(council, commissioner, other_council, other_commissioner):
    """The made-up Medway of test_activity_support.py (with its sex table), a programme serving
    it with an in-person meeting (nobody counted yet) and a digital survey where 30 women and 10
    men took part, and another council's programme. Each reach test module adds its own
    figures by age (and anything else it needs)."""
    place = make_geography()
    load_sex(place)
    programme = make_programme(council, commissioner, places=[place])
    meeting = make_activity(council, commissioner, programme=programme)
    survey = make_activity(
        council, commissioner, programme=programme, channel="digital", title="Survey"
    )
    services.participation_set(
        activity=survey, dimension="sex", counts={"female": 30, "male": 10}, by=commissioner
    )
    kent = make_programme(other_council, other_commissioner, name="Kent programme")
    return {"programme": programme, "meeting": meeting, "survey": survey, "kent": kent}
