"""The built-in KPIs, as data: what each measures, its default target and where that comes from,
and its calculation as SQL over the `visits` view of the visit store (see the store contract in
docs/WORKING-IN-PARALLEL.md and docs/monitoring.md).

Every visit KPI is a ratio per (provider_id, zone_id, month): an aggregate numerator over an
aggregate denominator, value = numerator / denominator * scale. Each is written once, as
fragments over an enriched relation (`e`: one row per visit; `cram`: one row per delivered
visit with the same carer's previous visit), and rendered either alone (kpi_sql, e.g. for
Spark) or all together in one query (all_kpis_sql, what the engine runs).

The SQL is ANSI-ish and runs on DuckDB and Spark SQL. The few calls that differ live in
DIALECTS and are written in the fragments as LOCAL(ts) (naive UTC -> Europe/London wall clock)
and MINUTES(a, b) (exact minutes from a to b). Spark must run with
spark.sql.session.timeZone=UTC so that unix_timestamp of a naive UTC time is exact.

Counting rules that hold for every KPI:
- One row per visit. A double-up (double_up = true) is one visit delivered by two carers: it
  counts once in every visit count; it counts as two carers' contact hours in travel; only its
  lead carer (carer_id) is known, so continuity and cramming see that carer only.
- A visit belongs to the month (and day) of its planned start in Europe/London: a visit from
  23:45 on 31 January to 00:20 on 1 February is January's.
- Durations come from the UTC timestamps, so a visit across a clock change has its real length.
- Everything in the store is history, so a visit with no actual_start is missed: by the time a
  file is imported, the client's next planned visit has started or 23:00 of the visit's day
  has passed.

No Django here (tests/test_architecture.py checks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

HIGHER = "higher"
LOWER = "lower"

# The only engine-specific SQL. {0}, {1} are the arguments as written in the fragment.
DIALECTS = {
    "duckdb": {
        "LOCAL": "timezone('Europe/London', timezone('UTC', {0}))",
        "MINUTES": "((epoch({1}) - epoch({0})) / 60.0)",
    },
    "spark": {
        "LOCAL": "from_utc_timestamp({0}, 'Europe/London')",
        "MINUTES": "((unix_timestamp({1}) - unix_timestamp({0})) / 60.0)",
    },
}
_CALL = re.compile(r"\b(LOCAL|MINUTES)\(([^()]*)\)")


def render(sql: str, dialect: str = "duckdb") -> str:
    """Replace LOCAL(...) and MINUTES(...) with the dialect's own calls."""
    table = DIALECTS[dialect]

    def one(match: re.Match) -> str:
        args = [a.strip() for a in match.group(2).split(",")]
        return table[match.group(1)].format(*args)

    return _CALL.sub(one, sql)


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
    # The relation the fragments are written over: "e" (every visit) or "cram" (delivered
    # visits with the carer's previous visit).
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
DELIVERED = "actual_start IS NOT NULL"
COMPLETED = "actual_start IS NOT NULL AND actual_end IS NOT NULL AND planned_minutes > 0"
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
            "start, early or late (30 minutes for a time-critical visit). Missed visits are "
            "not in it: they have their own KPI. A double-up counts once."
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
            "Share of planned visits with nothing recorded (no actual start) by the client's "
            "next planned visit or 23:00 of the day. Every stored visit is history, so a visit "
            "with no actual start is missed. A double-up counts once."
        ),
        unit="percent",
        better=LOWER,
        target=Decimal("0.5"),
        amber=Decimal("1"),
        source=COUNCIL_DEFAULT,
        flag="actual_start IS NULL",
    ),
    Kpi(
        code="short_85",
        name="Short visits (under 85%)",
        description=(
            "Share of completed visits (actual start and end recorded) whose actual duration "
            "is under 85% of the planned duration. A double-up counts once."
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
            "Share of completed visits whose actual duration is under 75% of the planned "
            "duration. A double-up counts once."
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
            "Average number of distinct carers who visited a client in the calendar month "
            "(lead carer of a double-up only; the second carer is not recorded). Delivered "
            "visits only."
        ),
        unit="carers per client",
        better=LOWER,
        target=Decimal("6"),
        amber=Decimal("8"),
        source="Tendercare default (no national standard)",
        scale=1,
        scope=DELIVERED,
        numerator=(
            "COUNT(DISTINCT CASE WHEN actual_start IS NOT NULL "
            "THEN concat(client_key, '|', carer_id) END)"
        ),
        denominator="COUNT(DISTINCT CASE WHEN actual_start IS NOT NULL THEN client_key END)",
    ),
    Kpi(
        code="continuity_core",
        name="Visits by the client's core team",
        description=(
            "Share of delivered visits made by the client's core team: the 3 carers with most "
            "delivered visits to the client from the same provider in the month and the two "
            "months before it (about 90 days; ties broken by carer id). Lead carer only."
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
            "Share of delivered visits whose times were verified by electronic call "
            "monitoring (verified_by = 'ecm') rather than entered by hand."
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
            "travel minutes per contact hour for the visit's band. A double-up is two carers' "
            "contact hours. Visits with no band, or a band the scenario does not price, are "
            "left out. Well under 100% suggests travel is not being paid."
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
            "Share of delivered visits that overlap the same carer's previous visit (by actual "
            "start) by more than 5 minutes, or that start sooner after it than the straight-"
            "line distance between the two LSOA centroids allows at 30 mph. Visits with no "
            "LSOA, or an LSOA with no centroid, are checked for overlap only."
        ),
        unit="percent",
        better=LOWER,
        target=Decimal("1"),
        amber=Decimal("3"),
        source="Tendercare default (the 5-minute tolerance and 30 mph floor are ours)",
        scope=DELIVERED,
        flag="crammed",
        relation="cram",
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

_BASE = """
v AS (
  SELECT {columns}visit_id, provider_id, zone_id, client_key, carer_id, lsoa, band, actual_start,
         actual_end,
         double_up, time_critical, agreed_short, verified_by, travel_minutes_paid,
         CAST(date_trunc('month', LOCAL(planned_start)) AS DATE) AS month,
         MINUTES(planned_start, planned_end) AS planned_minutes,
         MINUTES(actual_start, actual_end) AS actual_minutes,
         MINUTES(planned_start, actual_start) AS start_delay
  FROM visits
  WHERE {where}
),
vm AS (
  SELECT v.*, EXTRACT(YEAR FROM month) * 12 + EXTRACT(MONTH FROM month) AS month_no FROM v
),
seq AS (
  SELECT {seq_columns},
         LAG(actual_end) OVER (PARTITION BY provider_id, carer_id
                               ORDER BY actual_start, actual_end, visit_id) AS prev_end,
         LAG(lsoa) OVER (PARTITION BY provider_id, carer_id
                         ORDER BY actual_start, actual_end, visit_id) AS prev_lsoa
  FROM vm WHERE actual_start IS NOT NULL
),
cram AS (
  SELECT seq.*,
         (seq.prev_end IS NOT NULL AND (
            MINUTES(prev_end, actual_start) < -5
            OR (c1.lat IS NOT NULL AND c2.lat IS NOT NULL AND seq.prev_lsoa <> seq.lsoa
                AND MINUTES(prev_end, actual_start) < 2.0 * {miles})
         )) AS crammed
  FROM seq
  LEFT JOIN kpi_lsoa_centroids c1 ON c1.lsoa = seq.prev_lsoa
  LEFT JOIN kpi_lsoa_centroids c2 ON c2.lsoa = seq.lsoa
),
cm AS (
  SELECT provider_id, client_key, carer_id, month_no, COUNT(*) AS n
  FROM vm WHERE actual_start IS NOT NULL
  GROUP BY provider_id, client_key, carer_id, month_no
),
cms AS (
  SELECT DISTINCT provider_id, client_key, month_no FROM cm
),
ranked AS (
  SELECT a.provider_id, a.client_key, a.month_no, b.carer_id,
         ROW_NUMBER() OVER (PARTITION BY a.provider_id, a.client_key, a.month_no
                            ORDER BY SUM(b.n) DESC, b.carer_id) AS r
  FROM cms a JOIN cm b
    ON b.provider_id = a.provider_id AND b.client_key = a.client_key
   AND b.month_no BETWEEN a.month_no - 2 AND a.month_no
  GROUP BY a.provider_id, a.client_key, a.month_no, b.carer_id
),
core AS (
  SELECT provider_id, client_key, month_no, carer_id FROM ranked WHERE r <= 3
),
e AS (
  SELECT vm.*, bt.minutes AS bt_minutes, (core.carer_id IS NOT NULL) AS core
  FROM vm
  LEFT JOIN core
    ON core.provider_id = vm.provider_id AND core.client_key = vm.client_key
   AND core.month_no = vm.month_no AND core.carer_id = vm.carer_id
  LEFT JOIN kpi_band_travel bt ON bt.band = vm.band
)
"""

PARAMETER_TABLES = {
    # Expected travel minutes per contact hour by band, from the pricing scenario.
    "kpi_band_travel": (("band", "VARCHAR"), ("minutes", "DOUBLE")),
    # LSOA centroids (latitude, longitude in degrees) for the impossible-travel check.
    "kpi_lsoa_centroids": (("lsoa", "VARCHAR"), ("lat", "DOUBLE"), ("lon", "DOUBLE")),
}


# Only the drill-down carries the visit's identity and planned times through the window: the
# aggregate pass keeps its rows narrow, which is most of its speed.
DRILL_ONLY = "planned_start, planned_end, "


# The carer's visit sequence (a window over every delivered visit, the costliest step) carries
# only what cramming needs, unless a drill-down wants the whole visit.
SEQ_COLUMNS = "provider_id, zone_id, month, carer_id, actual_start, actual_end, lsoa"


def _with(where: str, *, drill: bool = False) -> str:
    sql = _BASE.replace("{where}", where).replace("{miles}", MILES)
    sql = sql.replace("{seq_columns}", "vm.*" if drill else SEQ_COLUMNS)
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
    sql = (
        _with(_where(since, before), drill=True)
        + "SELECT "
        + ", ".join(DRILL_COLUMNS)
        + f", {counted} AS counted\nFROM {kpi.relation} WHERE provider_id = {int(provider_id)} "
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
