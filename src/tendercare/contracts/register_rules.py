"""Rules of the contract register, as plain functions over plain values. No Django here.

Two warnings the register shows, each with its parameters stated on the page:
  * ending soon: a live contract ends within its re-procurement lead time (default 18 months);
  * over threshold and not competed: whole-life value at or above a threshold (default the
    light-touch threshold, GBP 663,540) with no competitive process within N years (default 5).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DEFAULT_LEAD_TIME_MONTHS = 18
"""Re-procurement lead time. Community health and home care procurements commonly take 12 to
18 months from market engagement to mobilisation; 18 is a cautious default, editable per page."""

LIGHT_TOUCH_THRESHOLD = Decimal("663540")
"""Light-touch regime threshold, GBP 663,540 including VAT, from 1 January 2024: the threshold
for "light touch" services (which include health and social care services) under the
Procurement Act 2023 (Schedule 1; in force from 24 February 2025) and, before it, the Public
Contracts Regulations 2015 as amended from 1 January 2024 (Procurement Policy Note 11/23).
Councillors often ask about "over GBP 650,000": the page states which figure the rule uses,
and it can be changed."""

COUNCILLORS_ROUND_FIGURE = Decimal("650000")
"""The round figure in the question councillors ask ("over GBP 650,000 every five years")."""

DEFAULT_YEARS_SINCE_COMPETITION = 5

PENCE = Decimal("0.01")

DATE_HELP = "Enter the date as YYYY-MM-DD or DD/MM/YYYY, for example 2025-04-01 or 01/04/2025"


@dataclass(frozen=True)
class ContractFacts:
    """What the warning rules need to know about one contract."""

    reference: str
    end_date: dt.date
    whole_life_value: Decimal
    last_competed_on: dt.date | None
    is_live: bool = True  # expired and terminated contracts do not warn


@dataclass(frozen=True)
class RuleParameters:
    lead_time_months: int = DEFAULT_LEAD_TIME_MONTHS
    threshold: Decimal = LIGHT_TOUCH_THRESHOLD
    years: int = DEFAULT_YEARS_SINCE_COMPETITION


@dataclass(frozen=True)
class RegisterWarning:
    code: str  # "ending_soon" or "not_competed"
    label: str
    detail: str


ENDING_SOON = "ending_soon"
NOT_COMPETED = "not_competed"
WARNING_LABELS = {
    ENDING_SOON: "Ending within lead time",
    NOT_COMPETED: "Over threshold, not competed",
}


# --- dates and money -------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later (or earlier), clamped to the month's end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def term_months(start: dt.date, end: dt.date) -> int:
    """Months from start to end inclusive (1 April 2024 to 31 March 2027 is 36 months).
    A part month of 15 days or more counts as a month; less does not."""
    if end < start:
        raise ValueError("The end date is before the start date")
    after_end = end + dt.timedelta(days=1)
    months = (after_end.year - start.year) * 12 + (after_end.month - start.month)
    if add_months(start, months) > after_end:
        months -= 1
    remaining_days = (after_end - add_months(start, months)).days
    return months + (1 if remaining_days >= 15 else 0)


def whole_life_value(annual_value: Decimal, months: int, extension_months: int = 0) -> Decimal:
    """Annual value x (term months + extension months) / 12, rounded to the penny."""
    total = Decimal(annual_value) * Decimal(months + extension_months) / Decimal(12)
    return total.quantize(PENCE, rounding=ROUND_HALF_UP)


def contract_whole_life_value(
    annual_value: Decimal, start: dt.date, end: dt.date, extension_months: int = 0
) -> Decimal:
    return whole_life_value(annual_value, term_months(start, end), extension_months)


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(text: str) -> dt.date:
    """YYYY-MM-DD or DD/MM/YYYY; anything else is a ValueError with a message to act on."""
    text = (text or "").strip()
    if not text:
        raise ValueError(f"Enter a date. {DATE_HELP}")
    if " " in text and _ISO.match(text.split(" ", 1)[0]) and text.endswith("00:00:00"):
        text = text.split(" ", 1)[0]
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _UK.match(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise ValueError(f"'{text}' is not a date. {DATE_HELP}")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date. {DATE_HELP}") from None


def parse_money(text: str, *, allow_negative: bool = False) -> Decimal:
    """'£1,234.56', '1234' or '1234.5' as Decimal pounds (to the penny)."""
    cleaned = (text or "").strip().replace(",", "").replace("£", "").replace("GBP", "").strip()
    if not cleaned:
        raise ValueError("Enter an amount in pounds, for example 250000 or 250000.00")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(
            f"'{text}' is not an amount in pounds. Use digits only, for example 250000.00"
        ) from None
    if not value.is_finite():
        raise ValueError(f"'{text}' is not an amount in pounds")
    if value != value.quantize(PENCE):
        raise ValueError(f"'{text}' has more than two decimal places; give pounds and pence")
    if value < 0 and not allow_negative:
        raise ValueError("The amount cannot be negative")
    if abs(value) >= Decimal("1e12"):
        raise ValueError(f"'{text}' is too large for an amount in pounds")
    return value.quantize(PENCE)


def parse_whole_number(text: str, *, default: int | None = 0, maximum: int = 1200) -> int:
    text = (text or "").strip()
    if not text and default is not None:
        return default
    if not re.fullmatch(r"\d+", text):
        raise ValueError(f"'{text}' is not a whole number of months; enter for example 0 or 24")
    value = int(text)
    if value > maximum:
        raise ValueError(f"{value} is more than {maximum}")
    return value


# --- joint commissioning shares --------------------------------------------------------------

SHARES_HELP = (
    "Name one commissioner, or several with their shares separated by semicolons, "
    "for example 'Medway Council 60%; NHS Kent and Medway ICB 40%'"
)
_SHARE = re.compile(r"^(?P<name>.+?)\s*[:(]?\s*(?P<pct>\d{1,3}(?:\.\d{1,2})?)\s*%\s*\)?$")


def parse_shares(text: str) -> list[tuple[str, Decimal]]:
    """'Medway Council 60%; NHS Kent and Medway ICB 40%' -> [(name, 60), (name, 40)].
    A single name without a percentage holds 100%. Shares must add up to 100."""
    parts = [p.strip() for p in (text or "").split(";") if p.strip()]
    if not parts:
        raise ValueError(f"Enter the commissioner. {SHARES_HELP}")
    shares: list[tuple[str, Decimal]] = []
    for part in parts:
        match = _SHARE.match(part)
        if match:
            shares.append((match["name"].strip(), Decimal(match["pct"])))
        elif len(parts) == 1:
            shares.append((part, Decimal("100")))
        else:
            raise ValueError(f"Give a percentage share for '{part}'. {SHARES_HELP}")
    check_shares(shares)
    return shares


def check_shares(shares: list[tuple[str, Decimal]]) -> None:
    names = [name.casefold() for name, _ in shares]
    if len(set(names)) != len(names):
        raise ValueError("A commissioner is named more than once")
    for name, pct in shares:
        if not name:
            raise ValueError(f"A share has no commissioner name. {SHARES_HELP}")
        if pct <= 0 or pct > 100:
            raise ValueError(f"The share for {name} must be more than 0% and at most 100%")
    total = sum((pct for _, pct in shares), Decimal(0))
    if total != 100:
        raise ValueError(f"The shares add up to {total.normalize():f}%; they must add up to 100%")


def format_shares(shares: list[tuple[str, Decimal]]) -> str:
    if len(shares) == 1 and shares[0][1] == 100:
        return shares[0][0]
    return "; ".join(f"{name} {pct.normalize():f}%" for name, pct in shares)


# --- names -> kinds --------------------------------------------------------------------------


def provider_kind_for(name: str) -> str:
    words = f" {name.casefold()} "
    if " nhs " in words and " trust " in words:
        return "nhs_trust"
    return "independent"


def commissioner_kind_for(name: str) -> str | None:
    words = f" {name.casefold()} "
    if "integrated care board" in words or " icb " in words:
        return "icb"
    if " ccg " in words or "clinical commissioning group" in words:
        return "ccg"
    if "council" in words:
        return "council"
    return None


_GROUP_WORDS = [
    ("home_care", ("home care", "homecare", "domiciliary")),
    ("intermediate_care", ("reablement", "intermediate care", "rehabilitation")),
    ("therapy", ("therapy", "therapies", "physiotherapy", "podiatry", "speech and language")),
    ("children_community", ("children", "child ", "school nursing", "health visiting")),
    ("adult_community_nursing", ("district nursing", "community nursing", "nursing")),
    ("specialist_community", ("specialist", "palliative", "tissue viability", "continence")),
]


def service_group_for(name: str) -> str:
    """The service group a new service line's name clearly says; 'other' when it does not."""
    words = f"{name.casefold()} "
    for group, needles in _GROUP_WORDS:
        if any(needle in words for needle in needles):
            return group
    return "other"


