"""The built-in KPIs, as data: what each measures, its default target and where that comes from,
and its calculation as SQL over the `visits` view of the visit store (see the store contract in
docs/WORKING-IN-PARALLEL.md and docs/monitoring.md).

Every visit KPI is a ratio per (provider_id, zone_id, month): an aggregate numerator over an
aggregate denominator, value = numerator / denominator * scale. Each is written once, as
fragments over an enriched relation (`e`: one row per visit; `cz`: a client's carers per month;
`cramv`: one row per visit with an actual start, crammed or not), and rendered either alone
(kpi_sql, e.g. for Spark) or all together in one query (all_kpis_sql, what the engine runs).

The SQL is ANSI-ish and runs on DuckDB and Spark SQL. The few calls that differ live in
DIALECTS and are written in the fragments as calls such as LOCAL(ts) (naive UTC -> Europe/London
wall clock), UTC(wall) (the reverse), MINUTES(a, b) (exact minutes from a to b), ADD_DAYS and
ADD_MONTHS. Spark must run with spark.sql.session.timeZone=UTC so that unix_timestamp of a naive
UTC time is exact.

Counting rules that hold for every KPI:
- One row per visit. A double-up (double_up = true) is one visit delivered by two carers: it
  counts once in every visit count; it counts as two carers' contact hours in travel; both its
  carers (carer_id and, when the file gives one, second_carer_id) count in continuity and have
  it in their sequences for cramming.
- A visit belongs to the day and month of its planned start in Europe/London (the stored
  planned_day; converted here only for files written before it existed): a visit from 23:45 on
  31 January to 00:20 on 1 February is January's.
- Durations come from the UTC timestamps, so a visit across a clock change has its real length.
- Missed: no actual start, or an actual start at or after the visit's deadline, the earlier of
  the client's next later planned start with the same provider and 23:00 UK time on the planned
  day (the stored day_cutoff; 23:00 the next day for a visit planned at or after 23:00).
  Delivered = not missed: punctuality, short visits, ECM and the core-team share count
  delivered visits only. Continuity, cramming and travel count every visit with an actual start
  (a carer was there).

No Django here (tests/test_architecture.py checks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

HIGHER = "higher"
LOWER = "lower"

# The only engine-specific SQL, written in the fragments as NAME(arguments); {0}, {1} are the
# arguments as written (they may hold calls of their own).
DIALECTS = {
    "duckdb": {
        # naive UTC -> Europe/London wall clock, and back
        "LOCAL": "timezone('Europe/London', timezone('UTC', {0}))",
        "UTC": "timezone('UTC', timezone('Europe/London', {0}))",
        "MINUTES": "((epoch({1}) - epoch({0})) / 60.0)",
        "ADD_DAYS": "CAST(({0}) + CAST({1} AS INTEGER) AS DATE)",
        "ADD_MONTHS": "CAST(({0}) + to_months(CAST({1} AS INTEGER)) AS DATE)",
        # The next later planned start of the same client with the same provider (ties skipped).
        "NEXT_PLANNED": (
            "min(planned_start) OVER (PARTITION BY hash(provider_id, client_key), provider_id, "
            "client_key ORDER BY planned_start GROUPS BETWEEN 1 FOLLOWING AND 1 FOLLOWING)"
        ),
        # A carer's visits in order. The hash leads the partition keys because DuckDB sorts on
        # them and an integer sorts faster than text; the keys after it keep the partition
        # exact (7.04 s against 7.59 s for the whole year at 7.2 million visits, and 1.4 GB
        # against 1.9 GB peak: docs/monitoring-bench.md).
        "CARER_PARTITION": "hash(provider_id, carer), provider_id, carer",
        # A CTE read more than once that is cheaper to read again than to keep.
        "INLINE": "NOT MATERIALIZED",
        "KEEP": "MATERIALIZED",
    },
    "spark": {
        "LOCAL": "from_utc_timestamp({0}, 'Europe/London')",
        "UTC": "to_utc_timestamp({0}, 'Europe/London')",
        "MINUTES": "((unix_timestamp({1}) - unix_timestamp({0})) / 60.0)",
        "ADD_DAYS": "date_add({0}, {1})",
        "ADD_MONTHS": "add_months({0}, {1})",
        "NEXT_PLANNED": (
            "min(planned_start) OVER (PARTITION BY provider_id, client_key ORDER BY "
            "unix_timestamp(planned_start) RANGE BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)"
        ),
        "CARER_PARTITION": "provider_id, carer",
        "INLINE": "",
        "KEEP": "",
    },
}
_CALL = re.compile(
    r"\b(LOCAL|UTC|MINUTES|ADD_DAYS|ADD_MONTHS|NEXT_PLANNED|CARER_PARTITION|INLINE|KEEP)\("
)


def _arguments(sql: str, at: int) -> tuple[list[str], int]:
    """The comma-separated arguments of the call whose "(" is at sql[at], and the index after
    its ")"; commas inside nested parentheses stay in their argument."""
    depth, args, current = 0, [], []
    for index in range(at, len(sql)):
        char = sql[index]
        if char == "(":
            depth += 1
            if depth == 1:
                continue
        elif char == ")":
            depth -= 1
            if depth == 0:
                args.append("".join(current).strip())
                return [a for a in args if a], index + 1
        elif char == "," and depth == 1:
            args.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    raise ValueError("Unbalanced parentheses in KPI SQL")


def render(sql: str, dialect: str = "duckdb") -> str:
    """Replace the dialect calls (LOCAL(...), MINUTES(...), ...) with the dialect's own SQL,
    innermost first."""
    table = DIALECTS[dialect]
    while match := _CALL.search(sql):
        args, after = _arguments(sql, match.end() - 1)
        args = [render(a, dialect) for a in args]
        sql = sql[: match.start()] + table[match.group(1)].format(*args) + sql[after:]
    return sql


@dataclass(frozen=True)
class Kpi:
    code: str
    name: str
    description: str
    unit: str
    better: str
    target: Decimal
    amber: Decimal
    source: str
    kind: str = "visits"  # or "return": a monthly figure entered by a community contract
    scale: int = 100  # value = numerator / denominator * scale
    # Per visit: which visits are in the denominator, and which count in the numerator. The
    # drill-down lists the scope's visits with `counted` = flag.
    scope: str = "TRUE"
    flag: str = ""
    # Aggregates when the ratio is not a count of flagged visits over a count of scoped ones.
    numerator: str = ""
    denominator: str = ""
    # The relation the fragments are written over: "e" (every visit), "cz" (a client's carers
    # per month) or "cramv" (every visit with an actual start, crammed or not).
    relation: str = "e"

    @property
    def numerator_sql(self) -> str:
        if self.numerator:
            return self.numerator
        return f"SUM(CASE WHEN ({self.scope}) AND ({self.flag}) THEN 1 ELSE 0 END)"

    @property
    def denominator_sql(self) -> str:
        if self.denominator:
            return self.denominator
        return f"SUM(CASE WHEN {self.scope} THEN 1 ELSE 0 END)"


COUNCIL_DEFAULT = "Tendercare default, from common council home-care specifications"
# A visit is delivered when it has an actual start that is not too late to count (see MISSED);
# a carer was there whenever it has an actual start (continuity, cramming, travel).
DELIVERED = "NOT missed"
ATTENDED = "actual_start IS NOT NULL"
COMPLETED = "NOT missed AND actual_end IS NOT NULL AND planned_minutes > 0"
MISSED_RULE = (
    "A visit is missed when nothing is recorded (no actual start) or its actual start is at or "
    "after its deadline: the earlier of the planned start of the client's next planned visit "
    "with the same provider and 23:00 UK time on the visit's planned day (for a visit planned "
    "at or after 23:00, 23:00 the next day)."
)
# Straight-line miles between the LSOA centroids of a carer's previous visit and this one.
MILES = (
    "3958.8 * 2 * asin(sqrt(power(sin(radians(c2.lat - c1.lat) / 2), 2) + "
    "cos(radians(c1.lat)) * cos(radians(c2.lat)) * power(sin(radians(c2.lon - c1.lon) / 2), 2)))"
)
TRAVEL_SCOPE = "actual_minutes > 0 AND bt_minutes IS NOT NULL"
CARERS = "(CASE WHEN double_up THEN 2 ELSE 1 END)"

VISIT_KPIS: tuple[Kpi, ...] = (
    Kpi(
        code="punctuality",
        name="Visits started on time",
        description=(
            "Share of delivered visits whose actual start is within 15 minutes of the planned "
            "start, early or late (30 minutes for a time-critical visit). Delivered means not "
            "missed: missed visits (nothing recorded, or started at or after the next planned "
            "visit or 23:00) have their own KPI. A double-up counts once."
        ),
        unit="percent",
        better=HIGHER,
        target=Decimal("90"),
        amber=Decimal("80"),
        source=COUNCIL_DEFAULT,
        scope=DELIVERED,
        flag=("abs(start_delay) <= CASE WHEN time_critical THEN 30 ELSE 15 END"),
    ),
    Kpi(
        code="missed",
        name="Missed visits",
        description=(
            "Share of planned visits that were missed. " + MISSED_RULE + " A double-up counts once."
        ),
        unit="percent",
        better=LOWER,
        target=Decimal("0.5"),
        amber=Decimal("1"),
        source=COUNCIL_DEFAULT,
        flag="missed",
    ),
    Kpi(
        code="short_85",
        name="Short visits (under 85%)",
        description=(
            "Share of completed delivered visits (not missed; actual end recorded) whose "
            "actual duration is under 85% of the planned duration. A double-up counts once."
        ),
        unit="percent",
        better=LOWER,
        target=Decimal("10"),
        amber=Decimal("15"),
        source=COUNCIL_DEFAULT,
        scope=COMPLETED,
        flag="actual_minutes < 0.85 * planned_minutes",
    ),
    Kpi(
        code="short_75",
        name="Short visits (under 75%)",
        description=(
            "Share of completed delivered visits (not missed; actual end recorded) whose "
            "actual duration is under 75% of the planned duration. A double-up counts once."
        ),
        unit="percent",
        better=LOWER,
        target=Decimal("5"),
        amber=Decimal("10"),
        source=COUNCIL_DEFAULT,
        scope=COMPLETED,
        flag="actual_minutes < 0.75 * planned_minutes",
    ),
    Kpi(
        code="under_30_not_agreed",
        name="Visits under 30 minutes not agreed",
        description=(
            "Share of planned visits planned for less than 30 minutes that the care plan did "
            "not agree as short (agreed_short false). A double-up counts once."
        ),
        unit="percent",
        better=LOWER,
        target=Decimal("0"),
        amber=Decimal("2"),
        source=(
            "NICE quality standard QS123 (home care for older people): visits shorter than "
            "30 minutes only where agreed; target and amber are Tendercare defaults"
        ),
        flag="planned_minutes < 30 AND NOT agreed_short",
    ),
    Kpi(
        code="continuity_carers",
        name="Carers per client",
        description=(
            "Average number of distinct carers who visited a client in the 28 days ending on "
            "the last day of the month (by planned day): both carers of a double-up count. "
            "Every visit with an actual start counts (a carer was there), missed or not."
        ),
        unit="carers per client",
        better=LOWER,
        target=Decimal("6"),
        amber=Decimal("8"),
        source="Tendercare default (no national standard)",
        scale=1,
        scope=f"{ATTENDED} AND in_last_28",
        numerator="SUM(CASE WHEN n28 > 0 THEN 1 ELSE 0 END)",
        denominator="COUNT(DISTINCT CASE WHEN n28 > 0 THEN client_key END)",
        relation="cz",
    ),
    Kpi(
        code="continuity_core",
        name="Visits by the client's core team",
        description=(
            "Share of delivered (not missed) visits in the month made by the client's core "
            "team (the lead or the second carer of a double-up is in it): the 3 carers with "
            "most visits to the client from the same provider in the 90 days ending on the "
            "last day of the month (by planned day; both carers of a double-up count; ties "
            "broken by carer id)."
        ),
        unit="percent",
        better=HIGHER,
        target=Decimal("75"),
        amber=Decimal("60"),
        source="Tendercare default (no national standard)",
        scope=DELIVERED,
        flag="core",
    ),
    Kpi(
        code="ecm_compliance",
        name="Visits verified electronically",
        description=(
            "Share of delivered (not missed) visits whose times were verified by electronic "
            "call monitoring (verified_by = 'ecm') rather than entered by hand."
        ),
        unit="percent",
        better=HIGHER,
        target=Decimal("95"),
        amber=Decimal("90"),
        source=COUNCIL_DEFAULT,
        scope=DELIVERED,
        flag="verified_by = 'ecm'",
    ),
    Kpi(
        code="travel_vs_model",
        name="Paid travel against the cost model",
        description=(
            "Paid travel minutes as a share of the travel the pricing scenario expects: the "
            "sum of travel_minutes_paid over the sum of contact hours times the scenario's "
            "travel minutes per contact hour for the visit's band, over visits with an actual "
            "start and end (a carer travelled to them, missed or not). A double-up is two "
            "carers' contact hours. Visits with no band, or a band the scenario does not "
            "price, are left out. Well under 100% suggests travel is not being paid."
        ),
        unit="percent of modelled travel",
        better=HIGHER,
        target=Decimal("90"),
        amber=Decimal("75"),
        source=(
            "Tendercare default; expected travel from the commissioner's pricing scenario "
            "(travel minutes per contact hour by band)"
        ),
        scope=TRAVEL_SCOPE,
        numerator=f"SUM(CASE WHEN {TRAVEL_SCOPE} THEN travel_minutes_paid ELSE 0 END)",
        denominator=(
            f"SUM(CASE WHEN {TRAVEL_SCOPE} "
            f"THEN actual_minutes / 60.0 * {CARERS} * bt_minutes ELSE 0 END)"
        ),
    ),
    Kpi(
        code="call_cramming",
        name="Crammed visits",
        description=(
            "Share of visits with an actual start (a carer was there, missed or not) that "
            "overlap the same carer's previous visit by more than 5 minutes, or that start "
            "sooner after it than the straight-line distance between the two LSOA centroids "
            "allows at 30 mph. Each carer's visits are ordered by actual start, actual end "
            "and visit id; a double-up is in both its carers' sequences and counts once, as "
            "crammed if either sequence crams it. Visits with no LSOA, or an LSOA with no "
            "centroid, are checked for overlap only."
        ),
        unit="percent",
        better=LOWER,
        target=Decimal("1"),
        amber=Decimal("3"),
        source="Tendercare default (the 5-minute tolerance and 30 mph floor are ours)",
        flag="crammed",
        relation="cramv",
    ),
)

RETURN_KPIS: tuple[Kpi, ...] = (
    Kpi(
        code="rtt_18_weeks",
        name="Referral to treatment within 18 weeks",
        description=(
            "Share of patients on incomplete referral-to-treatment pathways waiting under 18 "
            "weeks, from the contract's monthly return (numerator: within 18 weeks; "
            "denominator: all)."
        ),
        unit="percent",
        better=HIGHER,
        target=Decimal("92"),
        amber=Decimal("85"),
        source="NHS Constitution: 92% within 18 weeks; amber is a Tendercare default",
        kind="return",
    ),
    Kpi(
        code="fft_positive",
        name="Friends and Family Test: positive",
        description=(
            "Share of Friends and Family Test responses that rated the service good or very "
            "good, from the contract's monthly return (numerator: positive; denominator: all "
            "responses)."
        ),
        unit="percent",
        better=HIGHER,
        target=Decimal("90"),
        amber=Decimal("85"),
        source="NHS England Friends and Family Test; target and amber are Tendercare defaults",
        kind="return",
    ),
)

BUILTIN: tuple[Kpi, ...] = VISIT_KPIS + RETURN_KPIS
BY_CODE = {k.code: k for k in BUILTIN}

# --- the enriched relation every visit KPI is written over ------------------------------------

# `v0`: the visits read once more for each use (reading the Parquet columns again is cheaper
# than keeping millions of wide rows). `e`: one row per visit with `missed` (the next planned
# visit of the client needs a window over every visit), the core team and the band's travel.
# `cz`: per provider, zone, client, carer (lead or second) and month, the visits with an actual
# start (n) and those in the month's last 28 days (n28). `cramv`: one row per visit with an
# actual start, crammed if either of its carers' sequences crams it.
_BASE = """
v0 AS INLINE() (
  SELECT {columns}visit_id, provider_id, zone_id, client_key, carer_id, second_carer_id, lsoa,
         band, planned_start, actual_start, actual_end, double_up, time_critical,
         agreed_short, verified_by, travel_minutes_paid, planned_minutes, day, day_cutoff,
         CAST(date_trunc('month', day) AS DATE) AS month
  FROM (
    SELECT {columns}visit_id, provider_id, zone_id, client_key, carer_id, second_carer_id, lsoa,
           band, planned_start, actual_start, actual_end, double_up, time_critical,
           agreed_short, verified_by, travel_minutes_paid,
           MINUTES(planned_start, planned_end) AS planned_minutes,
           COALESCE(planned_day, CAST(LOCAL(planned_start) AS DATE)) AS day,
           day_cutoff
    FROM visits
    WHERE {where}
  ) d
),
late AS (
  SELECT DISTINCT provider_id, client_key, planned_start, actual_start
  FROM (
    SELECT provider_id, client_key, planned_start, actual_start,
           NEXT_PLANNED() AS next_planned
    FROM v0
  ) w
  WHERE actual_start >= next_planned
),
vm AS (
  SELECT v.*,
         MINUTES(actual_start, actual_end) AS actual_minutes,
         MINUTES(planned_start, actual_start) AS start_delay,
         -- CASE, not AND/OR, so that the time zone is looked up only for the few visits
         -- planned at or after 23:00 that started after it.
         CASE WHEN actual_start IS NULL OR late_start THEN TRUE
              WHEN actual_start < cutoff THEN FALSE
              WHEN planned_start < cutoff THEN TRUE
              ELSE actual_start >= UTC(CAST(ADD_DAYS(day, 1) AS TIMESTAMP) + INTERVAL 23 HOUR)
         END AS missed
  FROM (
    SELECT v0.*, (late.provider_id IS NOT NULL) AS late_start,
           COALESCE(v0.day_cutoff, UTC(CAST(v0.day AS TIMESTAMP) + INTERVAL 23 HOUR)) AS cutoff
    FROM v0
    LEFT JOIN late
      ON late.provider_id = v0.provider_id AND late.client_key = v0.client_key
     AND late.planned_start = v0.planned_start AND late.actual_start = v0.actual_start
  ) v
),
cz AS KEEP() (
  SELECT provider_id, zone_id, client_key, carer, month, COUNT(*) AS n,
         SUM(CASE WHEN day > ADD_DAYS(last_day(day), -28) THEN 1 ELSE 0 END) AS n28,
         SUM(CASE WHEN dayofmonth(day) = 1 THEN 1 ELSE 0 END) AS n_day1,
         SUM(CASE WHEN dayofmonth(day) = 2 THEN 1 ELSE 0 END) AS n_day2,
         SUM(CASE WHEN day = last_day(day) THEN 1 ELSE 0 END) AS n_last_day
  FROM (
    SELECT provider_id, zone_id, client_key, carer_id AS carer, day, month
    FROM v0 WHERE actual_start IS NOT NULL
    UNION ALL
    SELECT provider_id, zone_id, client_key, second_carer_id AS carer, day, month
    FROM v0 WHERE actual_start IS NOT NULL AND second_carer_id IS NOT NULL
  ) cv
  GROUP BY provider_id, zone_id, client_key, carer, month
),
-- The core team's 90 days ending on the last day of month M are months M-2 to M (89 to 92
-- days) less the first one or two days of M-2, or plus the last day of M-3.
team AS (
  SELECT provider_id, client_key, carer, month, SUM(n) AS n FROM (
    SELECT provider_id, client_key, carer, ADD_MONTHS(month, k) AS month,
           n - CASE WHEN k < 2 THEN 0
                    WHEN month < ADD_DAYS(last_day(ADD_MONTHS(month, 2)), -89)
                    THEN n_day1 + CASE WHEN ADD_DAYS(month, 1)
                                            < ADD_DAYS(last_day(ADD_MONTHS(month, 2)), -89)
                                       THEN n_day2 ELSE 0 END
                    ELSE 0 END AS n
    FROM (SELECT provider_id, client_key, carer, month, SUM(n) AS n, SUM(n_day1) AS n_day1,
                 SUM(n_day2) AS n_day2
          FROM cz GROUP BY provider_id, client_key, carer, month) m
    CROSS JOIN (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2) shifts
    UNION ALL
    SELECT provider_id, client_key, carer, ADD_MONTHS(month, 3), SUM(n_last_day) FROM cz
    WHERE n_last_day > 0 AND last_day(month) >= ADD_DAYS(last_day(ADD_MONTHS(month, 3)), -89)
    GROUP BY provider_id, client_key, carer, month
  ) t
  GROUP BY provider_id, client_key, carer, month
  HAVING SUM(n) > 0
),
core AS (
  SELECT provider_id, client_key, month,
         MAX(CASE WHEN r = 1 THEN carer END) AS c1,
         MAX(CASE WHEN r = 2 THEN carer END) AS c2,
         MAX(CASE WHEN r = 3 THEN carer END) AS c3
  FROM (
    SELECT team.*, ROW_NUMBER() OVER (PARTITION BY provider_id, client_key, month
                                      ORDER BY n DESC, carer) AS r
    FROM team
  ) ranked
  WHERE r <= 3
  GROUP BY provider_id, client_key, month
),
e AS (
  SELECT vm.*, bt.minutes AS bt_minutes,
         COALESCE(vm.carer_id IN (core.c1, core.c2, core.c3)
                  OR vm.second_carer_id IN (core.c1, core.c2, core.c3), FALSE) AS core,
         (vm.day > ADD_DAYS(last_day(vm.day), -28)) AS in_last_28
  FROM vm
  LEFT JOIN core
    ON core.provider_id = vm.provider_id AND core.client_key = vm.client_key
   AND core.month = vm.month
  LEFT JOIN kpi_band_travel bt ON bt.band = vm.band
),
seq AS (
  SELECT s.*,
         LAG(actual_end) OVER (PARTITION BY CARER_PARTITION()
                               ORDER BY actual_start, actual_end, visit_id, role) AS prev_end,
         LAG(lsoa) OVER (PARTITION BY CARER_PARTITION()
                         ORDER BY actual_start, actual_end, visit_id, role) AS prev_lsoa
  FROM (
    SELECT {seq_columns}, carer_id AS carer, 1 AS role FROM v0 WHERE actual_start IS NOT NULL
    UNION ALL
    SELECT {seq_columns}, second_carer_id AS carer, 2 AS role FROM v0
    WHERE actual_start IS NOT NULL AND second_carer_id IS NOT NULL
  ) s
),
cram AS KEEP() (
  SELECT seq.*,
         (seq.prev_end IS NOT NULL AND (
            MINUTES(prev_end, actual_start) < -5
            OR (c1.lat IS NOT NULL AND c2.lat IS NOT NULL AND seq.prev_lsoa <> seq.lsoa
                AND MINUTES(prev_end, actual_start) < 2.0 * {miles})
         )) AS crammed_here
  FROM seq
  LEFT JOIN kpi_lsoa_centroids c1 ON c1.lsoa = seq.prev_lsoa
  LEFT JOIN kpi_lsoa_centroids c2 ON c2.lsoa = seq.lsoa
),
cramv AS (
  SELECT cram.*, (cram.crammed_here OR x.visit_id IS NOT NULL) AS crammed
  FROM cram
  LEFT JOIN (SELECT DISTINCT provider_id, visit_id FROM cram
             WHERE role = 2 AND crammed_here) x
    ON x.provider_id = cram.provider_id AND x.visit_id = cram.visit_id
  WHERE cram.role = 1
)
"""

PARAMETER_TABLES = {
    # Expected travel minutes per contact hour by band, from the pricing scenario.
    "kpi_band_travel": (("band", "VARCHAR"), ("minutes", "DOUBLE")),
    # LSOA centroids (latitude, longitude in degrees) for the impossible-travel check.
    "kpi_lsoa_centroids": (("lsoa", "VARCHAR"), ("lat", "DOUBLE"), ("lon", "DOUBLE")),
}


# Only the drill-down carries the visit's planned end through the windows: the aggregate pass
# keeps its rows narrow, which is most of its speed.
DRILL_ONLY = "planned_end, "


# The carers' visit sequences (a window over every visit with an actual start) carry only what
# cramming needs, unless a drill-down wants the whole visit.
SEQ_COLUMNS = "provider_id, zone_id, month, visit_id, actual_start, actual_end, lsoa"
DRILL_SEQ_COLUMNS = (
    "provider_id, zone_id, month, visit_id, client_key, carer_id, second_carer_id, lsoa, band, "
    "planned_start, planned_end, actual_start, actual_end, double_up, time_critical, agreed_short, "
    "verified_by, travel_minutes_paid"
)


def _with(where: str, *, drill: bool = False) -> str:
    sql = _BASE.replace("{where}", where).replace("{miles}", MILES)
    sql = sql.replace("{seq_columns}", DRILL_SEQ_COLUMNS if drill else SEQ_COLUMNS)
    return "WITH " + sql.replace("{columns}", DRILL_ONLY if drill else "")


def _where(since: str | None, before: str | None) -> str:
    """Bounds on planned_start (naive UTC, 'YYYY-MM-DD HH:MM:SS'), kept simple for pushdown."""
    parts = ["TRUE"]
    if since:
        parts.append(f"planned_start >= TIMESTAMP '{since}'")
    if before:
        parts.append(f"planned_start < TIMESTAMP '{before}'")
    return " AND ".join(parts)


def _months_filter(months: list[str] | None) -> str:
    if not months:
        return "TRUE"
    listed = ", ".join(f"DATE '{m}-01'" for m in months)
    return f"month IN ({listed})"


def kpi_sql(
    code: str,
    *,
    dialect: str = "duckdb",
    months: list[str] | None = None,
    since: str | None = None,
    before: str | None = None,
) -> str:
    """One KPI alone: rows of (provider_id, zone_id, month, numerator, denominator)."""
    kpi = BY_CODE[code]
    sql = (
        _with(_where(since, before))
        + f"SELECT provider_id, zone_id, month, {kpi.numerator_sql} AS numerator, "
        f"{kpi.denominator_sql} AS denominator\nFROM {kpi.relation} "
        f"WHERE {_months_filter(months)}\nGROUP BY provider_id, zone_id, month"
    )
    return render(sql, dialect)


def all_kpis_sql(
    *,
    dialect: str = "duckdb",
    months: list[str] | None = None,
    since: str | None = None,
    before: str | None = None,
) -> str:
    """Every visit KPI in one query: provider_id, zone_id, month, then n_<code>, d_<code>.
    One aggregate per relation (every visit; the carers' visit sequences), joined on the keys:
    every group with a delivered visit is a group of `e`, so the left join loses nothing."""
    keys = "provider_id, zone_id, month"
    relations = sorted({k.relation for k in VISIT_KPIS}, key=lambda r: r != "e")
    parts, selected = [], []
    for index, relation in enumerate(relations):
        mine = [k for k in VISIT_KPIS if k.relation == relation]
        columns = ",\n    ".join(
            f"{k.numerator_sql} AS n_{k.code}, {k.denominator_sql} AS d_{k.code}" for k in mine
        )
        where = _months_filter(months)
        parts.append(
            f"a{index} AS (\n  SELECT {keys},\n    {columns}\n"  # noqa: S608 - our own fragments
            f"  FROM {relation} WHERE {where}\n  GROUP BY {keys}\n)"
        )
        for k in mine:
            for side in ("n", "d"):
                name = f"{side}_{k.code}"
                selected.append(
                    f"a{index}.{name}" if index == 0 else f"COALESCE(a{index}.{name}, 0) AS {name}"
                )
    joins = "".join(
        f"\nLEFT JOIN a{i} ON a{i}.provider_id = a0.provider_id AND a{i}.zone_id = a0.zone_id "
        f"AND a{i}.month = a0.month"
        for i in range(1, len(relations))
    )
    by_code = {s.split(" AS ")[-1].split(".")[-1]: s for s in selected}
    ordered = [by_code[f"{side}_{k.code}"] for k in VISIT_KPIS for side in ("n", "d")]
    sql = (
        _with(_where(since, before))
        + ",\n"
        + ",\n".join(parts)
        + "\nSELECT a0.provider_id, a0.zone_id, a0.month,\n  "
        + ",\n  ".join(ordered)
        + "\nFROM a0"
        + joins
    )
    return render(sql, dialect)


DRILL_COLUMNS = (
    "visit_id",
    "client_key",
    "carer_id",
    "second_carer_id",
    "lsoa",
    "band",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "double_up",
    "time_critical",
    "agreed_short",
    "verified_by",
    "travel_minutes_paid",
)


def visits_sql(
    code: str,
    *,
    provider_id: int,
    zone_id: int,
    month: str,
    limit: int,
    since: str | None = None,
    before: str | None = None,
    dialect: str = "duckdb",
) -> str:
    """The visits behind one result: the KPI's scope, those counted in the numerator first."""
    kpi = BY_CODE[code]
    counted = f"({kpi.flag})" if kpi.flag else "NULL"
    # A KPI over a relation of its own (not one row per visit) lists its visits from `e`.
    relation = kpi.relation if kpi.relation in ("e", "cramv") else "e"
    sql = (
        _with(_where(since, before), drill=True)
        + "SELECT "
        + ", ".join(DRILL_COLUMNS)
        + f", {counted} AS counted\nFROM {relation} WHERE provider_id = {int(provider_id)} "
        f"AND zone_id = {int(zone_id)} AND month = DATE '{month}-01' AND ({kpi.scope})\n"
        f"ORDER BY counted DESC NULLS LAST, planned_start, visit_id LIMIT {int(limit)}"
    )
    return render(sql, dialect)


def value_of(kpi: Kpi, numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator) * kpi.scale).quantize(Decimal("0.0001"))


