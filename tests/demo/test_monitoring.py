"""The demo's monitoring year (issue 5, point 7): the visit generator on its own (fast), then
the whole year built on the demo county through ingestion, the KPI engine and provider status."""

import datetime as dt
import zoneinfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from django.test import override_settings

from tendercare.demo import county, monitoring
from tendercare.demo.visit_year import (
    CRAMMING,
    PUNCTUAL,
    WORSENING,
    ProviderZone,
    clocks_go_back,
    clocks_go_forward,
    generate_year,
    uk_clock,
)
from tendercare.organisations.models import Organisation
from tendercare.performance import status, visit_store
from tendercare.performance.models import (
    KpiResult,
    ProviderStatus,
    QualityScore,
    Statement,
    StatusRecommendation,
    VisitImport,
    Zone,
)

START = dt.date(2025, 11, 1)
PLANS = [
    ProviderZone("Steady Care Ltd", "North", "S", PUNCTUAL, 2.0, ("E01000001", "E01000002")),
    ProviderZone("Slipping Care Ltd", "North", "W", WORSENING, 2.0, ("E01000001",)),
    ProviderZone("Crammed Care Ltd", "South", "C", CRAMMING, 2.0, ()),
]


@pytest.fixture(scope="module")
def year():
    return generate_year(PLANS, start=START, clients=90, seed=7).to_pandas()


def test_the_generator_is_deterministic_and_its_ids_unique():
    a = generate_year(PLANS, start=START, months=2, clients=30, seed=1)
    b = generate_year(PLANS, start=START, months=2, clients=30, seed=1)
    c = generate_year(PLANS, start=START, months=2, clients=30, seed=2)
    assert a.equals(b)
    assert not a.equals(c)
    assert pc.count_distinct(a["visit_id"]).as_py() == a.num_rows
    assert set(a.column_names) >= {
        "visit_id",
        "provider",
        "client_id",
        "carer_id",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "double_up",
        "time_critical",
        "travel_minutes_paid",
        "travel_miles",
        "verified_by",
        "zone",
        "lsoa",
        "agreed_short",
        "second_carer_id",
    }
    # It scales with the number of clients (the bench asks for millions of rows this way).
    bigger = generate_year(PLANS, start=START, months=2, clients=120, seed=1)
    assert 3 * a.num_rows < bigger.num_rows < 5 * a.num_rows
    with pytest.raises(ValueError):
        generate_year([], start=START)


def _by_quarter(frame, provider):
    rows = frame[frame.provider == provider].copy()
    rows["late"] = (rows.actual_start - rows.planned_start).dt.total_seconds() / 60
    rows["ratio"] = (rows.actual_end - rows.actual_start) / (rows.planned_end - rows.planned_start)
    rows["missed"] = rows.actual_start.isna()
    rows["manual"] = rows.verified_by == "manual"
    early = rows[rows.planned_start < "2026-02-01"]
    late = rows[rows.planned_start >= "2026-08-01"]
    return early, late


def test_the_worsening_provider_really_worsens_month_by_month(year):
    early, late = _by_quarter(year, "Slipping Care Ltd")
    assert (late.late > 15).mean() > (early.late > 15).mean() + 0.2
    assert (late.ratio < 0.85).mean() > (early.ratio < 0.85).mean() + 0.3
    assert late.missed.mean() > early.missed.mean() + 0.015
    assert late.manual.mean() > early.manual.mean() + 0.05
    # ... while the punctual provider stays the same.
    steady_early, steady_late = _by_quarter(year, "Steady Care Ltd")
    assert (steady_late.late > 15).mean() < 0.05 and (steady_early.late > 15).mean() < 0.05
    assert (steady_late.ratio < 0.85).mean() < 0.01


def _overlaps(frame, provider) -> int:
    rows = frame[(frame.provider == provider) & frame.actual_start.notna()].sort_values(
        ["carer_id", "actual_start"]
    )
    previous_end = rows.groupby("carer_id").actual_end.shift()
    overlap = (previous_end - rows.actual_start).dt.total_seconds() / 60
    return int((overlap > 5).sum())


def test_the_cramming_provider_books_carers_on_overlapping_visits(year):
    crammed = _overlaps(year, "Crammed Care Ltd")
    delivered = int((year.provider == "Crammed Care Ltd").sum())
    assert crammed > 0.03 * delivered
    assert _overlaps(year, "Steady Care Ltd") == 0
    assert _overlaps(year, "Slipping Care Ltd") == 0
    lunch = year[(year.provider == "Crammed Care Ltd") & (year.planned_start.dt.hour == 12)]
    short = (lunch.planned_end - lunch.planned_start).dt.total_seconds() / 60 < 30
    assert (short & ~lunch.agreed_short).any()


