import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from tendercare.core import calendar

D = dt.date
dates = st.dates(min_value=D(2023, 1, 1), max_value=D(2029, 12, 31))


def easter_sunday(year: int) -> dt.date:
    # Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return D(year, month, day)


def test_eight_bank_holidays_a_year_all_on_weekdays():
    for year in range(2024, 2029):
        days = [d for d in calendar.ENGLAND_AND_WALES_BANK_HOLIDAYS if d.year == year]
        assert len(days) == 8, year
        assert all(d.weekday() < 5 for d in days)


def test_easter_holidays_match_the_date_of_easter():
    for year in range(2024, 2029):
        easter = easter_sunday(year)
        assert calendar.is_bank_holiday(easter - dt.timedelta(days=2)), f"Good Friday {year}"
        assert calendar.is_bank_holiday(easter + dt.timedelta(days=1)), f"Easter Monday {year}"


def test_known_dates_including_substitute_days():
    assert calendar.is_bank_holiday(D(2026, 12, 28))  # Boxing Day 2026 is a Saturday
    assert not calendar.is_bank_holiday(D(2026, 12, 26))
    assert calendar.is_bank_holiday(D(2027, 12, 27)) and calendar.is_bank_holiday(D(2027, 12, 28))
    assert calendar.is_bank_holiday(D(2028, 1, 3))  # New Year's Day 2028 is a Saturday
    assert calendar.is_bank_holiday(D(2026, 8, 31))
    assert not calendar.is_working_day(D(2026, 4, 3))  # Good Friday
    assert calendar.is_working_day(D(2026, 4, 7))


def test_working_days_across_easter_2026():
    # Thursday 2 April to Thursday 9 April 2026: Fri 3 and Mon 6 are bank holidays.
    assert calendar.working_days_between(D(2026, 4, 2), D(2026, 4, 9)) == 3
    assert calendar.working_days_between(D(2026, 4, 9), D(2026, 4, 2)) == -3


def test_six_week_delay_over_christmas_2026():
    # 14 Dec 2026 to 25 Jan 2027: 42 days, 30 weekdays, less 25 Dec, 28 Dec, 1 Jan = 27.
    assert calendar.working_days_between(D(2026, 12, 14), D(2027, 1, 25)) == 27


@given(dates, dates)
def test_working_days_agree_with_counting_day_by_day(a, b):
    lo, hi = min(a, b), max(a, b)
    counted = sum(
        1
        for n in range(1, (hi - lo).days + 1)
        if calendar.is_working_day(lo + dt.timedelta(days=n))
    )
    assert calendar.working_days_between(lo, hi) == counted
    assert calendar.working_days_between(hi, lo) == -counted


@given(dates, st.integers(min_value=0, max_value=400))
def test_add_working_days_inverts_the_count(start, n):
    end = calendar.add_working_days(start, n)
    assert calendar.working_days_between(start, end) == n
    assert end == start or calendar.is_working_day(end)


@given(dates, st.integers(min_value=-400, max_value=0))
def test_counting_back_from_a_working_day_inverts_too(start, n):
    # The count runs over (earlier, later]; going back from a weekend the weekend is not counted.
    if calendar.is_working_day(start):
        assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n


def test_calendar_module_is_pure():
    import re
    from pathlib import Path

    text = Path(calendar.__file__).read_text()
    assert not re.search(r"^\s*(from|import)\s+(django|rules|ninja)\b", text, re.MULTILINE)
    assert "gov.uk/bank-holidays" in calendar.SOURCE