def rate(value: Decimal | None, *, target: Decimal, amber: Decimal, better: str) -> str:
    """green when the target is met, amber when the amber threshold is, red beyond it."""
    if value is None:
        return ""
    if better == HIGHER:
        return "green" if value >= target else "amber" if value >= amber else "red"
    return "green" if value <= target else "amber" if value <= amber else "red"


def check_thresholds(*, better: str, target: Decimal, amber: Decimal, unit: str) -> list[str]:
    """Problems with a schedule's numbers, as sentences (empty when they are fine)."""
    problems = []
    if better == HIGHER and amber > target:
        problems.append(
            "For a KPI where higher is better, the amber threshold must not be above the target"
        )
    if better == LOWER and amber < target:
        problems.append(
            "For a KPI where lower is better, the amber threshold must not be below the target"
        )
    if unit == "percent":
        for label, number in (("target", target), ("amber threshold", amber)):
            if number < 0 or number > 100:
                problems.append(f"The {label} is a percentage: enter a number from 0 to 100")
    elif target < 0 or amber < 0:
        problems.append("The target and amber threshold must not be negative")
    return problems


def definition_fields(kpi) -> dict:
    """A built-in KPI as the columns of its KpiDefinition row (migration 0002 and the engine's
    builtin_kpis_ensure both write it)."""
    return {
        "name": kpi.name,
        "description": kpi.description,
        "kind": kpi.kind,
        "unit": kpi.unit,
        "better": kpi.better,
        "default_target": kpi.target,
        "default_amber": kpi.amber,
        "source": kpi.source[:300],
    }
