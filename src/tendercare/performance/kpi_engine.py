"""The KPI engine: every visit KPI per provider, zone and month from the visit store, in one
DuckDB pass (kpis.all_kpis_sql), written to KpiResult in one audited transaction.

    frames = compute_frames(con)                 # {code: DataFrame}, what the bench times
    run = compute_for_owner(owner=org, by=user)  # writes KpiResult rows, returns a summary
    rows = visits_behind(result, limit=200)      # the visits behind one figure (pseudonyms)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tendercare.core.audit import Auditor, snapshot
from tendercare.organisations.models import Organisation

from . import kpis
from .models import Adjustment, KpiDefinition, KpiResult, KpiReturn, ProviderStatus, Zone

TWO_PLACES = Decimal("0.01")


# --- the store -------------------------------------------------------------------------------


def connect(owner_ids: list[int] | None = None):
    """A DuckDB connection with the view `visits` over the store (visit_store.py)."""
    from . import visit_store

    return visit_store.connect(owner_ids=owner_ids)


def prepare(con, *, band_minutes=None, centroids=None) -> None:
    """Register the KPI parameters as small tables on the connection."""
    for name, columns in kpis.PARAMETER_TABLES.items():
        spec = ", ".join(f"{c} {t}" for c, t in columns)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({spec})")
    if band_minutes:
        con.executemany(
            "INSERT INTO kpi_band_travel VALUES (?, ?)",
            [(band, float(minutes)) for band, minutes in band_minutes.items()],
        )
    if centroids:
        con.executemany(
            "INSERT INTO kpi_lsoa_centroids VALUES (?, ?, ?)",
            [(code, float(lat), float(lon)) for code, (lat, lon) in centroids.items()],
        )


def _bounds(months: list[str] | None) -> tuple[str | None, str | None]:
    """UTC planned_start bounds wide enough for the months asked: the two months before for
    the core team, a day either side for the clock and the carer's previous visit."""
    if not months:
        return None, None
    first = dt.date.fromisoformat(min(months) + "-01")
    last = dt.date.fromisoformat(max(months) + "-01")
    since = (first - dt.timedelta(days=93)).isoformat() + " 00:00:00"
    after = (last.replace(day=28) + dt.timedelta(days=5)).replace(day=1)
    return since, (after + dt.timedelta(days=1)).isoformat() + " 00:00:00"


def compute_frames(con, *, months=None, band_minutes=None, centroids=None) -> dict:
    """Every visit KPI in one pass: {code: DataFrame(provider_id, zone_id, month, numerator,
    denominator)}, rows with a zero denominator left out."""
    prepare(con, band_minutes=band_minutes, centroids=centroids)
    since, before = _bounds(months)
    wide = con.execute(kpis.all_kpis_sql(months=months, since=since, before=before)).df()
    keys = ["provider_id", "zone_id", "month"]
    frames = {}
    for kpi in kpis.VISIT_KPIS:
        frame = wide[keys + [f"n_{kpi.code}", f"d_{kpi.code}"]].rename(
            columns={f"n_{kpi.code}": "numerator", f"d_{kpi.code}": "denominator"}
        )
        frames[kpi.code] = frame[frame["denominator"] > 0].reset_index(drop=True)
    return frames


# --- parameters from the rest of the house ---------------------------------------------------


def travel_from_scenario(scenario) -> dict[str, Decimal]:
    """Expected travel minutes per contact hour by band from a pricing scenario."""
    from tendercare.pricing import cost_model
    from tendercare.pricing import queries as pricing_queries

    version = pricing_queries.current_version(scenario) if scenario else None
    if version is None:
        return {}
    values = pricing_queries.version_values(version)
    result = {}
    for band in ("urban", "fringe", "rural", "isolated"):
        try:
            result[band] = Decimal(cost_model.resolve(values, band)["travel_minutes"])
        except (KeyError, cost_model.ParameterMissing):
            continue
    return result


def default_scenario(owner):
    """The scenario the owner chose for monitoring, else its newest."""
    from tendercare.pricing import queries as pricing_queries

    return pricing_queries.scenario_for_monitoring(owner)


def scenario_of(owner, pk: int):
    from tendercare.pricing.models import Scenario

    return Scenario.objects.filter(owner=owner, pk=pk).first()


