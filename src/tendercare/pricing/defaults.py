"""Default cost-of-care parameters and where each comes from. Pure: no Django.

The Homecare Association (HCA) publishes a Minimum Price for Homecare each year: GBP 32.14 per
contact hour for April 2025 to March 2026, at the National Living Wage of GBP 12.21 (release of
18 December 2024). Its June 2025 fee-rates report gives GBP 22.71 as the statutory employment
cost of care workers at the minimum wage. Those two totals are the HCA figures we could find:
its line-by-line assumptions (travel time, mileage, training, sick pay, the split of business
costs and surplus) are in the full report, which we could not consult. So:

- statutory lines (pay, NI, pension, holiday, mileage rate) carry their statutory source;
- back-office overheads are derived from the two HCA totals (see OVERHEADS_SOURCE);
- the other care-worker lines say plainly that the HCA figure was not found and that they are
  Tendercare assumptions, set together so that those lines give the HCA's GBP 22.71. The
  calibration test therefore checks their sum, not each line against the HCA.

A council replacing any of them with local evidence should cite its own source on the parameter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

HCA_MINIMUM_PRICE_2025 = Decimal("32.14")
HCA_CARE_WORKER_COST_2025 = Decimal("22.71")
HCA_URL = (
    "homecareassociation.org.uk/resource/"
    "the-homecare-association-releases-its-minimum-price-for-homecare-2025-26.html"
)
HCA_SOURCE = (
    "Homecare Association, Minimum Price for Homecare 2025/26 (England), published 18 December "
    f"2024, {HCA_URL}"
)
HCA_FEE_RATES_SOURCE = (
    "Homecare Association, Fee rates for state-funded homecare in 2025-26, 5 June 2025, "
    "homecareassociation.org.uk/resource/fee-rates-for-state-funded-homecare-in-2025-26.html"
)
NLW_SOURCE = "National Living Wage from 1 April 2025, GOV.UK National Minimum Wage rates"
RLW_SOURCE = (
    "Real Living Wage 2025/26 pay year: GBP 12.60 (UK outside London; the Living Wage "
    "Foundation's 2024/25 rate), announced 23 October 2024, to be paid by 1 May 2025"
)
NI_SOURCE = (
    "HMRC rates and thresholds for employers 2025 to 2026, GOV.UK (15% above GBP 5,000 a year; "
    "the HCA's 18 December 2024 release prices in the rise from 13.8% to 15%)"
)
PENSION_SOURCE = "Workplace pensions: minimum employer contribution and qualifying earnings, TPR"
HOLIDAY_SOURCE = "5.6 weeks' statutory leave as a share of 46.4 working weeks (Working Time Regs)"
HMRC_MILEAGE_SOURCE = "HMRC approved mileage allowance payments, first 10,000 miles"
HCA_LINE_NOT_FOUND = (
    "Tendercare assumption: the HCA's own 2025/26 figure for this line was not found (its "
    "18 Dec 2024 release and 5 Jun 2025 report give totals only); set with the other "
    "care-worker lines so that they give the HCA's GBP 22.71"
)
VISIT_LENGTH_SOURCE = (
    "Tendercare assumption: the HCA's own 2025/26 figure was not found; it only rescales travel "
    "for 30, 45 and 60-minute visits and does not move the all-bands rate"
)
OVERHEADS_SOURCE = (
    "Derived from HCA 2025/26 totals: GBP 32.14 minimum price (18 Dec 2024) less GBP 22.71 "
    "care-worker cost (5 Jun 2025) = 9.43 for business costs and surplus; the HCA split was not "
    "found, so overheads = (9.43 - 3% of 22.71) / 1.03 = 8.49"
)
RETURN_SOURCE = (
    "Tendercare assumption: the HCA 2025/26 figure was not found (its 5 Jun 2025 report says "
    "'a small surplus for investment'); UKHCA's 2014 Minimum Price used 3% of the total price "
    "(Community Care, 4 February 2014)"
)
NOT_AN_HCA_LINE = (
    "Tendercare assumption: the HCA publishes no such figure; it does not move the all-bands "
    "rate the HCA check uses"
)
TRAVEL_ASSUMPTION = "Tendercare assumption until a travel run replaces it"

NLW_2025 = Decimal("12.21")
RLW_2025 = Decimal("12.60")
RLW_2025_DATE = dt.date(2024, 10, 23)
# For 2026/27 scenarios: the rates announced in autumn 2025. The Living Wage Foundation calls
# GBP 13.45 its "2025/26" rate, but employers have until 1 May 2026 to pay it, so it prices
# April 2026 to March 2027.
NLW_2026 = Decimal("12.71")
NLW_2026_SOURCE = "National Living Wage from 1 April 2026, GOV.UK National Minimum Wage rates"
RLW_2026 = Decimal("13.45")
RLW_2026_DATE = dt.date(2025, 10, 22)
RLW_2026_SOURCE = (
    "Real Living Wage GBP 13.45 (UK outside London), Living Wage Foundation, announced "
    "22 October 2025, to be paid by 1 May 2026"
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
HCA_FEE_RATES_DATE = dt.date(2025, 6, 5)

HCA_2025: tuple[Default, ...] = (
    _d("pay_rate", "12.21", "GBP per hour", NLW_SOURCE, APRIL_2025),
    _d("travel_minutes", "15", "minutes per contact hour", HCA_LINE_NOT_FOUND, HCA_DATE),
    _d("miles", "5.5", "miles per contact hour", HCA_LINE_NOT_FOUND, HCA_DATE),
    _d("mileage_rate", "0.45", "GBP per mile", HMRC_MILEAGE_SOURCE, APRIL_2025),
    _d("average_visit_minutes", "40", "minutes", VISIT_LENGTH_SOURCE, HCA_DATE),
    _d("training_ratio", "3", "percent of contact time", HCA_LINE_NOT_FOUND, HCA_DATE),
    _d("holiday_pay", "12.07", "percent of pay", HOLIDAY_SOURCE, APRIL_2025),
    _d("sick_pay", "2", "percent of pay", HCA_LINE_NOT_FOUND, HCA_DATE),
    _d("employer_ni_rate", "15", "percent", NI_SOURCE, APRIL_2025),
    _d("ni_secondary_threshold", "5000", "GBP per year", NI_SOURCE, APRIL_2025),
    _d("pension_rate", "3", "percent", PENSION_SOURCE, APRIL_2025),
    _d("pension_threshold", "6240", "GBP per year", PENSION_SOURCE, APRIL_2025),
    _d("paid_hours_per_year", "1500", "hours per year", HCA_LINE_NOT_FOUND, HCA_DATE),
    _d("overheads", "8.49", "GBP per contact hour", OVERHEADS_SOURCE, HCA_FEE_RATES_DATE),
    _d("return_rate", "3", "percent of cost", RETURN_SOURCE, HCA_DATE),
    _d("high_dependency_uplift", "10", "percent", NOT_AN_HCA_LINE, HCA_DATE),
    _d("double_up_uplift", "5", "percent", NOT_AN_HCA_LINE, HCA_DATE),
    _d("overheads_min", "6", "GBP per contact hour", NOT_AN_HCA_LINE, HCA_DATE),
    _d("overheads_max", "12", "GBP per contact hour", NOT_AN_HCA_LINE, HCA_DATE),
    _d("return_min", "2", "percent of cost", NOT_AN_HCA_LINE, HCA_DATE),
    _d("return_max", "10", "percent of cost", NOT_AN_HCA_LINE, HCA_DATE),
)

# The Real Living Wage starting point: the pay rate it puts in place of the NLW, with its date
# in the same attribute as every other default (source_date).
RLW_2025_DEFAULT = Default("pay_rate", RLW_2025, "GBP per hour", RLW_SOURCE, RLW_2025_DATE)

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
