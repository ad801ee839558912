"""The demo zone-week: big enough for the benchmark, on real LSOAs, the same every time."""

import datetime as dt
import io

import pytest

from tendercare.demo.travel_week import areas_of_place, zone_week
from tendercare.geography.services import geography_load
from tendercare.pricing import travel

MONDAY = dt.date(2026, 3, 2)


@pytest.fixture
def areas(db):
    geography_load(lads=["E07000108"])
    return areas_of_place("E07000108")


def test_a_zone_week_has_at_least_3000_visits_and_is_deterministic(areas):
    week = zone_week(areas, week_start=MONDAY, seed=7)
    assert len(week.visits) >= 3000
    assert week.visits_csv() == zone_week(areas, week_start=MONDAY, seed=7).visits_csv()
    assert week.carers_csv() == zone_week(areas, week_start=MONDAY, seed=7).carers_csv()
    assert week.visits_csv() != zone_week(areas, week_start=MONDAY, seed=8).visits_csv()
    share = sum(v["double_up"] == "yes" for v in week.visits) / len(week.visits)
    high = sum(v["high_dependency"] == "yes" for v in week.visits) / len(week.visits)
    skilled = sum(c["skilled"] == "yes" for c in week.carers) / len(week.carers)
    assert 0.03 < share < 0.15 and 0.04 < high < 0.2 and 0.25 < skilled < 0.5
    days = {v["window_start"][:10] for v in week.visits}
    assert len(days) == 7 and {c["shift_start"][:10] for c in week.carers} == days


def test_the_zone_week_imports_cleanly_through_the_travel_import(areas, council):
    week = zone_week(areas, week_start=MONDAY, seed=1)
    result = travel.travel_import(
        owner=council,
        by=None,
        zone="Dover",
        week_start=MONDAY,
        visits=io.BytesIO(week.visits_csv()),
        carers=io.BytesIO(week.carers_csv()),
    )
    assert result.ok, result.messages()[:5]
    assert result.run.visits.count() == len(week.visits)
    bands = set(result.run.visits.values_list("band", flat=True))
    assert bands == {"urban", "fringe", "rural", "isolated"}
