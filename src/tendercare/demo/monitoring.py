"""The demo county's monitoring year (issue 5, point 7): zones from the MED-HC-2026 lots,
provider status from the award, a year of visits imported through the ingestion service, the
KPI engine, quality audits and CQC ratings, quality scores for every month, monthly statements
for the last three months (with geography only: statements pay hours by band), and
recommendations: the worsening prime provider of lot 1 is recommended to move to supplementary
status (and its strongest supplementary provider to prime), waiting for a contract manager's
decision.

    summary = build(as_of=date(2026, 11, 23), medway=org, with_geography=True, progress=print)

The year is the twelve whole months before `as_of`'s month. Statuses start on its first day:
in the demo's story the awarded providers already deliver in these zones under the interim
arrangements that the 2019 contracts were extended into, and the new contracts (which start
around `as_of`) are the ones they are monitored against. Every write goes through the apps'
services, audited, the same path the pages and commands use.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.utils import timezone

from tendercare.award import queries as award_queries
from tendercare.award.models import Award
from tendercare.geography.models import Lsoa
from tendercare.organisations import services as org_services
from tendercare.organisations.models import Organisation, Role, User
from tendercare.performance import kpi_engine, schedules, statements, status, visits
from tendercare.performance.models import KpiSchedule, ProviderStatus, VisitImport
from tendercare.procurement.models import Procurement

from .procurements import HOME_CARE_REFERENCE
from .visit_year import CRAMMING, PUNCTUAL, WORSENING, ProviderZone, generate_year

__all__ = ["MonitoringSummary", "build", "generate_year"]

Status = ProviderStatus.Status

CLIENTS = 180  # about 180,000 visits a year: the demo builds in seconds
SEED = 2026
# The Medway localities each lot's zone covers (lots 2 and 4 join two localities each).
ZONE_LOCALITIES = {
    1: ("Strood and Peninsula",),
    2: ("Chatham", "Rochester"),
    3: ("Gillingham",),
    4: ("Rainham", "Walderslade and Lordswood"),
}
WORSENING_AT = (1, 1)  # lot 1's prime provider (rank 1)
CRAMMING_AT = (2, 2)  # lot 2's first supplementary provider (rank 2)
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

    def __str__(self) -> str:
        span = f"{self.months[0]} to {self.months[-1]}" if self.months else "no months"
        return (
            f"Monitoring: {self.zones} zones, {self.statuses} provider statuses, "
            f"{self.visits:,} visits ({span}) in {self.imports} imports, "
            f"{self.kpi_results} KPI results, {self.scores} quality scores, "
            f"{self.statements} statements, {len(self.recommendations)} recommendations "
            "waiting for a decision."
        )


def _contract_manager(medway: Organisation) -> User:
    user = (
        User.objects.filter(role=Role.CONTRACT_MANAGER, organisation=medway).order_by("pk").first()
    )
    if user is None:
        raise RuntimeError("The demo monitoring year needs Medway's contract manager")
    return user


def _zone_lsoas(lot_number: int) -> tuple[str, ...]:
    """The zone's LSOAs, ward by ward, so that neighbours sit next to each other."""
    names = ZONE_LOCALITIES.get(lot_number, ())
    rows = (
        Lsoa.objects.filter(ward__localities__name__in=names, place__code="E06000035")
        .order_by("ward__code", "code")
        .values_list("code", flat=True)
        .distinct()
    )
    return tuple(dict.fromkeys(rows))


def _clamp(day: dt.date) -> dt.date:
    # Evidence cannot be dated in the future (the services refuse it).
    return min(day, timezone.localdate())


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

    step("Monitoring: zones from the home care lots and provider status from the award")
    procurement = Procurement.objects.get(reference=HOME_CARE_REFERENCE)
    # Without geography the lots have no localities and each is awarded to a sole provider,
    # which is the zone's prime provider here.
    awards = [
        a for a in award_queries.awards_for(procurement) if a.status == Award.Status.CONFIRMED
    ]
    zones, plans, kinds = {}, [], {}
    for award in awards:
        lot = award.lot
        if lot.number not in zones:
            zones[lot.number] = status.zone_create(
                owner=medway,
                name=lot.title,
                lot=lot,
                lsoa_codes=_zone_lsoas(lot.number) if with_geography else (),
                by=manager,
            )
            summary.zones += 1
        zone = zones[lot.number]
        provider = award.bid.provider
        role = Status.PRIME if award.role in (Award.Role.PRIME, Award.Role.SOLE) else award.role
        status.provider_status_open(
            zone=zone,
            provider=provider,
            status=role,
            since=first,
            reason=f"{award.get_role_display()} for lot {lot.number} of {procurement.reference}",
            contract=award.contract,
            by=manager,
        )
        summary.statuses += 1
        kind = (
            WORSENING
            if (lot.number, award.rank) == WORSENING_AT
            else CRAMMING
            if (lot.number, award.rank) == CRAMMING_AT
            else PUNCTUAL
        )
        kinds[provider.pk] = kinds.get(provider.pk, PUNCTUAL) if kind == PUNCTUAL else kind
        plans.append(
            ProviderZone(
                provider=provider.name,
                zone=zone.name,
                code=f"L{lot.number}R{award.rank}",
                kind=kind,
                share=2.0 if role == Status.PRIME else 1.0,
                lsoas=tuple(zone.lsoa_codes),
            )
        )
        if award.contract is not None:
            schedules.schedule_add_defaults(contract=award.contract, kind="visits", by=manager)

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
    providers = {a.bid.provider.pk: a.bid.provider for a in awards}
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
        summary.statements = _statements(awards, months[-STATEMENT_MONTHS:], manager)

    step("Monitoring: recommending status changes")
    made = status.recommendations_refresh(owner=medway, month=months[-1], by=manager)
    summary.recommendations = [
        f"{r.provider.name} in {r.zone.name}: {r.get_current_display().lower()} to "
        f"{r.get_recommended_display().lower()}"
        for r in made
    ]
    return summary


def _statements(awards, months, manager) -> int:
    issued = 0
    for award in awards:
        contract = award.contract
        if contract is None:
            continue
        rates = {
            p.band: str(p.amount) for p in award.bid.prices.all() if p.band not in ("total", "")
        }
        if not rates:
            continue
        share = (
            Decimal("0.25")
            if award.role == Award.Role.SUPPLEMENTARY
            else Decimal("1")
            if award.role == Award.Role.SOLE
            else Decimal("0.5")
        )
        hours = {
            v.band: str((v.hours * share / 12).quantize(Decimal("1")))
            for v in award.lot.band_volumes.all()
            if v.band in rates
        }
        rules = {
            s.pk: PENALTIES[s.kpi.code]
            for s in KpiSchedule.objects.filter(contract=contract).select_related("kpi")
            if s.kpi.code in PENALTIES
        }
        statements.terms_set(
            contract=contract,
            rates=rates,
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
