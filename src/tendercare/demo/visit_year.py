"""A year of realistic home-care visits (electronic call monitoring records), generated fast
enough for the demo (about 200,000 visits in a few seconds) and for the bench (millions).

No Django here: the demo (monitoring.py) passes providers, zones and LSOAs in, and imports the
result through the ingestion service like any provider's file.

How the visits are made:
- Each provider in a zone has clients, grouped into rounds of up to four neighbours (clients in
  adjacent LSOAs of the zone's list, which the demo sorts by place). A round has a team of three
  core carers; each day one of them does the whole round: morning, lunch, tea and bed visits in
  order, with 15 to 25 minutes of paid travel between visits. So a carer's visits never overlap
  and a client sees the same few carers.
- Every client has a daily pattern (one to four visits of 30 to 60 minutes, some a double-up,
  some time-critical, a few agreed 15-minute medication calls) that repeats every day.
- On some days a bank (relief) carer covers a round instead; bank carers are assigned so that
  no two rounds share one on the same day.
- A double-up visit's second carer is another of the round's three core carers, one who is not
  doing a round that day, so a carer's visits never overlap as lead or as second
  (second_carer_id; empty for a visit that is not a double-up).
- Actual times are planned times plus noise: a late start shared by the round that day, a few
  minutes either way per visit, visits a little shorter or longer; a few missed, a few entered
  by hand rather than verified by call monitoring.
- Times are UK wall-clock times, counted on the clock of the day the visit was planned for, as
  a real clock shows them at the clock changes (uk_clock): a very late round on the night the
  clocks go forward that runs past 01:00 is written from 02:00 on (the hour 01:00-01:59 never
  appears, and every time reads back exactly); on the night they go back, a round that began in
  summer time keeps counting on summer time until it ends (02:10 rather than the second 01:10,
  which a file without offsets cannot tell from the first), so every time the import reads at
  fold=0 keeps its order: no visit ends before it starts, none moves before the one before it.

Three kinds of provider:
- PUNCTUAL: the noise above, nothing more.
- WORSENING: good for four months, then month by month later (more round-days start late, by
  more), shorter, more missed, more bank carers and more times entered by hand.
- CRAMMING: on about a fifth of round-days one carer is booked on two rounds at once (visits
  overlap) and lunch calls are planned for 20 minutes that no care plan agreed.

Deterministic: the same arguments give the same table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

PUNCTUAL = "punctual"
WORSENING = "worsening"
CRAMMING = "cramming"

# slot: (earliest start in minutes after midnight, durations to choose from)
SLOTS = {
    "morning": (7 * 60, (45, 60)),
    "lunch": (12 * 60, (30,)),
    "tea": (16 * 60 + 30, (30,)),
    "bed": (19 * 60 + 30, (30, 45)),
}
# How many visits a day clients need, and how often (sums to 1).
PATTERNS = (
    (("morning",), 0.15),
    (("morning", "bed"), 0.25),
    (("morning", "tea", "bed"), 0.30),
    (("morning", "lunch", "tea", "bed"), 0.30),
)
ROUND_SIZE = 4
TEAM = 3


@dataclass(frozen=True)
class ProviderZone:
    """A provider delivering in a zone: names as the file will carry them, a short code for
    ids, its kind, its share of the clients, and the zone's LSOA codes (may be empty)."""

    provider: str
    zone: str
    code: str
    kind: str = PUNCTUAL
    share: float = 1.0
    lsoas: tuple[str, ...] = ()


@dataclass
class _Template:
    """One day's planned visits for every provider in a zone, repeated every day."""

    plan: np.ndarray  # index into the plans
    client: np.ndarray  # global client number
    round: np.ndarray  # global round number
    team_round: np.ndarray  # round number within its provider (for bank carers)
    position: np.ndarray  # position of the visit in its round's day
    start: np.ndarray  # planned start, minutes after midnight (UK clock)
    minutes: np.ndarray
    travel: np.ndarray  # paid travel minutes before the visit
    double_up: np.ndarray
    time_critical: np.ndarray
    agreed_short: np.ndarray
    lsoa: np.ndarray  # object array of codes ('' when unknown)
    slot: np.ndarray  # slot index