def centroids_for(con) -> dict[str, tuple[float, float]]:
    from tendercare.geography.models import Lsoa

    codes = [
        r[0] for r in con.execute("SELECT DISTINCT lsoa FROM visits WHERE lsoa <> ''").fetchall()
    ]
    found = {}
    for start in range(0, len(codes), 500):
        for code, lat, lon in Lsoa.objects.filter(
            code__in=codes[start : start + 500], latitude__isnull=False, longitude__isnull=False
        ).values_list("code", "latitude", "longitude"):
            found[code] = (lat, lon)
    return found


# --- writing results -------------------------------------------------------------------------


@dataclass
class Run:
    owner: Organisation
    months: list[str] = field(default_factory=list)
    written: int = 0
    deleted: int = 0
    # Results an issued statement's adjustment points to that the store no longer gives (an
    # import withdrawn): kept, with no visits behind them, so the statement stays as issued.
    emptied: int = 0
    skipped: int = 0
    # Community returns whose results were checked (and written where they had changed).
    returns: int = 0
    travel_bands: dict = field(default_factory=dict)

    def summary(self) -> str:
        span = f"{self.months[0]} to {self.months[-1]}" if self.months else "no months"
        text = f"KPIs computed for {self.owner}: {self.written} results, {span}"
        if self.skipped:
            text += f"; {self.skipped} figures for unknown providers or zones left out"
        if self.returns:
            text += f"; {self.returns} community returns"
        return text


def _contract_for(statuses, provider_id, zone_id, month: dt.date):
    """The contract of the provider's status in the zone during the month, if one links them."""
    end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    for status in statuses.get((provider_id, zone_id), ()):
        if (
            status.contract_id
            and status.since < end
            and (status.until is None or status.until >= month)
        ):
            return status.contract_id
    return None


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return value.to_pydatetime().date()  # pandas Timestamp


def builtin_kpis_ensure() -> int:
    """The built-in definitions, as kpis.py states them: loaded by migration 0002, and again here
    because a database emptied since (a demo reset) still needs them, and a database migrated
    before a definition's wording changed must show the new one (the rows are kpis.py's; no
    page edits them). Returns how many were missing or changed."""
    changed = 0
    existing = {d.code: d for d in KpiDefinition.objects.filter(code__in=kpis.BY_CODE)}
    auditor = Auditor(by=None)  # the system: the rows follow kpis.py, nobody edits them
    with transaction.atomic():
        for kpi in kpis.BUILTIN:
            fields = kpis.definition_fields(kpi)
            definition = existing.get(kpi.code)
            if definition is None:
                definition = KpiDefinition.objects.create(code=kpi.code, **fields)
                auditor.created(definition, summary=f"Built-in KPI {kpi.code} added from kpis.py")
                changed += 1
            elif any(getattr(definition, name) != value for name, value in fields.items()):
                before = snapshot(definition)
                for name, value in fields.items():
                    setattr(definition, name, value)
                definition.save(update_fields=list(fields))
                auditor.updated(
                    definition,
                    before=before,
                    summary=f"Built-in KPI {kpi.code} brought in line with kpis.py",
                )
                changed += 1
    return changed


def _add_months(month: str, count: int) -> str:
    year, number = divmod(int(month[:4]) * 12 + int(month[5:7]) - 1 + count, 12)
    return f"{year:04d}-{number + 1:02d}"


def months_touched_by(months) -> list[str]:
    """The months whose visit KPIs can change when visits planned in `months` (YYYY-MM) arrive
    or go, read from the windows in kpis.py:

    - the month itself;
    - the month before (missed): a visit's deadline is the client's next later planned visit,
      so the last visits of a month (one planned at 23:30 on its last day has until 23:00 the
      next day) are judged by the first visits of the month after;
    - the month after (call cramming): a carer's first visit of a month is compared with the
      carer's previous visit, which may be at the end of this month;
    - up to three months after (the core team): the 90 days ending on a month's last day are
      that month and the two before, and the last day of the third month before when those
      three give only 89 days.
    """
    touched = set()
    for month in months:
        touched.update(_add_months(month, k) for k in range(-1, 4))
    return sorted(touched)


def stored_months(owner: Organisation) -> set[str]:
    """The months (YYYY-MM) of the owner's stored visits: those of its DONE imports."""
    from .models import VisitImport

    found: set[str] = set()
    for months in VisitImport.objects.filter(
        owner=owner, status=VisitImport.Status.DONE
    ).values_list("months", flat=True):
        found.update(months or ())
    return found


