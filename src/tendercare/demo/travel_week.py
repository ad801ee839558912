"""A realistic home-care zone-week on real LSOAs, in the travel import format.

Clients live in LSOAs in proportion to the population aged 65 and over; each has the same
pattern every day (1 to 4 calls: morning, lunch, tea, bed), 30-, 45- or 60-minute calls, about
8% of clients need two carers (double-up: every call) and about 10% need a skilled carer
(high dependency). Carers live in LSOAs in proportion to the whole population, work five days
a week on an early (07:00-14:30) or a late (14:30-22:30) shift, and about 30% are skilled.
There are enough carers to serve every call with room to travel.

The rows are exactly what a commissioner would upload (visits file and carers file), so the
demo, the tests and the benchmark all go through the same import and run.

    week = zone_week(lsoas_of_place("E07000108"), week_start=date(2026, 3, 2), seed=1)
    visits_csv, carers_csv = week.visits_csv(), week.carers_csv()
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
from dataclasses import dataclass, field

VISIT_COLUMNS = [
    "visit_id",
    "lsoa",
    "window_start",
    "window_end",
    "duration_minutes",
    "double_up",
    "high_dependency",
]
CARER_COLUMNS = ["carer_id", "lsoa", "shift_start", "shift_end", "skilled"]

# (name, earliest planned start window opens, latest it opens, durations to choose from)
SLOTS = [
    ("morning", dt.time(7, 0), dt.time(10, 0), (45, 60, 30)),
    ("lunch", dt.time(11, 30), dt.time(12, 30), (30, 30, 45)),
    ("tea", dt.time(16, 0), dt.time(17, 30), (30, 30, 45)),
    ("bed", dt.time(19, 0), dt.time(20, 30), (30, 45, 30)),
]
# Which slots a client with n calls a day has.
PATTERNS = {1: (0,), 2: (0, 3), 3: (0, 1, 3), 4: (0, 1, 2, 3)}
CALLS_WEIGHTS = (0.15, 0.3, 0.25, 0.3)
WINDOW_MINUTES = 60
SHIFTS = {"early": (dt.time(7, 0), dt.time(14, 30)), "late": (dt.time(14, 30), dt.time(22, 30))}
# Carer-minutes of shift per minute of care: room for travel and the peaks of the day (every
# client has a morning call; most also have a bed-time call between 19:00 and 21:30, so the late
# shift is staffed for that peak rather than its average).
STAFFING_RATIO = {"early": 2.8, "late": 4.0}
# Skilled carers are fewer and further apart, and bed-time calls bunch up: staff them with a
# wider margin so that every high-dependency call can be reached.
SKILLED_MARGIN = 2.5


@dataclass(frozen=True)
class Area:
    """An LSOA as the generator needs it."""

    code: str
    pop_65_plus: int
    pop_total: int


@dataclass
class ZoneWeek:
    visits: list[dict] = field(default_factory=list)
    carers: list[dict] = field(default_factory=list)

    def visits_csv(self) -> bytes:
        return _csv(VISIT_COLUMNS, self.visits)

    def carers_csv(self) -> bytes:
        return _csv(CARER_COLUMNS, self.carers)


def _csv(columns, rows) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _at(day: dt.date, time: dt.time, minutes: int = 0) -> str:
    moment = dt.datetime.combine(day, time) + dt.timedelta(minutes=minutes)
    return moment.isoformat(timespec="minutes")


def _minutes(time: dt.time) -> int:
    return time.hour * 60 + time.minute


def zone_week(
    areas: list[Area],
    *,
    week_start: dt.date,
    clients: int = 190,
    seed: int = 1,
    double_up_share: float = 0.08,
    high_dependency_share: float = 0.10,
    skilled_share: float = 0.30,
) -> ZoneWeek:
    """One week of visits and carer shifts. 190 clients give about 3,300 visits."""
    if not areas:
        raise ValueError("The zone has no LSOAs")
    rng = random.Random(seed)
    areas = sorted(areas, key=lambda a: a.code)
    older = [max(a.pop_65_plus, 1) for a in areas]
    everyone = [max(a.pop_total, 1) for a in areas]
    week = ZoneWeek()
    # Care minutes by shift, to staff each shift for its own demand.
    demand = {"early": 0, "late": 0}
    skilled_demand = {"early": 0, "late": 0}
    for number in range(1, clients + 1):
        area = rng.choices(areas, weights=older)[0]
        calls = rng.choices((1, 2, 3, 4), weights=CALLS_WEIGHTS)[0]
        double_up = rng.random() < double_up_share
        high_dependency = rng.random() < high_dependency_share
        pattern = []
        for slot in PATTERNS[calls]:
            _, opens, last, durations = SLOTS[slot]
            span = _minutes(last) - _minutes(opens)
            offset = rng.randrange(0, span + 1, 15)
            pattern.append((opens, offset, rng.choice(durations)))
        for day_number in range(7):
            day = week_start + dt.timedelta(days=day_number)
            for call, (opens, offset, minutes) in enumerate(pattern, start=1):
                week.visits.append(
                    {
                        "visit_id": f"C{number:04d}-D{day_number + 1}-{call}",
                        "lsoa": area.code,
                        "window_start": _at(day, opens, offset),
                        "window_end": _at(day, opens, offset + WINDOW_MINUTES),
                        "duration_minutes": minutes,
                        "double_up": "yes" if double_up else "no",
                        "high_dependency": "yes" if high_dependency else "no",
                    }
                )
                shift = "early" if _minutes(opens) + offset < _minutes(dt.time(14, 0)) else "late"
                demand[shift] += minutes * (2 if double_up else 1)
                if high_dependency:
                    skilled_demand[shift] += minutes * (2 if double_up else 1)
    week.visits.sort(key=lambda row: (row["window_start"], row["visit_id"]))
    _add_carers(week, rng, areas, everyone, demand, skilled_demand, week_start, skilled_share)
    return week


def _add_carers(week, rng, areas, everyone, demand, skilled_demand, week_start, skilled_share):
    number = 0
    for shift, (start, end) in SHIFTS.items():
        shift_minutes = _minutes(end) - _minutes(start)
        per_day = math.ceil(STAFFING_RATIO[shift] * demand[shift] / 7 / shift_minutes)
        skilled_per_day = math.ceil(
            STAFFING_RATIO[shift] * SKILLED_MARGIN * skilled_demand[shift] / 7 / shift_minutes
        )
        # Each carer works 5 days in 7, so 7/5 as many people as shifts on a day.
        people = math.ceil(per_day * 7 / 5)
        skilled_people = max(math.ceil(people * skilled_share), math.ceil(skilled_per_day * 7 / 5))
        for person in range(people):
            number += 1
            home = rng.choices(areas, weights=everyone)[0]
            skilled = person < skilled_people
            days_off = {(person + k) % 7 for k in (0, 1)}  # staggered, so every day is covered
            for day_number in range(7):
                if day_number in days_off:
                    continue
                day = week_start + dt.timedelta(days=day_number)
                week.carers.append(
                    {
                        "carer_id": f"K{number:03d}",
                        "lsoa": home.code,
                        "shift_start": _at(day, start),
                        "shift_end": _at(day, end),
                        "skilled": "yes" if skilled else "no",
                    }
                )
    week.carers.sort(key=lambda row: (row["shift_start"], row["carer_id"]))


def areas_of_place(place_code: str) -> list[Area]:
    """The LSOAs of a local authority (from the database), with a band and a centroid."""
    from tendercare.geography.models import Lsoa

    rows = Lsoa.objects.filter(
        place_id=place_code, ruc__isnull=False, latitude__isnull=False, longitude__isnull=False
    ).values_list("code", "pop_65_plus", "pop_total")
    return [Area(code, older, total) for code, older, total in rows]
