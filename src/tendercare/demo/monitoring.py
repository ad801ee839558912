"""The demo county's monitoring year (issue 5, point 7), as Medway would show it on `as_of`
(23 November 2026 in the demo).

The story the register tells: Medway's 2019 home care contracts (six zones, a prime and a
supplementary provider in each, from 1 November 2019) were extended to each zone's handover;
MED-HC-2026 awarded new contracts in four zones that started on the first of a month just
before `as_of` (1 November 2026), and packages move to them zone by zone from January 2027. So
the year that can be monitored is the incumbents' last one:

- six zones "<zone>, 2019 contracts" (LSOAs from the zone's Medway locality when geography is
  loaded), each provider's status from its 2019 contract's start, linked to that contract;
- the twelve whole months before `as_of`'s month of visits from those providers, imported month
  by month through visits.visit_import; the KPI engine; CQC ratings and the council's audits;
  quality scores for every month; monthly statements for the last three months (with geography
  only: statements pay hours by band) at the 2019 contracts' banded rates;
- most providers punctual; Rochester's prime (Chatham Dockside Care, whose MED-HC-2026 bid
  fell below a minimum score) good for four months and then worse month by month; Walderslade
  and Lordswood's supplementary provider (Oast House Homecare, whose tender was rejected as
  abnormally low: 15-minute visits and unpaid travel) cramming calls;
- the recommendations of the last month: one change, in Rochester, waiting for a contract
  manager's decision: the worsening prime to supplementary, with its supplementary provider
  (Hoo Peninsula Home Support, strong all year) to prime in its place;
- the four MED-HC-2026 zones with the awarded providers' statuses from their contracts' start
  and the contracts' KPI schedules: no whole month of visits yet.

    summary = build(as_of=date(2026, 11, 23), medway=org, with_geography=True, progress=print)

Every write goes through the apps' services, audited, the same path the pages and commands use.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.utils import timezone

from tendercare.award import queries as award_queries
from tendercare.award.models import Award
from tendercare.contracts.models import Contract
from tendercare.geography.models import Lsoa
from tendercare.organisations import services as org_services
from tendercare.organisations.models import Organisation, Role, User
from tendercare.performance import kpi_engine, schedules, statements, status, visit_store, visits
from tendercare.performance.models import KpiSchedule, ProviderStatus, VisitImport
from tendercare.procurement.models import Procurement

from .procurements import HOME_CARE_REFERENCE
from .visit_year import CRAMMING, PUNCTUAL, WORSENING, ProviderZone, generate_year

__all__ = ["MonitoringSummary", "build", "generate_year"]

Status = ProviderStatus.Status

CLIENTS = 180  # about 180,000 visits a year: the demo builds in seconds
SEED = 2026
# The Medway localities each MED-HC-2026 lot's zone covers (lots 2 and 4 join two each).
LOT_LOCALITIES = {
    1: ("Strood and Peninsula",),
    2: ("Chatham", "Rochester"),
    3: ("Gillingham",),
    4: ("Rainham", "Walderslade and Lordswood"),
}
# The 2019 contracts' titles (demo/county.py): "Home care, <zone> zone (<role> provider)".
INCUMBENT_TITLE = re.compile(
    r"^Home care, (?P<zone>.+) zone \((?P<role>prime|supplementary) provider\)$"
)
INCUMBENT_ZONE = "{zone}, 2019 contracts"
WORSENING_AT = ("Rochester", Status.PRIME)  # Chatham Dockside Care Ltd
CRAMMING_AT = ("Walderslade and Lordswood", Status.SUPPLEMENTARY)  # Oast House Homecare Ltd
# The 2019 contracts' banded hourly rates after the April 2025 uplift (fictional demo figures).
INCUMBENT_RATES = {"urban": "23.80", "fringe": "24.40", "rural": "25.50", "isolated": "26.90"}
# (month of the year, CQC rating) per kind; other providers are rated Good, a few Outstanding.
CQC_STORY = {
    WORSENING: [(0, "good"), (9, "requires_improvement")],
    CRAMMING: [(0, "requires_improvement")],
}
# (month of the year, audit score) per kind.
AUDIT_STORY = {
    PUNCTUAL: [(1, "84"), (7, "86")],
    WORSENING: [(1, "81"), (8, "46")],
    CRAMMING: [(1, "68"), (7, "62")],
}
PENALTIES = {"punctuality": {"red": "-2", "amber": "-1"}, "missed": {"red": "-2", "amber": "-1"}}
STATEMENT_MONTHS = 3


@dataclass
class MonitoringSummary:
    zones: int = 0
    statuses: int = 0
    visits: int = 0
    imports: int = 0
    kpi_results: int = 0
    scores: int = 0
    statements: int = 0
    recommendations: list[str] = field(default_factory=list)
    months: list[str] = field(default_factory=list)
    monitored: list[str] = field(default_factory=list)  # the contracts the year's visits are under
    awarded_from: dt.date | None = None  # the new contracts' start

    def __str__(self) -> str:
        span = f"{self.months[0]} to {self.months[-1]}" if self.months else "no months"
        return (
            f"Monitoring: {self.zones} zones, {self.statuses} provider statuses, "
            f"{self.visits:,} visits ({span}) in {self.imports} imports, "
            f"{self.kpi_results} KPI results, {self.scores} quality scores, "
            f"{self.statements} statements, {len(self.recommendations)} recommendations "
            "waiting for a decision."
        )


@dataclass
class _Incumbent:
    contract: Contract
    zone_name: str  # the 2019 zone, which is a Medway locality
    role: str
    kind: str = PUNCTUAL


def _contract_manager(medway: Organisation) -> User:
    user = (
        User.objects.filter(role=Role.CONTRACT_MANAGER, organisation=medway).order_by("pk").first()
    )
    if user is None:
        raise RuntimeError("The demo monitoring year needs Medway's contract manager")
    return user


def _lsoas(localities: tuple[str, ...]) -> tuple[str, ...]:
    """The LSOAs of Medway localities, ward by ward, so that neighbours sit next to each other."""
    rows = (
        Lsoa.objects.filter(ward__localities__name__in=localities, place__code="E06000035")
        .order_by("ward__code", "code")
        .values_list("code", flat=True)
        .distinct()
    )
    return tuple(dict.fromkeys(rows))


def _clamp(day: dt.date) -> dt.date:
    # Evidence cannot be dated in the future (the services refuse it).
    return min(day, timezone.localdate())


def _incumbents(procurement: Procurement, first: dt.date, last: dt.date) -> list[_Incumbent]:
    """The 2019 contracts MED-HC-2026 replaces that ran through the whole year, prime first."""
    out = []
    for contract in procurement.replaces.select_related("provider").order_by("reference"):
        match = INCUMBENT_TITLE.match(contract.title)
        if match is None or contract.provider is None:
            continue
        if contract.start_date > first or contract.end_date < last:
            continue
        zone, role = match["zone"], match["role"]
        kind = (
            WORSENING
            if (zone, role) == WORSENING_AT
            else CRAMMING
            if (zone, role) == CRAMMING_AT
            else PUNCTUAL
        )
        out.append(_Incumbent(contract=contract, zone_name=zone, role=role, kind=kind))
    if not out:
        raise RuntimeError("The demo monitoring year found none of the 2019 home care contracts")
    return out


def build(
    *,
    as_of: dt.date,
    medway: Organisation,
    with_geography: bool,
    progress: Callable[[str], None] | None = None,
    clients: int = CLIENTS,
) -> MonitoringSummary:
    step = progress or (lambda _message: None)
    summary = MonitoringSummary()
    kpi_engine.builtin_kpis_ensure()  # a reset database has lost the migration's definitions
    manager = _contract_manager(medway)
    first = status.add_months(status.month_start(as_of), -12)
    months = [status.add_months(first, i) for i in range(12)]
    summary.months = [f"{m:%Y-%m}" for m in months]
    procurement = Procurement.objects.get(reference=HOME_CARE_REFERENCE)

    step("Monitoring: the 2019 contracts' zones and their providers' status")
    incumbents = _incumbents(procurement, first, status.month_end(months[-1]))
    zones, plans, kinds = {}, [], {}
    for incumbent in incumbents:
        contract = incumbent.contract
        if incumbent.zone_name not in zones:
            zones[incumbent.zone_name] = status.zone_create(
                owner=medway,
                name=INCUMBENT_ZONE.format(zone=incumbent.zone_name),
                lsoa_codes=_lsoas((incumbent.zone_name,)) if with_geography else (),
                by=manager,
            )
            summary.zones += 1
        zone = zones[incumbent.zone_name]
        status.provider_status_open(
            zone=zone,
            provider=contract.provider,
            status=incumbent.role,
            since=contract.start_date,
            reason=f"{incumbent.role.capitalize()} provider under {contract.reference}, "
            f"extended to the zone's handover to the {procurement.reference} contracts",
            contract=contract,
            by=manager,
        )
        summary.statuses += 1
        summary.monitored.append(contract.reference)
        kinds[contract.provider_id] = (
            incumbent.kind
            if incumbent.kind != PUNCTUAL
            else kinds.get(contract.provider_id, PUNCTUAL)
        )
        prime = incumbent.role == Status.PRIME
        plans.append(
            ProviderZone(
                provider=contract.provider.name,
                zone=zone.name,
                code=f"{contract.reference}-{'P' if prime else 'S'}",
                kind=incumbent.kind,
                share=2.0 if prime else 1.0,
                lsoas=tuple(zone.lsoa_codes),
            )
        )
        schedules.schedule_add_defaults(contract=contract, kind="visits", by=manager)

    step("Monitoring: the new zones from the award, from the new contracts' start")
    awards = _awarded(procurement, medway, manager, summary)

    step(f"Monitoring: generating a year of visits for {clients} clients")
    table = generate_year(plans, start=first, months=12, clients=clients, seed=SEED)
    summary.visits = table.num_rows
    month_of = pc.strftime(table["planned_start"], format="%Y-%m")
    for label in summary.months:
        part = table.filter(pc.equal(month_of, label))
        buffer = io.BytesIO()
        pq.write_table(part, buffer)
        step(f"Monitoring: importing {part.num_rows:,} visits for {label}")
        vi = visits.visit_import(
            file=buffer.getvalue(),
            filename=f"medway-ecm-{label}.parquet",
            owner=medway,
            by=manager,
        )
        if vi.status != VisitImport.Status.DONE:
            # The demo's own files are always right; if one is not, say so rather than half-build.
            raise RuntimeError(f"The demo visits for {label} did not import: {vi.errors[:5]}")
        summary.imports += 1

    step("Monitoring: computing every KPI for the year")
    run = kpi_engine.compute_for_owner(owner=medway, by=manager, months=summary.months)
    summary.kpi_results = run.written

    step("Monitoring: CQC ratings and the council's quality audits")
    providers = {i.contract.provider_id: i.contract.provider for i in incumbents}
    for award in awards:
        providers.setdefault(award.bid.provider_id, award.bid.provider)
    for index, (pk, provider) in enumerate(sorted(providers.items())):
        kind = kinds.get(pk, PUNCTUAL)
        location = provider.locations.order_by("pk").first()
        if location is None:
            location = org_services.provider_location_add(
                organisation=provider,
                cqc_location_id=f"1-{2000000000 + pk:010d}",
                name=f"{provider.name.removesuffix(' Ltd')} office",
            )
        default = [(0, "outstanding" if index % 4 == 3 else "good")]
        for month_index, rating in CQC_STORY.get(kind, default):
            status.cqc_rating_record(
                location=location,
                rating=rating,
                published_on=_clamp(months[month_index] + dt.timedelta(days=9)),
                # The CQC's page for the location (the demo's location IDs are made up, so
                # the CQC's site will not find them).
                source=status.cqc_location_url(location),
                by=manager,
            )
        for month_index, score in AUDIT_STORY[kind]:
            status.quality_audit_record(
                provider=provider,
                owner=medway,
                audited_on=_clamp(months[month_index] + dt.timedelta(days=14)),
                score=Decimal(score) - (index % 3),
                notes="Annual quality audit: care plans, records, staff files and visits "
                "to clients at home.",
                by=manager,
            )

    step("Monitoring: quality scores for every month")
    for month in months:
        summary.scores += status.quality_scores_compute(owner=medway, month=month, by=manager)

    if with_geography:
        # Without geography visits have no band, and statements pay hours by band.
        step("Monitoring: payment terms and statements for the last three months")
        summary.statements = _statements(
            [(i.contract, zones[i.zone_name]) for i in incumbents],
            months[-STATEMENT_MONTHS:],
            manager,
        )

    step("Monitoring: recommending status changes")
    made = status.recommendations_refresh(owner=medway, month=months[-1], by=manager)
    summary.recommendations = [
        f"{r.provider.name} in {r.zone.name}: {r.get_current_display().lower()} to "
        f"{r.get_recommended_display().lower()}"
        for r in made
    ]
    return summary


def _awarded(procurement, medway, manager, summary: MonitoringSummary) -> list[Award]:
    """A zone per awarded lot, each awarded provider's status from its contract's start (the
    award's own role; without geography each lot has a sole provider, its prime), and the new
    contracts' visit KPI schedules. No visits yet: the first whole month is still running."""
    awards = [
        a for a in award_queries.awards_for(procurement) if a.status == Award.Status.CONFIRMED
    ]
    zones = {}
    for award in awards:
        lot, contract = award.lot, award.contract
        if contract is None:
            continue
        if lot.number not in zones:
            zones[lot.number] = status.zone_create(
                owner=medway,
                name=lot.title,
                lot=lot,
                lsoa_codes=_lsoas(LOT_LOCALITIES.get(lot.number, ())) if lot.locality_id else (),
                by=manager,
            )
            summary.zones += 1
        role = Status.PRIME if award.role in (Award.Role.PRIME, Award.Role.SOLE) else award.role
        status.provider_status_open(
            zone=zones[lot.number],
            provider=award.bid.provider,
            status=role,
            since=contract.start_date,
            reason=f"{award.get_role_display()} for lot {lot.number} of {procurement.reference}",
            contract=contract,
            by=manager,
        )
        summary.statuses += 1
        summary.awarded_from = min(filter(None, (summary.awarded_from, contract.start_date)))
        schedules.schedule_add_defaults(contract=contract, kind="visits", by=manager)
    return awards


def _commissioned_hours(provider_id: int, zone_id: int, owner_id: int) -> dict[str, str]:
    """A month's commissioned hours by band: the year's planned contact hours in the zone over
    twelve (a double-up counts twice: two carers are paid), whole hours."""
    con = visit_store.connect([owner_id])
    rows = con.execute(
        "SELECT band, sum(date_diff('minute', planned_start, planned_end) "
        "* CASE WHEN double_up THEN 2 ELSE 1 END) / 60.0 / 12 FROM visits "
        "WHERE provider_id = ? AND zone_id = ? AND band <> '' GROUP BY band ORDER BY band",
        [provider_id, zone_id],
    ).fetchall()
    return {band: str(Decimal(hours).quantize(Decimal("1"))) for band, hours in rows if hours}


def _statements(contracts_and_zones, months, manager) -> int:
    issued = 0
    for contract, zone in contracts_and_zones:
        hours = _commissioned_hours(contract.provider_id, zone.pk, zone.owner_id)
        if not hours:
            continue
        rules = {
            s.pk: PENALTIES[s.kpi.code]
            for s in KpiSchedule.objects.filter(contract=contract).select_related("kpi")
            if s.kpi.code in PENALTIES
        }
        statements.terms_set(
            contract=contract,
            rates={band: INCUMBENT_RATES[band] for band in hours},
            monthly_hours=hours,
            penalty_cap_percent=5,
            reward_cap_percent=2,
            rules=rules,
            by=manager,
        )
        for month in months:
            statements.statement_issue(contract=contract, month=month, by=manager)
            issued += 1
    return issued
