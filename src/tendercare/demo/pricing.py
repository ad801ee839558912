"""The demo county's home-care pricing (issue 4): two cost-of-care scenarios, a travel run over
real LSOAs, commissioned hours by zone and locality, and open-book submissions with flags.

Medway has urban, fringe and rural LSOAs but no isolated ones (ONS RUC 2021), so Medway Council
measures travel on a benchmark week in neighbouring Dover district, whose LSOAs cover all four
bands (a zone must be one contiguous area: carers do not cross from Medway to Dover). Every
write goes through the pricing services, the same path the pages use.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from tendercare.bidding.models import Bid
from tendercare.organisations.models import Organisation
from tendercare.pricing import defaults, submissions, travel
from tendercare.pricing import services as pricing
from tendercare.pricing.models import CostSubmission

from .procurements import ABNORMALLY_LOW, HOME_CARE_LOTS

DOVER = "E07000108"
NLW_SCENARIO = "Medway home care 2026/27 at the National Living Wage"
RLW_SCENARIO = "Medway home care 2026/27 at the Real Living Wage"
BENCHMARK_ZONE = "Dover district benchmark week"
# Fictional demo figures: what Medway pays now under the 2019 contracts, GBP an hour.
CURRENT_RATES = {"urban": Decimal("23.40"), "fringe": Decimal("24.10"), "rural": Decimal("25.20")}
# Which Medway locality each zone's hours are counted in, for the locality view.
ZONE_LOCALITIES = {
    "Strood and Peninsula": "Strood and Peninsula",
    "Chatham and Rochester": "Chatham",
    "Gillingham": "Gillingham",
    "Rainham, Walderslade and Lordswood": "Rainham",
}
RETURNER = "Riverside Home Care Ltd"
# An annual return with two findings: travel is not paid and overheads are above the range.
ANNUAL_RETURN = """band,item,value,note
,hourly_price,24.60,blended rate charged to the council
,pay_rate,12.75,
,travel_paid,0,travel time not paid separately
,travel_minutes,0,
,miles,5,
,mileage_rate,0.25,
,holiday_pay,12.07,
,employer_ni_rate,15,
,pension_rate,3,
,overheads,13.20,includes group management charge
,return_rate,4,
"""


@dataclass
class PricingSummary:
    scenarios: list[str] = field(default_factory=list)
    travel: str = ""
    hours_rows: int = 0
    submissions: int = 0


def _must_import(result, what: str) -> None:
    # The demo's own files are always right; if one is not, say so rather than half-build.
    if not result.ok:
        raise RuntimeError(f"The demo {what} did not import: {result.errors}")


def _week_start(as_of: dt.date) -> dt.date:
    return as_of - dt.timedelta(days=as_of.weekday() + 7)


def _travel(medway: Organisation, as_of: dt.date, scenario, seconds_per_day: int):
    from .travel_week import areas_of_place, zone_week

    areas = areas_of_place(DOVER)
    if not areas:
        return None
    start = _week_start(as_of)
    week = zone_week(areas, week_start=start, clients=190, seed=7)
    result = travel.travel_import(
        owner=medway,
        by=None,
        zone=BENCHMARK_ZONE,
        week_start=start,
        visits=io.BytesIO(week.visits_csv()),
        carers=io.BytesIO(week.carers_csv()),
        seconds_per_day=seconds_per_day,
    )
    if not result.ok:
        raise RuntimeError("The demo travel week did not import: " + "; ".join(result.messages))
    run = travel.run_travel(result.run)
    if run.status != run.Status.DONE:
        raise RuntimeError(f"The demo travel run failed: {run.message}")
    travel.travel_apply(
        run=run,
        scenario=scenario,
        by=None,
        reason="Travel by band measured on the Dover district benchmark week",
    )
    return run


def _hours_csv(year: int, with_localities: bool) -> bytes:
    # Localities come with the geography; a build without it counts hours by zone only.
    rows = ["year,locality,zone,band,hours,current_spend"]
    for _number, title, _locality, _covers, hours in HOME_CARE_LOTS:
        for band, amount in hours.items():
            spend = (Decimal(amount) * CURRENT_RATES[band]).quantize(Decimal("1"))
            locality = ZONE_LOCALITIES[title] if with_localities else ""
            rows.append(f'{year},{locality},"{title}",{band},{amount},{spend}')
    return ("\n".join(rows) + "\n").encode()


def _bid_cost_book(low_bid: Bid) -> bytes:
    prices = {line.band: line.amount for line in low_bid.prices.all() if line.band != "total"}
    rows = ["band,item,value", ",pay_rate,12.71", ",travel_paid,1", ",travel_minutes,9"]
    rows += [",overheads,4.10", ",return_rate,2"]
    rows += [f"{band},hourly_price,{amount}" for band, amount in sorted(prices.items())]
    return ("\n".join(rows) + "\n").encode()


def build(
    *,
    as_of: dt.date,
    medway: Organisation,
    providers: list[Organisation],
    with_geography: bool,
    travel_seconds_per_day: int = 1,
    progress=None,
) -> PricingSummary:
    step = progress or (lambda message: None)
    summary = PricingSummary()
    step("Pricing home care: the cost-of-care scenarios")
    nlw = pricing.scenario_create(
        owner=medway,
        name=NLW_SCENARIO,
        description="The Homecare Association's 2025/26 assumptions at the National Living "
        "Wage, with travel by band measured from a week of visits on real geography.",
        starting_values=pricing.starting_values(pricing.HCA_NLW),
        reason="Homecare Association 2025/26 minimum price assumptions",
    )
    if with_geography:
        step("Pricing home care: carer runs for a benchmark week of visits")
        run = _travel(medway, as_of, nlw, travel_seconds_per_day)
        if run is not None:
            summary.travel = (
                f"Travel run over {run.visits.count()} visits and {run.carers.count()} carer "
                "shifts: "
                + ", ".join(
                    f"{r.band} {r.minutes_per_contact_hour:.1f} min and "
                    f"{r.miles_per_contact_hour:.1f} miles per contact hour"
                    for r in run.band_results.all()
                )
            )
    pricing.scenario_revise(
        scenario=nlw,
        changes=[
            pricing.Change(
                "pay_rate",
                defaults.NLW_2026,
                defaults.NLW_2026_SOURCE,
                source_date=dt.date(2026, 4, 1),
            )
        ],
        reason="The National Living Wage rises to GBP 12.71 from April 2026",
    )
    current = nlw.versions.order_by("-number").first()
    rlw = pricing.scenario_copy(
        owner=medway,
        name=RLW_SCENARIO,
        from_version=current,
        description="The same assumptions with care workers paid the Real Living Wage.",
    )
    pricing.scenario_revise(
        scenario=rlw,
        changes=[
            pricing.Change(
                "pay_rate",
                defaults.RLW_2026,
                defaults.RLW_2026_SOURCE,
                source_date=defaults.RLW_2026_DATE,
            )
        ],
        reason="Pay care workers the Real Living Wage",
    )
    # Medway monitors paid travel against its National Living Wage scenario (the same travel by
    # band as the Real Living Wage copy: only the pay rate differs).
    pricing.scenario_use_for_monitoring(scenario=nlw, by=None)
    summary.scenarios = [NLW_SCENARIO, RLW_SCENARIO]

    step("Pricing home care: commissioned hours and open-book returns")
    year = as_of.year if as_of.month >= 4 else as_of.year - 1
    hours = submissions.commissioned_hours_import(
        file=io.BytesIO(_hours_csv(year, with_geography)),
        filename="commissioned-hours.csv",
        owner=medway,
    )
    _must_import(hours, "commissioned hours")
    summary.hours_rows = hours.created
    # Riverside Home Care (the demo's "provider" account) sends its annual return.
    returner = next((p for p in providers if p.name == RETURNER), providers[0])
    annual = submissions.cost_submission_import(
        file=io.BytesIO(ANNUAL_RETURN.encode()),
        filename=f"{returner.name} annual return {year}.csv",
        provider=returner,
        commissioner=medway,
        source=CostSubmission.Source.ANNUAL_RETURN,
        year=year,
    )
    _must_import(annual.result, "annual return")
    summary.submissions = 1
    low_name, low_lot = ABNORMALLY_LOW
    low_bid = (
        Bid.objects.filter(provider__name=low_name, lot__number=low_lot)
        .select_related("lot__procurement")
        .prefetch_related("prices")
        .first()
    )
    if low_bid is not None:
        book = submissions.cost_submission_import(
            file=io.BytesIO(_bid_cost_book(low_bid)),
            filename=f"{low_name} cost book.csv",
            provider=low_bid.provider,
            commissioner=medway,
            source=CostSubmission.Source.BID,
            year=year,
            bid_id=low_bid.pk,
        )
        _must_import(book.result, "bid cost book")
        summary.submissions += 1
    return summary