def recompute_after_import(
    visit_import, *, by=None, progress: Callable[[str], None] | None = None
) -> Run | None:
    """After visits are stored (or withdrawn), recompute the owner's KPIs for the import's
    months and the months whose windows reach them (months_touched_by) that have visits, with
    the owner's default pricing scenario, as `tendercare compute kpis` does. None when the
    import wrote no months."""
    if not visit_import.months:
        return None
    owner = visit_import.owner
    months = set(visit_import.months)
    months |= set(months_touched_by(visit_import.months)) & stored_months(owner)
    return compute_for_owner(owner=owner, by=by, months=sorted(months), progress=progress)


def compute_for_owner(
    *,
    owner: Organisation,
    by=None,
    months: list[str] | None = None,
    band_minutes: dict | None = None,
    progress: Callable[[str], None] | None = None,
) -> Run:
    """Compute every visit KPI for an owner's store and replace its KpiResult rows for the
    months computed (all months in the store when none are given)."""
    say = progress or (lambda _message: None)
    run = Run(owner=owner)
    if band_minutes is None:
        band_minutes = travel_from_scenario(default_scenario(owner))
    run.travel_bands = {k: str(v) for k, v in band_minutes.items()}
    say("Reading the visit store")
    con = connect([owner.pk])
    try:
        centroids = centroids_for(con)
        say("Computing every KPI in one pass")
        frames = compute_frames(con, months=months, band_minutes=band_minutes, centroids=centroids)
    finally:
        con.close()
    say("Writing results")
    builtin_kpis_ensure()
    definitions = {d.code: d for d in KpiDefinition.objects.filter(kind=KpiDefinition.Kind.VISITS)}
    zones = set(Zone.objects.filter(owner=owner).values_list("pk", flat=True))
    providers = set(Organisation.objects.values_list("pk", flat=True))
    statuses: dict = {}
    for status in ProviderStatus.objects.filter(zone__owner=owner).order_by("-since"):
        statuses.setdefault((status.provider_id, status.zone_id), []).append(status)
    rows, seen_months = [], set()
    for code, frame in frames.items():
        definition = definitions.get(code)
        if definition is None:
            continue
        kpi = kpis.BY_CODE[code]
        for provider_id, zone_id, month, numerator, denominator in frame.itertuples(index=False):
            month = _as_date(month)
            seen_months.add(month)
            if int(zone_id) not in zones or int(provider_id) not in providers:
                run.skipped += 1
                continue
            n = Decimal(str(float(numerator))).quantize(TWO_PLACES)
            d = Decimal(str(float(denominator))).quantize(TWO_PLACES)
            rows.append(
                KpiResult(
                    kpi=definition,
                    provider_id=int(provider_id),
                    zone_id=int(zone_id),
                    contract_id=_contract_for(statuses, int(provider_id), int(zone_id), month),
                    month=month,
                    numerator=n,
                    denominator=d,
                    value=kpis.value_of(
                        kpi, Decimal(str(float(numerator))), Decimal(str(float(denominator)))
                    ),
                )
            )
    month_dates = {dt.date.fromisoformat(m + "-01") for m in months} if months else seen_months
    run.months = sorted(m.strftime("%Y-%m") for m in month_dates)
    with transaction.atomic():
        _write_results(run, owner, month_dates, rows)
        _write_return_results(
            run, owner, {dt.date.fromisoformat(m + "-01") for m in months} if months else None, by
        )
        Auditor(by=by).event(
            owner,
            summary=run.summary(),
            data={
                "months": run.months,
                "written": run.written,
                "replaced": run.deleted,
                "emptied": run.emptied,
                "skipped": run.skipped,
                "returns": run.returns,
                "travel_minutes_by_band": run.travel_bands,
            },
        )
    return run


def _write_results(run: Run, owner, month_dates, rows: list[KpiResult]) -> None:
    """Update the owner's results for these months in place, keyed on (KPI, provider, zone,
    contract, month): a statement's adjustment points at its result (PROTECT), so a recompute
    must not delete and recreate them. New keys are created; keys the store no longer gives
    are deleted, unless an adjustment points at them (then emptied: no visits behind them)."""
    old = {
        (r.kpi_id, r.provider_id, r.zone_id, r.contract_id, r.month): r
        for r in KpiResult.objects.filter(
            zone__owner=owner, kpi__kind=KpiDefinition.Kind.VISITS, month__in=month_dates
        )
    }
    now = timezone.now()
    fields = ["numerator", "denominator", "value", "computed_at"]
    changed, created = [], []
    for row in rows:
        current = old.pop(
            (row.kpi_id, row.provider_id, row.zone_id, row.contract_id, row.month), None
        )
        if current is None:
            created.append(row)
            continue
        current.numerator, current.denominator, current.value = (
            row.numerator,
            row.denominator,
            row.value,
        )
        current.computed_at = now
        changed.append(current)
    gone = [r.pk for r in old.values()]
    kept = set(
        Adjustment.objects.filter(kpi_result_id__in=gone).values_list("kpi_result_id", flat=True)
    )
    emptied = [r for r in old.values() if r.pk in kept]
    for result in emptied:
        result.numerator = result.denominator = Decimal("0")
        result.value = None
        result.computed_at = now
    KpiResult.objects.bulk_update(changed + emptied, fields, batch_size=1000)
    run.deleted = KpiResult.objects.filter(pk__in=[pk for pk in gone if pk not in kept]).delete()[0]
    KpiResult.objects.bulk_create(created, batch_size=1000)
    run.written = len(rows)
    run.emptied = len(emptied)