def test_each_double_up_has_a_second_carer_of_the_same_provider_who_is_free(year):
    doubles = year[year.double_up]
    singles = year[~year.double_up]
    assert len(doubles) > 0.03 * len(year)
    assert doubles.second_carer_id.notna().all() and singles.second_carer_id.isna().all()
    assert (doubles.second_carer_id != doubles.carer_id).all()
    # A real carer of the same provider: the same id scheme, and a lead carer elsewhere.
    prefix = doubles.carer_id.str.split("-K").str[0]
    assert (doubles.second_carer_id.str.split("-K").str[0] == prefix).all()
    leads = set(year.carer_id)
    assert set(doubles.second_carer_id) <= leads
    # Counting both carers of a double-up, honest providers still never overlap.
    both = pd.concat([year, doubles.assign(carer_id=doubles.second_carer_id)], ignore_index=True)
    assert _overlaps(both, "Steady Care Ltd") == 0
    assert _overlaps(both, "Slipping Care Ltd") == 0


def test_visits_keep_to_the_day_and_avoid_the_clock_change_hour(year):
    hours = year.planned_start.dt.hour
    assert hours.min() >= 7 and (year.planned_end.dt.hour <= 23).all()
    assert set(year[year.provider == "Steady Care Ltd"].lsoa) <= {"E01000001", "E01000002"}
    assert set(year[year.provider == "Crammed Care Ltd"].lsoa) == {""}
    assert isinstance(generate_year(PLANS, start=START, months=1, clients=9), pa.Table)


# --- the clock changes ----------------------------------------------------------------------

UK = zoneinfo.ZoneInfo("Europe/London")


def _read_at_fold0(wall: dt.datetime) -> dt.datetime:
    """What the import makes of a UK wall-clock time without an offset: naive UTC, fold=0."""
    return wall.replace(tzinfo=UK).astimezone(dt.UTC).replace(tzinfo=None)


def test_the_clock_changes_are_the_last_sundays_of_march_and_october():
    assert [clocks_go_forward(y) for y in (2025, 2026, 2027)] == [
        dt.date(2025, 3, 30),
        dt.date(2026, 3, 29),
        dt.date(2027, 3, 28),
    ]
    assert [clocks_go_back(y) for y in (2025, 2026, 2027)] == [
        dt.date(2025, 10, 26),
        dt.date(2026, 10, 25),
        dt.date(2027, 10, 31),
    ]


def test_uk_clock_counts_past_the_spring_change_as_a_real_clock_does():
    """Minutes counted from a GMT day are shown as a UK clock shows that moment: every minute
    of the 36 hours from Saturday noon, against zoneinfo."""
    saturday = dt.date(2026, 3, 28)
    noon = dt.datetime(2026, 3, 28, 12)
    minutes = np.arange(36 * 60)
    counted = np.datetime64(noon, "m") + minutes.astype("timedelta64[m]")
    shown = uk_clock(np.full(minutes.size, np.datetime64(saturday, "D")), counted)
    expected = [
        (noon + dt.timedelta(minutes=int(m))).replace(tzinfo=dt.UTC).astimezone(UK) for m in minutes
    ]
    assert [v.astype(dt.datetime) for v in shown] == [e.replace(tzinfo=None) for e in expected]
    hours = {v.astype(dt.datetime).hour for v in shown if v.astype(dt.datetime).date().day == 29}
    assert 1 not in hours
    # A visit planned on the Sunday itself (07:00 on, summer time) is left as it is, and so is
    # any time of a day that has no clock change.
    sunday = np.array([np.datetime64("2026-03-29T07:30")])
    assert uk_clock(np.array([np.datetime64("2026-03-29")]), sunday)[0] == sunday[0]
    june = np.array([np.datetime64("2026-06-10T23:50"), np.datetime64("2026-06-11T01:30")])
    assert (uk_clock(np.array(["2026-06-10", "2026-06-10"], "datetime64[D]"), june) == june).all()


SLIPPING = [ProviderZone("Slipping Care Ltd", "North", "W", WORSENING, 1.0, ())]


