"""Default cost-of-care parameters and where each comes from. Pure: no Django.

The Homecare Association (HCA) publishes a Minimum Price for Homecare each year: GBP 32.14 per
contact hour for April 2025 to March 2026, at the National Living Wage of GBP 12.21, of which
GBP 22.71 is the direct cost of employing care workers (pay for all working time, mileage and
statutory on-costs). The HCA's own line-by-line assumptions are in its report; the values below
marked "Tendercare assumption" are ours, chosen in the HCA's structure so that the model
reproduces both published totals. A council replacing them with local evidence should cite its
own source on the parameter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

HCA_MINIMUM_PRICE_2025 = Decimal("32.14")
HCA_CARE_WORKER_COST_2025 = Decimal("22.71")
HCA_SOURCE = (
    "Homecare Association, Minimum Price for Homecare 2025/26 (published 18 December 2024), "
    "homecareassociation.org.uk"
)
NLW_SOURCE = "National Living Wage from 1 April 2025, GOV.UK National Minimum Wage rates"
RLW_SOURCE = "Real Living Wage 2025/26 (UK outside London), Living Wage Foundation"
NI_SOURCE = "HMRC rates and thresholds for employers 2025 to 2026, GOV.UK"
PENSION_SOURCE = "Workplace pensions: minimum employer contribution and qualifying earnings, TPR"
HOLIDAY_SOURCE = "5.6 weeks' statutory leave as a share of 46.4 working weeks (Working Time Regs)"
HMRC_MILEAGE_SOURCE = "HMRC approved mileage allowance payments, first 10,000 miles"
ASSUMPTION = "Tendercare assumption, calibrated to the HCA 2025/26 totals"
TRAVEL_ASSUMPTION = "Tendercare assumption until a travel run replaces it"

NLW_2025 = Decimal("12.21")
RLW_2025 = Decimal("12.60")
# For 2026/27 scenarios: the rates announced in autumn 2025.
NLW_2026 = Decimal("12.71")
NLW_2026_SOURCE = "National Living Wage from 1 April 2026, GOV.UK National Minimum Wage rates"
RLW_2026 = Decimal("13.45")
RLW_2026_SOURCE = (
    "Real Living Wage 2026/27 (UK outside London), Living Wage Foundation, 22 October 2025"
)


@dataclass(frozen=True)
class Default:
    key: str
    value: Decimal
    unit: str
    source: str
    source_date: dt.date | None
    band: str = ""


def _d(key, value, unit, source, date=None, band=""):
    return Default(key, Decimal(value), unit, source, date, band)


APRIL_2025 = dt.date(2025, 4, 1)
HCA_DATE = dt.date(2024, 12, 18)

HCA_2025: tuple[Default, ...] = (
    _d("pay_rate", "12.21", "GBP per hour", NLW_SOURCE, APRIL_2025),
    _d("travel_minutes", "15", "minutes per contact hour", ASSUMPTION, HCA_DATE),
    _d("miles", "5.5", "miles per contact hour", ASSUMPTION, HCA_DATE),
    _d("mileage_rate", "0.45", "GBP per mile", HMRC_MILEAGE_SOURCE, APRIL_2025),
    _d("average_visit_minutes", "40", "minutes", ASSUMPTION, HCA_DATE),
    _d("training_ratio", "3", "percent of contact time", ASSUMPTION, HCA_DATE),
    _d("holiday_pay", "12.07", "percent of pay", HOLIDAY_SOURCE, APRIL_2025),
    _d("sick_pay", "2", "percent of pay", ASSUMPTION, HCA_DATE),
    _d("employer_ni_rate", "15", "percent", NI_SOURCE, APRIL_2025),
    _d("ni_secondary_threshold", "5000", "GBP per year", NI_SOURCE, APRIL_2025),
    _d("pension_rate", "3", "percent", PENSION_SOURCE, APRIL_2025),
    _d("pension_threshold", "6240", "GBP per year", PENSION_SOURCE, APRIL_2025),
    _d("paid_hours_per_year", "1500", "hours per year", ASSUMPTION, HCA_DATE),
    _d("overheads", "8.48", "GBP per contact hour", ASSUMPTION, HCA_DATE),
    _d("return_rate", "3", "percent of cost", ASSUMPTION, HCA_DATE),
    _d("high_dependency_uplift", "10", "percent", ASSUMPTION, HCA_DATE),
    _d("double_up_uplift", "5", "percent", ASSUMPTION, HCA_DATE),
    _d("overheads_min", "6", "GBP per contact hour", ASSUMPTION, HCA_DATE),
    _d("overheads_max", "12", "GBP per contact hour", ASSUMPTION, HCA_DATE),
    _d("return_min", "2", "percent of cost", ASSUMPTION, HCA_DATE),
    _d("return_max", "10", "percent of cost", ASSUMPTION, HCA_DATE),
)

# Starting travel by band until a travel run measures it: denser areas need less travel.
BAND_TRAVEL: tuple[Default, ...] = (
    _d("travel_minutes", "12", "minutes per contact hour", TRAVEL_ASSUMPTION, HCA_DATE, "urban"),
    _d("miles", "3.5", "miles per contact hour", TRAVEL_ASSUMPTION, HCA_DATE, "urban"),
    _d("travel_minutes", "15", "minutes per contact hour", TRAVEL_ASSUMPTION, HCA_DATE, "fringe"),
    _d("miles", "5.5", "miles per contact hour", TRAVEL_ASSUMPTION, HCA_DATE, "fringe"),
    _d("travel_minutes", "20", "minutes per contact hour", TRAVEL_ASSUMPTION, HCA_DATE, "rural"),
    _d("miles", "9", "miles per contact hour", TRAVEL_ASSUMPTION, HCA_DATE, "rural"),
    _d("travel_minutes", "27", "minutes per contact hour", TRAVEL_ASSUMPTION, HCA_DATE, "isolated"),
    _d("miles", "13", "miles per contact hour", TRAVEL_ASSUMPTION, HCA_DATE, "isolated"),
)


def as_values(defaults) -> dict[tuple[str, str], Decimal]:
    return {(d.key, d.band): d.value for d in defaults}
