"""Build the demo county: real Medway and Dover geography, fictional providers and contracts.

Deterministic: the same `as_of` date and seed always give the same county. Contract dates are
set relative to `as_of` so that the register always has contracts inside their lead time.
Everything is written through the apps' service functions, so the demo is audited like real use.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction

from tendercare.contracts import services as contract_services
from tendercare.contracts.models import ContractStatus, ProcurementRoute, ServiceGroup
from tendercare.organisations import services as org_services
from tendercare.organisations.models import Organisation

from . import people
from .engagement import build as engagement_build
from .monitoring import build as monitoring_build
from .plan import programmes_build
from .pricing import build as pricing_build
from .procurements import procurements_build
from .scrutiny import build as scrutiny_build

DEMO_LADS = ["E06000035", "E07000108"]  # Medway and Dover (Dover has all four rurality bands)
SEED = 2026


@dataclass
class DemoSummary:
    as_of: dt.date
    organisations: int = 0
    providers: int = 0
    users: list[tuple[str, str, str]] = field(default_factory=list)
    contracts: int = 0
    joint_contracts: int = 0
    novations: int = 0
    programmes: int = 0
    procurements: list[str] = field(default_factory=list)
    bids: int = 0
    bidders: int = 0
    awards: int = 0
    award_contracts: int = 0
    interests: int = 0
    geography: str = ""
    pricing: object = None
    monitoring: object = None
    engagement: object = None
    scrutiny: object = None


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


# service name, group, typical annual value (GBP), commissioner pattern
COMMUNITY_SERVICES = [
    ("Adult community nursing", ServiceGroup.ADULT_COMMUNITY_NURSING, 9_800_000),
    ("District nursing out of hours", ServiceGroup.ADULT_COMMUNITY_NURSING, 1_900_000),
    ("Tissue viability", ServiceGroup.SPECIALIST_COMMUNITY, 640_000),
    ("Community diabetes service", ServiceGroup.SPECIALIST_COMMUNITY, 1_150_000),
    ("Community heart failure service", ServiceGroup.SPECIALIST_COMMUNITY, 720_000),
    ("Community physiotherapy", ServiceGroup.THERAPY, 2_300_000),
    ("Community occupational therapy", ServiceGroup.THERAPY, 1_700_000),
    ("Adult speech and language therapy", ServiceGroup.THERAPY, 860_000),
    ("Podiatry", ServiceGroup.THERAPY, 1_050_000),
    ("Children's community nursing", ServiceGroup.CHILDREN_COMMUNITY, 1_400_000),
    ("Intermediate care beds", ServiceGroup.INTERMEDIATE_CARE, 3_200_000),
    ("Rapid response and hospital at home", ServiceGroup.INTERMEDIATE_CARE, 2_600_000),
]
HOME_CARE_ZONES = [
    "Strood and Peninsula",
    "Rochester",
    "Chatham",
    "Gillingham",
    "Rainham",
    "Walderslade and Lordswood",
    "Dover town",
    "Deal and Sandwich",
    "Dover rural",
]
SMALL_SERVICES = [
    ("Carers' support and breaks", ServiceGroup.OTHER, 310_000),
    ("Befriending for older people", ServiceGroup.OTHER, 95_000),
    ("Community transport to clinics", ServiceGroup.OTHER, 140_000),
    ("Hospice at home", ServiceGroup.SPECIALIST_COMMUNITY, 480_000),
    ("Reablement", ServiceGroup.INTERMEDIATE_CARE, 1_250_000),
]


def _round_value(amount: float) -> Decimal:
    return Decimal(int(round(amount / 500.0)) * 500)


@transaction.atomic
def build(*, as_of: dt.date, with_geography: bool = True, progress=None) -> DemoSummary:
    rng = random.Random(SEED)
    summary = DemoSummary(as_of=as_of)
    step = progress or (lambda message: None)

    if with_geography:
        from tendercare.geography.services import geography_load

        step("Loading Medway and Dover from the shipped ONS extracts")
        loaded = geography_load(lads=DEMO_LADS)
        summary.geography = (
            f"Geography: {loaded.places} places, {loaded.wards} wards, {loaded.lsoas} LSOAs, "
            f"{loaded.postcodes} postcodes."
        )

    step("Creating commissioners, the 2020 CCG merger and providers")
    orgs: dict[str, Organisation] = {}
    for name, kind, ons_code, ods_code in people.COMMISSIONERS:
        orgs[name] = org_services.organisation_create(
            name=name, kind=kind, ons_code=ons_code, ods_code=ods_code
        )
    for name in [*people.FORMER_CCGS, people.MERGED_CCG]:
        orgs[name] = org_services.organisation_create(name=name, kind=Organisation.Kind.CCG)
    for index, (name, kind) in enumerate(people.PROVIDERS):
        orgs[name] = org_services.organisation_create(name=name, kind=kind)
        if kind in (Organisation.Kind.INDEPENDENT, Organisation.Kind.VCSE):
            org_services.provider_location_add(
                organisation=orgs[name],
                cqc_location_id=f"1-{1000000000 + index * 7919:010d}",
                name=f"{name.removesuffix(' Ltd')} office",
                postcode=rng.choice(["ME4 4TR", "ME2 4AA", "CT16 1JA", "CT14 6BA", "ME8 0AB"]),
            )
    summary.providers = len(people.PROVIDERS)
    summary.organisations = len(orgs)

    medway = orgs["Medway Council"]
    kent = orgs["Kent County Council"]
    icb = orgs["NHS Kent and Medway Integrated Care Board"]
    nhs_providers = [orgs[n] for n, k in people.PROVIDERS if k == Organisation.Kind.NHS_TRUST]
    care_providers = [orgs[n] for n, k in people.PROVIDERS if k == Organisation.Kind.INDEPENDENT]
    vcse = [orgs[n] for n, k in people.PROVIDERS if k == Organisation.Kind.VCSE]

    step("Writing the contract register")
    serial = 0

    def reference(prefix: str) -> str:
        nonlocal serial
        serial += 1
        return f"{prefix}-{serial:04d}"

    contracts = []
    # Community health: first held by the old CCGs (they novate to the ICB in the merger).
    # Contracts that end soon sit at the front, so the register always has lead-time warnings.
    end_offsets = [4, 9, 14, 17, 6, 30, 42, 22, 11, 55, 26, 15]
    for (service_name, group, value), end_offset in zip(
        COMMUNITY_SERVICES, end_offsets, strict=True
    ):
        service, _ = contract_services.service_line_get_or_create(name=service_name, group=group)
        ccg = orgs[rng.choice(["NHS Medway CCG", "NHS South Kent Coast CCG", "NHS Swale CCG"])]
        joint = service_name in ("Intermediate care beds", "Rapid response and hospital at home")
        shares = [(ccg, Decimal("70")), (medway, Decimal("30"))] if joint else [(ccg, 100)]
        end = add_months(as_of, end_offset)
        start = dt.date(2017 + rng.randint(0, 2), 4, 1)
        rolled_over = rng.random() < 0.6
        contracts.append(
            contract_services.contract_create(
                reference=reference("KM-CHS"),
                title=f"{service_name} (Medway and Swale)",
                provider=rng.choice(nhs_providers),
                service=service,
                annual_value=_round_value(value * rng.uniform(0.85, 1.15)),
                start_date=start,
                end_date=end,
                extension_months=0 if rolled_over else 12,
                procurement_route=ProcurementRoute.NHS_STANDARD_ROLLOVER
                if rolled_over
                else ProcurementRoute.OPEN,
                status=ContractStatus.EXTENDED if rolled_over else ContractStatus.ACTIVE,
                shares=shares,
                notes="Block contract on the NHS Standard Contract." if rolled_over else "",
            )
        )
    # The same services in east Kent, commissioned by the ICB after 2022 under the PSR.
    for service_name, group, value in COMMUNITY_SERVICES:
        service, _ = contract_services.service_line_get_or_create(name=service_name, group=group)
        start = add_months(as_of, -rng.randint(6, 30))
        route = rng.choice(
            [
                ProcurementRoute.PSR_DIRECT_C,
                ProcurementRoute.PSR_COMPETITIVE,
                ProcurementRoute.PSR_MOST_SUITABLE,
            ]
        )
        contracts.append(
            contract_services.contract_create(
                reference=reference("KM-CHS"),
                title=f"{service_name} (Dover and Deal)",
                provider=orgs["Dover and Deal Community Health NHS Trust"],
                service=service,
                annual_value=_round_value(value * 0.45 * rng.uniform(0.9, 1.1)),
                start_date=start,
                end_date=add_months(start, 36 + 12 * rng.randint(0, 2)),
                extension_months=24,
                procurement_route=route,
                shares=[(icb, 100)],
            )
        )
    # Home care: council-led, zoned, with NHS continuing healthcare joint-funded in some zones.
    home_care, _ = contract_services.service_line_get_or_create(
        name="Home care (domiciliary care)", group=ServiceGroup.HOME_CARE
    )
    for zone_index, zone in enumerate(HOME_CARE_ZONES):
        in_dover = zone.startswith(("Dover", "Deal"))
        council = kent if in_dover else medway
        for position, label in enumerate(["prime provider", "supplementary provider"]):
            start = dt.date(2019, 11, 1) if not in_dover else dt.date(2021, 4, 1)
            # Medway's zones hand over to new providers in phases: each old contract was
            # extended to its zone's transition date (see the home care programme).
            if in_dover:
                end = dt.date(2027, 3, 31)
            elif position == 0:
                end = add_months(as_of, 2 + zone_index)
            else:
                end = add_months(as_of, 2)
            shares = (
                [(council, Decimal("80")), (icb, Decimal("20"))]
                if zone_index % 3 == 0
                else [(council, 100)]
            )
            contracts.append(
                contract_services.contract_create(
                    reference=reference("HC"),
                    title=f"Home care, {zone} zone ({label})",
                    provider=care_providers[(zone_index * 2 + position) % len(care_providers)],
                    service=home_care,
                    annual_value=_round_value(
                        (1_400_000 if position == 0 else 420_000) * rng.uniform(0.8, 1.2)
                    ),
                    start_date=start,
                    end_date=end,
                    extension_months=12,
                    procurement_route=ProcurementRoute.LIGHT_TOUCH,
                    status=ContractStatus.ACTIVE if in_dover else ContractStatus.EXTENDED,
                    shares=shares,
                )
            )
    # Smaller council and joint services, many never competed (the councillors' question).
    for round_index in range(4):
        for service_name, group, value in SMALL_SERVICES:
            service, _ = contract_services.service_line_get_or_create(
                name=service_name, group=group
            )
            council = [medway, kent, medway, kent][round_index]
            start = dt.date(2015 + round_index * 3, 4, 1)
            grant = value < 150_000
            end = add_months(as_of, rng.randint(-2, 40))
            contracts.append(
                contract_services.contract_create(
                    reference=reference("LA"),
                    title=f"{service_name} ({council.name.removesuffix(' Council')})",
                    provider=rng.choice(vcse if value < 600_000 else care_providers),
                    service=service,
                    annual_value=_round_value(value * rng.uniform(0.7, 1.3)),
                    start_date=start,
                    end_date=max(end, add_months(start, 12)),
                    procurement_route=ProcurementRoute.GRANT
                    if grant
                    else rng.choice(
                        [ProcurementRoute.NHS_STANDARD_ROLLOVER, ProcurementRoute.LIGHT_TOUCH]
                    ),
                    status=ContractStatus.EXPIRED if end < as_of else ContractStatus.ACTIVE,
                    shares=[(council, 60), (icb, 40)]
                    if service_name == "Reablement"
                    else [(council, 100)],
                )
            )

    step("Recording variations and due-diligence baselines")
    reasons = [
        "National Living Wage uplift for care workers",
        "Additional capacity for winter pressures",
        "NHS Agenda for Change pay award",
        "Service redesign: fewer bed-based placements",
    ]
    for contract in contracts[::6]:
        contract_services.contract_vary(
            contract=contract,
            effective_on=contract.start_date
            + (min(contract.end_date, as_of) - contract.start_date) / 2,
            annual_value_change=_round_value(
                float(contract.annual_value) * rng.uniform(-0.05, 0.08)
            ),
            reason=rng.choice(reasons),
        )
    for contract in contracts[:12]:
        contract_services.baseline_record(
            contract=contract,
            annual_cost=_round_value(float(contract.annual_value) * rng.uniform(0.95, 1.12)),
            activity=Decimal(rng.randint(8_000, 120_000)),
            activity_unit="contacts a year",
            service_model_notes="Seven-day service from two community hubs; referrals from GPs "
            "and the acute trust; caseload held by band 6 nurses.",
            recorded_on=add_months(as_of, -3),
        )

    step("Merging the eight CCGs (2020) and the CCG into the ICB (2022); contracts novate")
    novations = contract_services.commissioners_merge(
        predecessors=[orgs[n] for n in people.FORMER_CCGS],
        successor=orgs[people.MERGED_CCG],
        on=people.CCG_MERGER_DATE,
    )
    novations += contract_services.commissioners_merge(
        predecessors=[orgs[people.MERGED_CCG]], successor=icb, on=people.ICB_ESTABLISHED
    )
    summary.novations = len(novations)
    summary.contracts = len(contracts)
    summary.joint_contracts = sum(1 for c in contracts if c.shares.count() > 1)

    step("Creating a demo user for every role")
    password_hash = make_password(people.DEMO_PASSWORD)
    for username, role, org_name, full_name, title, lay in people.USERS:
        first, _, last = full_name.rpartition(" ")
        org_services.user_create(
            username=username,
            password_hash=password_hash,
            role=role,
            organisation=orgs[org_name],
            first_name=first,
            last_name=last,
            job_title=title,
            is_lay_evaluator=lay,
        )
        summary.users.append((username, role.label, org_name))

    step("Planning two programmes with revised milestones, risks, decisions and lessons")
    summary.programmes = programmes_build(
        as_of=as_of, medway=medway, icb=icb, contracts=contracts, rng=rng
    )

    step("Running a completed home care procurement and a live one in dialogue")
    built = procurements_build(
        as_of=as_of, orgs=orgs, contracts=contracts, rng=rng, password_hash=password_hash
    )
    summary.procurements = built.references
    summary.bids = built.bids
    summary.bidders = built.bidders
    summary.awards = built.awards
    summary.award_contracts = built.contracts
    summary.interests = built.interests

    summary.pricing = pricing_build(
        as_of=as_of,
        medway=medway,
        providers=care_providers,
        with_geography=with_geography,
        progress=step,
    )
    summary.monitoring = monitoring_build(
        as_of=as_of, medway=medway, with_geography=with_geography, progress=step
    )

    step("Engagement for both programmes: activities, reach, feedback, you said we did")
    summary.engagement = engagement_build(as_of=as_of, medway=medway, icb=icb, rng=rng)
    step("Health scrutiny: a committee, three meetings, decisions, actions, a report")
    summary.scrutiny = scrutiny_build(as_of=as_of, medway=medway, icb=icb)
    return summary