@pytest.mark.parametrize(
    ("start", "change"),
    [(dt.date(2025, 11, 1), dt.date(2026, 3, 29)), (dt.date(2026, 6, 1), dt.date(2026, 10, 25))],
    ids=["spring", "autumn"],
)
def test_late_rounds_across_a_clock_change_read_back_in_order(start, change):
    """The worsening provider at its worst in the fifth month (March, then October) at a scale
    where late bed rounds run past 01:00 on the night of the change, as the county's did: no
    time in March's skipped hour, and every visit read at fold=0 (as the import reads it) ends
    after it starts and after its carer's previous visit that night started."""
    frame = generate_year(SLIPPING, start=start, months=5, clients=600, seed=5).to_pandas()
    eve = change - dt.timedelta(days=1)
    night = frame[frame.planned_start.dt.date == eve]
    past_one = night[night.actual_end >= pd_time(change, 1)]
    assert len(past_one) >= 3  # the case that used to be refused really happens here
    for column in ("planned_start", "planned_end", "actual_start", "actual_end"):
        times = frame[column].dropna()
        on_day = times[times.dt.date == change]
        if change.month == 3:
            assert not (on_day.dt.hour == 1).any(), column
    delivered = night[night.actual_start.notna()].sort_values(["carer_id", "planned_start"])
    starts = [_read_at_fold0(v.to_pydatetime()) for v in delivered.actual_start]
    ends = [_read_at_fold0(v.to_pydatetime()) for v in delivered.actual_end]
    assert all(e > s for s, e in zip(starts, ends, strict=True))
    carers = list(delivered.carer_id)
    for i in range(1, len(carers)):
        if carers[i] == carers[i - 1]:
            assert starts[i] > starts[i - 1]
    # Real minutes are kept in spring: a visit that crosses the change lasts what it lasted.
    if change.month == 3:
        crossing = past_one[past_one.actual_start < pd_time(change, 1)]
        assert len(crossing) >= 1
        for _, row in crossing.iterrows():
            counted = (row.actual_end - row.actual_start).total_seconds() / 60 - 60
            real = (
                _read_at_fold0(row.actual_end.to_pydatetime())
                - _read_at_fold0(row.actual_start.to_pydatetime())
            ).total_seconds() / 60
            assert real == counted