def choice_for(text: str, choices: list[tuple[str, str]]) -> str:
    """A code or a label, case-insensitive, as the code; ValueError listing the options."""
    wanted = (text or "").strip().casefold()
    for code, label in choices:
        if wanted in (code.casefold(), label.casefold()):
            return code
    options = "; ".join(f"{code} ({label})" for code, label in choices)
    if not wanted:
        raise ValueError(f"Enter one of: {options}")
    raise ValueError(f"'{text.strip()}' is not recognised. Use one of: {options}")


# --- the two warnings ------------------------------------------------------------------------


def ends_within_lead_time(facts: ContractFacts, *, today: dt.date, lead_time_months: int) -> bool:
    """A live contract whose end date is today or later and no later than today + lead time
    (a contract ending exactly 18 months from today is inside an 18-month lead time)."""
    if not facts.is_live:
        return False
    return today <= facts.end_date <= add_months(today, lead_time_months)


def over_threshold_not_competed(
    facts: ContractFacts, *, today: dt.date, threshold: Decimal, years: int
) -> bool:
    """Whole-life value at or above the threshold and no competitive process in the last
    `years` years (never competed counts; competed exactly `years` years ago does not)."""
    if not facts.is_live or facts.whole_life_value < threshold:
        return False
    if facts.last_competed_on is None:
        return True
    return facts.last_competed_on < add_years(today, -years)