def clocks_go_forward(year: int) -> dt.date:
    """The last Sunday of March: UK clocks go from 01:00 GMT to 02:00 BST."""
    day = dt.date(year, 3, 31)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def clocks_go_back(year: int) -> dt.date:
    """The last Sunday of October: UK clocks go from 02:00 BST back to 01:00 GMT."""
    day = dt.date(year, 10, 31)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def uk_clock(planned_day: np.ndarray, wall: np.ndarray) -> np.ndarray:
    """Wall-clock times (datetime64[m]) counted on the UK clock of each visit's planned day,
    as a real clock shows them: a time at or after 01:00 on the Sunday the clocks go forward,
    counted from a day before it (still on GMT), moves on an hour, so 01:00-01:59 on that day
    never appears and 00:50 + 30 minutes is 02:20. Times counted from a summer day past the
    night the clocks go back stay on summer time (see the module's notes)."""
    planned_day = np.asarray(planned_day, dtype="datetime64[D]")
    wall = np.asarray(wall, dtype="datetime64[m]")
    if wall.size == 0:
        return wall
    first = int(str(planned_day.min())[:4])
    last = int(str(wall.max())[:4])
    out = wall
    for year in range(first, last + 1):
        sunday = np.datetime64(clocks_go_forward(year), "D")
        change = sunday.astype("datetime64[m]") + np.timedelta64(60, "m")
        moved = (planned_day < sunday) & (wall >= change)
        out = np.where(moved, wall + np.timedelta64(60, "m"), out)
    return out