def pd_time(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


# --- the whole year on the demo county --------------------------------------------------------

AS_OF = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    store = tmp_path_factory.mktemp("visits")
    with django_db_blocker.unblock(), override_settings(VISIT_STORE=store):
        from django.db import transaction

        with transaction.atomic():
            built = county.build(as_of=AS_OF, with_geography=True)
            # The county builds its monitoring year itself once the lead wires it in.
            summary = getattr(built, "monitoring", None)
            if summary is None:
                medway = Organisation.objects.get(name="Medway Council")
                summary = monitoring.build(as_of=AS_OF, medway=medway, with_geography=True)
            yield summary
            transaction.set_rollback(True)


INCUMBENT_START = dt.date(2019, 11, 1)
FIRST, LAST = dt.date(2025, 11, 1), dt.date(2026, 10, 1)


def _incumbent_zones():
    return list(Zone.objects.filter(lot__isnull=True).order_by("name"))


def test_the_year_monitored_is_the_2019_contracts_last_before_the_new_ones(db, demo):
    """On 23 November 2026 the new contracts started on 1 November and packages move to them
    from January: the year that can be monitored is the incumbents'. Their six zones, a prime
    and a supplementary provider each from the 2019 contracts' start; the four new zones with
    the awarded providers from the new contracts' start, and no visits yet."""
    assert demo.months[0] == "2025-11" and demo.months[-1] == "2026-10"
    old = _incumbent_zones()
    assert [z.name for z in old] == [
        "Chatham, 2019 contracts",
        "Gillingham, 2019 contracts",
        "Rainham, 2019 contracts",
        "Rochester, 2019 contracts",
        "Strood and Peninsula, 2019 contracts",
        "Walderslade and Lordswood, 2019 contracts",
    ]
    assert all(len(z.lsoa_codes) >= 15 for z in old)
    for zone in old:
        rows = list(ProviderStatus.objects.filter(zone=zone).select_related("contract"))
        assert sorted(r.status for r in rows) == ["prime", "supplementary"]
        for row in rows:
            contract = row.contract
            assert contract.reference.startswith("HC-") and contract.provider_id == row.provider_id
            assert row.since == contract.start_date == INCUMBENT_START
            # Still delivering on as_of: extended to the zone's handover, after the year.
            assert contract.end_date > AS_OF and row.until is None
    new = list(Zone.objects.filter(lot__isnull=False).order_by("lot__number"))
    assert [z.lot.number for z in new] == [1, 2, 3, 4]
    assert all(len(z.lsoa_codes) >= 20 for z in new)
    awarded_from = set()
    for zone in new:
        rows = list(ProviderStatus.objects.filter(zone=zone).select_related("contract"))
        assert sorted(r.status for r in rows) == ["prime", "supplementary", "supplementary"]
        assert all(r.contract.reference.startswith("MED-HC-2026") for r in rows)
        awarded_from |= {r.since for r in rows} | {r.contract.start_date for r in rows}
    assert awarded_from == {demo.awarded_from} == {dt.date(2026, 11, 1)}
    # The year ends before the new contracts start, inside the incumbents' contracts.
    assert status.month_end(LAST) < demo.awarded_from <= AS_OF
    assert VisitImport.objects.filter(status=VisitImport.Status.DONE).count() == 12
    assert 100_000 < demo.visits < 250_000
    results = KpiResult.objects.filter(kpi__code="punctuality")
    assert {r.zone for r in results} == set(old)
    assert {r.contract.reference[:3] for r in results.select_related("contract")} == {"HC-"}
    # Double-ups reach the store with their second carer.
    with visit_store.connect() as con:
        rows = con.execute(
            "SELECT double_up, count(*), count(second_carer_id), "
            "count(*) FILTER (WHERE second_carer_id = carer_id) FROM visits GROUP BY double_up"
        ).fetchall()
    counts = {double: (n, seconds, same) for double, n, seconds, same in rows}
    assert counts[True][0] == counts[True][1] > 1000 and counts[True][2] == 0
    assert counts[False][1] == 0
    assert sorted(demo.monitored) == sorted(
        c.reference
        for z in old
        for c in [s.contract for s in ProviderStatus.objects.filter(zone=z)]
    )


def _zone(name: str) -> Zone:
    return Zone.objects.get(name=f"{name}, 2019 contracts")


def test_the_worsening_and_cramming_providers_show_in_their_kpis(db, demo):
    rochester = _zone("Rochester")
    dockside = ProviderStatus.objects.get(zone=rochester, status="prime").provider
    assert dockside.name == "Chatham Dockside Care Ltd"
    results = {
        r.month: r.value
        for r in KpiResult.objects.filter(
            zone=rochester, provider=dockside, kpi__code="punctuality"
        )
    }
    assert results[LAST] < 80 <= results[FIRST]
    missed = KpiResult.objects.get(
        zone=rochester, provider=dockside, kpi__code="missed", month=LAST
    )
    assert missed.value > 1
    crammed = KpiResult.objects.filter(kpi__code="call_cramming", month=LAST).select_related(
        "provider"
    )
    over = {r.provider.name for r in crammed if r.value > 3}
    assert over == {"Oast House Homecare Ltd"}  # one provider crams; the others do not
    assert sum(1 for r in crammed if r.value < 1) == crammed.count() - 1
    # The other eleven start on time in the last month (the crammer too: it overlaps instead).
    steady = [
        r
        for r in KpiResult.objects.filter(kpi__code="punctuality", month=LAST)
        if r.provider_id != dockside.pk
    ]
    assert len(steady) == 11 and all(r.value >= 90 for r in steady)


def test_one_status_change_is_recommended_and_statements_are_issued(db, demo):
    rochester = _zone("Rochester")
    pending = StatusRecommendation.objects.filter(state="pending")
    # One change, in one zone: the worsening prime out, its supplementary provider in.
    assert {r.zone for r in pending} == {rochester}
    demotion = pending.get(current="prime")
    assert demotion.provider.name == "Chatham Dockside Care Ltd"
    assert demotion.recommended == "supplementary"
    assert "below 60 for 2 months in a row" in demotion.reason
    promotion = pending.get(current="supplementary")
    assert (promotion.provider.name, promotion.recommended) == (
        "Hoo Peninsula Home Support Ltd",
        "prime",
    )
    assert pending.count() == 2 and len(demo.recommendations) == 2
    scores = QualityScore.objects.filter(zone=rochester, provider=demotion.provider).order_by(
        "month"
    )
    assert scores.count() == 12 and scores.last().score < 60 < scores.first().score
    # Statements: the 2019 contracts, the last three months.
    issued = Statement.objects.select_related("contract")
    assert issued.count() == demo.statements == 12 * 3
    assert {s.contract.reference[:3] for s in issued} == {"HC-"}
    assert {s.month for s in issued} == {dt.date(2026, 8, 1), dt.date(2026, 9, 1), LAST}
    # Brokerage today still follows the approved status: the change waits for a person.
    assert status.brokerage_order(rochester, AS_OF)[0].provider_id == demotion.provider_id