def warnings_for(
    facts: ContractFacts, *, today: dt.date, params: RuleParameters = RuleParameters()
) -> list[RegisterWarning]:
    found = []
    if ends_within_lead_time(facts, today=today, lead_time_months=params.lead_time_months):
        months_left = max(0, term_months(today, facts.end_date) if facts.end_date > today else 0)
        found.append(
            RegisterWarning(
                ENDING_SOON,
                WARNING_LABELS[ENDING_SOON],
                f"Ends {facts.end_date.isoformat()}, about {months_left} months away: inside the "
                f"{params.lead_time_months}-month re-procurement lead time",
            )
        )
    if over_threshold_not_competed(
        facts, today=today, threshold=params.threshold, years=params.years
    ):
        when = (
            f"last competed {facts.last_competed_on.isoformat()}"
            if facts.last_competed_on
            else "no record of competition"
        )
        found.append(
            RegisterWarning(
                NOT_COMPETED,
                WARNING_LABELS[NOT_COMPETED],
                f"Whole-life value GBP {facts.whole_life_value:,.2f} is at or above "
                f"GBP {params.threshold:,.0f}, {when}, not within {params.years} years",
            )
        )
    return found


def describe_rules(params: RuleParameters) -> list[tuple[str, str]]:
    """The rules in words, as the register page states them."""
    return [
        (
            WARNING_LABELS[ENDING_SOON],
            f"A contract that is not expired or terminated and whose current end date is within "
            f"the next {params.lead_time_months} months (the re-procurement lead time). Extension "
            f"options not yet taken are not counted.",
        ),
        (
            WARNING_LABELS[NOT_COMPETED],
            f"A contract that is not expired or terminated, whose whole-life value is "
            f"GBP {params.threshold:,.0f} or more, and which has not been through a competitive "
            f"process in the last {params.years} years (or never has).",
        ),
    ]