def _months(start: dt.date, months: int) -> list[dt.date]:
    out, day = [], start.replace(day=1)
    for _ in range(months):
        out.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def _template(plans: Sequence[ProviderZone], clients: int, rng: np.random.Generator):
    shares = np.array([max(p.share, 0.0) for p in plans], dtype=float)
    counts = np.maximum(1, np.round(shares / shares.sum() * clients)).astype(int)
    cols: dict[str, list] = {k: [] for k in _Template.__dataclass_fields__}
    client_no = 0
    round_no = 0
    rounds_per_plan = []
    slot_names = list(SLOTS)
    for p_index, (plan, count) in enumerate(zip(plans, counts, strict=True)):
        lsoas = list(plan.lsoas) or [""]
        n_rounds = -(-count // ROUND_SIZE)
        rounds_per_plan.append(n_rounds)
        pattern_names = [p for p, _ in PATTERNS]
        weights = [w for _, w in PATTERNS]
        for r in range(n_rounds):
            members = range(r * ROUND_SIZE, min((r + 1) * ROUND_SIZE, count))
            # Neighbours: a round's clients live in a run of adjacent LSOAs of the zone.
            home = int(rng.integers(len(lsoas)))
            people = []
            for _ in members:
                pattern = pattern_names[rng.choice(len(pattern_names), p=weights)]
                near = lsoas[min(len(lsoas) - 1, home + int(rng.integers(3)))]
                people.append(
                    {
                        "client": client_no,
                        "pattern": pattern,
                        "lsoa": near,
                        "double_up": rng.random() < 0.08,
                        "time_critical": rng.random() < 0.2,
                        "medication_call": rng.random() < 0.1,
                        "durations": {s: int(rng.choice(SLOTS[s][1])) for s in SLOTS},
                    }
                )
                client_no += 1
            cursor = 0
            position = 0
            for s_index, slot in enumerate(slot_names):
                # A carer who runs on past the next slot's start still travels to its first visit.
                cursor = max(cursor + (20 if position else 0), SLOTS[slot][0])
                first = True
                for person in people:
                    medication = slot == "lunch" and person["medication_call"]
                    if slot not in person["pattern"] and not medication:
                        continue
                    minutes = person["durations"][slot]
                    agreed = False
                    if slot == "lunch" and slot not in person["pattern"]:
                        minutes, agreed = 15, True  # an agreed medication call
                    if slot == "lunch" and plan.kind == CRAMMING and not agreed:
                        minutes = 20  # planned short, no care plan agreed it
                    travel = 10 if first else int(rng.integers(15, 26))
                    cursor += 0 if first else travel
                    for key, value in (
                        ("plan", p_index),
                        ("client", person["client"]),
                        ("round", round_no),
                        ("team_round", r),
                        ("position", position),
                        ("start", cursor),
                        ("minutes", minutes),
                        ("travel", travel),
                        ("double_up", person["double_up"]),
                        ("time_critical", person["time_critical"] and slot in ("morning", "bed")),
                        ("agreed_short", agreed),
                        ("lsoa", person["lsoa"]),
                        ("slot", s_index),
                    ):
                        cols[key].append(value)
                    cursor += minutes
                    position += 1
                    first = False
            round_no += 1
    arrays = {k: np.array(v, dtype=object if k == "lsoa" else None) for k, v in cols.items() if k}
    return _Template(**arrays), np.array(rounds_per_plan), round_no, client_no


def _severity(kind: np.ndarray, month_index: np.ndarray, months: int) -> np.ndarray:
    """0 for a steady provider; for the worsening one 0 for four months, then up to 1."""
    ramp = np.clip((month_index - 3) / max(months - 4, 1), 0, 1)
    return np.where(kind == 1, ramp, 0.0)


def generate_year(
    plans: Sequence[ProviderZone],
    *,
    start: dt.date,
    months: int = 12,
    clients: int = 180,
    seed: int = 2026,
) -> pa.Table:
    """The visits of `months` months from `start` for the plans, as a table in the ingestion
    file format (visits.visit_import reads it as Parquet): visit_id, provider, zone, lsoa,
    client_id, carer_id, second_carer_id (double-ups only), planned/actual start and end (UK
    wall-clock time), double_up, time_critical, agreed_short, travel_minutes_paid, travel_miles,
    verified_by."""
    if not plans:
        raise ValueError("No providers to generate visits for")
    rng = np.random.default_rng(seed)
    t, rounds_per_plan, n_rounds, _ = _template(plans, clients, rng)
    month_starts = _months(start, months)
    first = month_starts[0]
    last = (month_starts[-1].replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    days = (last - first).days
    per_day = len(t.start)
    n = per_day * days

    day = np.repeat(np.arange(days, dtype=np.int64), per_day)
    idx = np.tile(np.arange(per_day, dtype=np.int64), days)
    dates = np.datetime64(first, "D") + day
    month_of_day = np.array(
        [(first + dt.timedelta(days=int(d))).month for d in range(days)], dtype=np.int64
    )
    year_of_day = np.array(
        [(first + dt.timedelta(days=int(d))).year for d in range(days)], dtype=np.int64
    )
    month_index = (year_of_day - first.year) * 12 + month_of_day - first.month
    m = month_index[day]

    kinds = np.array(
        [{PUNCTUAL: 0, WORSENING: 1, CRAMMING: 2}[p.kind] for p in plans], dtype=np.int64
    )
    plan = t.plan[idx]
    kind = kinds[plan]
    sev = _severity(kind, m, months)

    # Round-days: one draw per round per day, shared by its visits.
    rd = day * n_rounds + t.round[idx]
    rd_count = days * n_rounds
    late_draw = rng.random(rd_count)
    late_size = rng.exponential(1.0, rd_count)
    bank_draw = rng.random(rd_count)
    base_delay = rng.normal(0, 3, rd_count)
    cram_draw = rng.random(rd_count)

    p_late = 0.03 + 0.5 * sev
    late = np.where(late_draw[rd] < p_late, late_size[rd] * (12 + 30 * sev) + 8 * sev, 0.0)
    delay = base_delay[rd] + late + rng.normal(0, 2, n)
    factor = rng.uniform(0.94, 1.04, n) - sev * rng.uniform(0.15, 0.35, n)
    missed = rng.random(n) < (0.001 + 0.04 * sev)
    manual = rng.random(n) < (0.02 + 0.15 * sev)

    # Carers: the round's team member for the day, or a bank carer.
    team_round = t.team_round[idx]
    rotation = (day + t.round[idx]) % TEAM
    core = team_round * TEAM + rotation
    bank_rate = np.where(kind == 1, 0.05 + 0.4 * sev, 0.05)
    on_bank = bank_draw[rd] < bank_rate
    n_bank = rounds_per_plan[plan]
    bank = (team_round + day * 7) % n_bank
    # Cramming: the next round's carer of the day takes this round too, overlapping.
    crammed = (kind == 2) & (cram_draw[rd] < 0.2) & (rounds_per_plan[plan] > 1)
    next_round = (team_round + 1) % rounds_per_plan[plan]
    crammed_core = next_round * TEAM + (day + t.round[idx] + 1) % TEAM
    carer_no = np.where(crammed, crammed_core, np.where(on_bank, 10_000 + bank, core))
    # A double-up's second carer: the round's next core carer, off its own round that day.
    second_no = team_round * TEAM + (rotation + 1) % TEAM
    double_up = t.double_up[idx].astype(bool)

    # Counted in minutes on the planned day's clock, then shown as a UK clock shows them.
    planned_start = dates.astype("datetime64[m]") + t.start[idx].astype("timedelta64[m]")
    planned_minutes = t.minutes[idx]
    planned_end = planned_start + planned_minutes.astype("timedelta64[m]")
    actual_minutes = np.maximum(5, np.round(planned_minutes * factor)).astype(np.int64)
    actual_start = planned_start + np.round(delay).astype("timedelta64[m]")
    actual_end = actual_start + actual_minutes.astype("timedelta64[m]")
    planned_start, planned_end, actual_start, actual_end = (
        uk_clock(dates, times) for times in (planned_start, planned_end, actual_start, actual_end)
    )

    code = pa.DictionaryArray.from_arrays(
        pa.array(plan, pa.int32()), pa.array([p.code for p in plans], pa.string())
    ).cast(pa.string())
    visit_id = _join(code, "-", day, "-", idx)  # unique: a day and a place in its template
    client_id = _join(code, "-C", t.client[idx])
    carer_id = _join(code, "-K", carer_no)
    second_carer_id = pc.if_else(
        pa.array(double_up), _join(code, "-K", second_no), pa.scalar(None, pa.string())
    )
    travel = t.travel[idx].astype(float)

    mask = np.asarray(missed, dtype=bool)
    return pa.table(
        {
            "visit_id": visit_id,
            "provider": _names([p.provider for p in plans], plan),
            "zone": _names([p.zone for p in plans], plan),
            "lsoa": _names(list(t.lsoa), idx),
            "client_id": client_id,
            "carer_id": carer_id,
            "second_carer_id": second_carer_id,
            "planned_start": pa.array(planned_start.astype("datetime64[s]")),
            "planned_end": pa.array(planned_end.astype("datetime64[s]")),
            "actual_start": pa.array(actual_start.astype("datetime64[s]"), mask=mask),
            "actual_end": pa.array(actual_end.astype("datetime64[s]"), mask=mask),
            "double_up": pa.array(double_up),
            "time_critical": pa.array(t.time_critical[idx].astype(bool)),
            "agreed_short": pa.array(t.agreed_short[idx].astype(bool)),
            "travel_minutes_paid": pa.array(travel),
            "travel_miles": pa.array(np.round(travel * 0.3, 1)),
            "verified_by": pa.array(np.where(manual, "manual", "ecm").astype(object), pa.string()),
        }
    )


def _names(values: list[str], index: np.ndarray) -> pa.Array:
    return pa.DictionaryArray.from_arrays(
        pa.array(index, pa.int32()), pa.array(values, pa.string())
    ).cast(pa.string())


def _join(*parts) -> pa.Array:
    """Element-wise string concatenation of arrays (strings or integers) and constants."""
    arrays = [
        part if isinstance(part, str | pa.Array) else pa.array(part, pa.int64()).cast(pa.string())
        for part in parts
    ]
    return pc.binary_join_element_wise(*arrays, "")
