"""How numbers, money and dates read on a page. Pure functions, no Django."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def gbp(value) -> str:
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def gbp_whole(value) -> str:
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.0f}"


def ukdate(value) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return f"{value.day} {value:%B %Y}"


def ukdatetime(value) -> str:
    """A moment as people in England read it: in UK local time (GMT or BST)."""
    if not value:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(UK)
    return f"{value.day} {value:%B %Y at %H:%M}"


def percent(value, places: int = 1) -> str:
    if value is None:
        return ""
    return f"{Decimal(value) * 100:.{places}f}%"


def number(value, places: int = 0) -> str:
    if value is None:
        return ""
    return f"{value:,.{places}f}"
