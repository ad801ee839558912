"""Working days in England: weekdays that are not bank holidays. Pure, no Django.

Bank holidays for England and Wales from https://www.gov.uk/bank-holidays (JSON at
https://www.gov.uk/bank-holidays.json, division "england-and-wales"), 2024 to 2027 as published.
2028 is not yet published there; its dates follow the Banking and Financial Dealings Act 1971
rules (and the usual substitute days) and are marked as expected. Check them when gov.uk publishes
2028 and add any one-off holiday (such as a coronation) by hand.
"""

from __future__ import annotations

import datetime as dt

SOURCE = "GOV.UK, UK bank holidays (England and Wales), https://www.gov.uk/bank-holidays"

_D = dt.date

ENGLAND_AND_WALES_BANK_HOLIDAYS: dict[dt.date, str] = {
    # 2024
    _D(2024, 1, 1): "New Year's Day",
    _D(2024, 3, 29): "Good Friday",
    _D(2024, 4, 1): "Easter Monday",
    _D(2024, 5, 6): "Early May bank holiday",
    _D(2024, 5, 27): "Spring bank holiday",
    _D(2024, 8, 26): "Summer bank holiday",
    _D(2024, 12, 25): "Christmas Day",
    _D(2024, 12, 26): "Boxing Day",
    # 2025
    _D(2025, 1, 1): "New Year's Day",
    _D(2025, 4, 18): "Good Friday",
    _D(2025, 4, 21): "Easter Monday",
    _D(2025, 5, 5): "Early May bank holiday",
    _D(2025, 5, 26): "Spring bank holiday",
    _D(2025, 8, 25): "Summer bank holiday",
    _D(2025, 12, 25): "Christmas Day",
    _D(2025, 12, 26): "Boxing Day",
    # 2026
    _D(2026, 1, 1): "New Year's Day",
    _D(2026, 4, 3): "Good Friday",
    _D(2026, 4, 6): "Easter Monday",
    _D(2026, 5, 4): "Early May bank holiday",
    _D(2026, 5, 25): "Spring bank holiday",
    _D(2026, 8, 31): "Summer bank holiday",
    _D(2026, 12, 25): "Christmas Day",
    _D(2026, 12, 28): "Boxing Day (substitute day)",
    # 2027
    _D(2027, 1, 1): "New Year's Day",
    _D(2027, 3, 26): "Good Friday",
    _D(2027, 3, 29): "Easter Monday",
    _D(2027, 5, 3): "Early May bank holiday",
    _D(2027, 5, 31): "Spring bank holiday",
    _D(2027, 8, 30): "Summer bank holiday",
    _D(2027, 12, 27): "Christmas Day (substitute day)",
    _D(2027, 12, 28): "Boxing Day (substitute day)",
    # 2028 (expected: not yet published on gov.uk)
    _D(2028, 1, 3): "New Year's Day (substitute day)",
    _D(2028, 4, 14): "Good Friday",
    _D(2028, 4, 17): "Easter Monday",
    _D(2028, 5, 1): "Early May bank holiday",
    _D(2028, 5, 29): "Spring bank holiday",
    _D(2028, 8, 28): "Summer bank holiday",
    _D(2028, 12, 25): "Christmas Day",
    _D(2028, 12, 26): "Boxing Day",
}

FIRST_COVERED = dt.date(2024, 1, 1)
LAST_COVERED = dt.date(2028, 12, 31)
EXPECTED_FROM = dt.date(2028, 1, 1)  # dates from here on are expected, not yet published


def is_bank_holiday(day: dt.date) -> bool:
    return day in ENGLAND_AND_WALES_BANK_HOLIDAYS


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not an England and Wales bank holiday. Outside 2024-2028 only
    weekends are known, so a count there may include a holiday or two."""
    return day.weekday() < 5 and day not in ENGLAND_AND_WALES_BANK_HOLIDAYS


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Signed count of working days after start up to and including end.

    Zero when the dates are equal; negative when end is before start (the same count, turned
    round), so a milestone brought forward has negative slip.
    """
    if end == start:
        return 0
    if end < start:
        return -working_days_between(end, start)
    days = (end - start).days
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    for offset in range(1, rest + 1):
        if (start + dt.timedelta(days=offset)).weekday() < 5:
            count += 1
    # Every listed holiday falls on a weekday, so each one in the range removes one working day.
    count -= sum(1 for day in ENGLAND_AND_WALES_BANK_HOLIDAYS if start < day <= end)
    return count


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after start (before it if negative)."""
    step = 1 if days >= 0 else -1
    day, remaining = start, abs(days)
    while remaining:
        day += dt.timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day