# --- community returns ----------------------------------------------------------------------


def value_for(definition: KpiDefinition, numerator: Decimal, denominator: Decimal):
    """A figure's value: the built-in KPI's scale, or percent (x100) / plain for others."""
    builtin = kpis.BY_CODE.get(definition.code)
    if builtin is not None:
        return kpis.value_of(builtin, numerator, denominator)
    if not denominator:
        return None
    scale = Decimal(100) if definition.unit.startswith("percent") else Decimal(1)
    return (Decimal(numerator) / Decimal(denominator) * scale).quantize(Decimal("0.0001"))


def return_result_write(kpi_return: KpiReturn, *, auditor: Auditor) -> KpiResult | None:
    """The KpiResult of a community contract's monthly return, for the contract, its provider
    and the month, with no zone (community contracts have none): created, or updated in place
    (an adjustment on a statement may point at it), each write audited. Rated, like every
    result, against the contract's schedule when shown or paid. None when the contract has no
    provider to rate."""
    contract = kpi_return.contract
    if contract.provider_id is None:
        return None
    figures = {
        "kpi_id": kpi_return.kpi_id,
        "provider_id": contract.provider_id,
        "contract_id": contract.pk,
        "month": kpi_return.month,
        "numerator": Decimal(kpi_return.numerator).quantize(TWO_PLACES),
        "denominator": Decimal(kpi_return.denominator).quantize(TWO_PLACES),
        "value": value_for(kpi_return.kpi, kpi_return.numerator, kpi_return.denominator),
    }
    label = f"{kpi_return.kpi.code} {kpi_return.month:%Y-%m} for {contract.reference}"
    result = KpiResult.objects.filter(kpi_return=kpi_return).first()
    if result is None:
        result = KpiResult.objects.create(kpi_return=kpi_return, zone=None, **figures)
        auditor.created(result, summary=f"KPI result from the return {label}")
        return result
    if all(getattr(result, name) == value for name, value in figures.items()):
        return result
    before = snapshot(result)
    for name, value in figures.items():
        setattr(result, name, value)
    result.save()
    auditor.updated(result, before=before, summary=f"KPI result from the return {label} updated")
    return result


def _write_return_results(run: Run, owner, month_dates, by) -> None:
    """Every return of the owner's contracts for these months (all months when None) has its
    result, as the return says (returns entered before results were made from them too)."""
    returns = KpiReturn.objects.filter(contract__shares__organisation=owner).distinct()
    if month_dates is not None:
        returns = returns.filter(month__in=month_dates)
    auditor = Auditor(by=by)
    for kpi_return in returns.select_related("kpi", "contract").order_by("pk"):
        if return_result_write(kpi_return, auditor=auditor) is not None:
            run.returns += 1


# --- drill-down ------------------------------------------------------------------------------


def visits_behind(result: KpiResult, limit: int = 200) -> list[dict]:
    """The visits behind one result: those counted in the numerator first. Clients appear by
    their pseudonym (client_key) only; the store holds no client ids."""
    kpi = kpis.BY_CODE.get(result.kpi.code)
    if kpi is None or kpi.kind != "visits" or result.zone_id is None:
        return []
    month = result.month.strftime("%Y-%m")
    since, before = _bounds([month])
    con = connect([result.zone.owner_id])
    try:
        band_minutes = travel_from_scenario(default_scenario(result.zone.owner))
        prepare(con, band_minutes=band_minutes, centroids=centroids_for(con))
        sql = kpis.visits_sql(
            kpi.code,
            provider_id=result.provider_id,
            zone_id=result.zone_id,
            month=month,
            limit=limit,
            since=since,
            before=before,
        )
        cursor = con.execute(sql)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()
