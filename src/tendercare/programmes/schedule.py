"""The arithmetic of a programme: slip, RAG status, risk scores and the timeline chart.

Pure functions over dates and plain dataclasses; no Django import, so that hypothesis can test
them quickly (tests/programmes/test_schedule.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html import escape as _html_escape

from tendercare.core.calendar import working_days_between

# ---------------------------------------------------------------------------------------------
# Slip and RAG


@dataclass(frozen=True)
class Slip:
    days: int  # calendar days from baseline to current; negative if brought forward
    working_days: int  # England working days (weekdays less bank holidays), same sign


def slip(baseline: dt.date, current: dt.date) -> Slip:
    return Slip(
        days=(current - baseline).days, working_days=working_days_between(baseline, current)
    )


class Rag:
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    OVERDUE = "overdue"  # red too: the current date has passed and the milestone is not done
    COMPLETE = "complete"

    LABELS = {
        GREEN: "On track",
        AMBER: "Slipped",
        RED: "Slipped badly",
        OVERDUE: "Overdue",
        COMPLETE: "Complete",
    }
    # The colour each status is shown in (always with its label, never by colour alone).
    COLOURS = {GREEN: "green", AMBER: "amber", RED: "red", OVERDUE: "red", COMPLETE: "grey"}


# A milestone up to AMBER_AFTER_DAYS late is on track, up to RED_AFTER_DAYS late is amber,
# later than that red. Six weeks is the common "needs the board's attention" line in
# programme highlight reports; it is a setting of this module, not a national rule.
AMBER_AFTER_DAYS = 0
RED_AFTER_DAYS = 42


def rag(
    slip_days: int,
    *,
    completed: bool = False,
    overdue: bool = False,
    amber_after: int = AMBER_AFTER_DAYS,
    red_after: int = RED_AFTER_DAYS,
) -> str:
    """RAG status from calendar-day slip against the baseline.

    Complete milestones are "complete" whatever their slip. An incomplete milestone whose
    current date has passed is "overdue" (shown red): the plan no longer says when it will
    happen, so it needs a revision.
    """
    if completed:
        return Rag.COMPLETE
    if overdue:
        return Rag.OVERDUE
    if slip_days > red_after:
        return Rag.RED
    if slip_days > amber_after:
        return Rag.AMBER
    return Rag.GREEN


# ---------------------------------------------------------------------------------------------
# Risk scores
#
# Convention: a 5 x 5 matrix, score = likelihood (1 rare .. 5 almost certain) x impact
# (1 negligible .. 5 catastrophic), so scores run 1-25 and only products occur (no 7, 11, 13,
# 14, 17, 18, 19, 21-24). Bands: 1-4 low, 5-9 medium, 10-16 high, 20-25 very high. Many NHS
# bodies use the NPSA 2008 matrix instead (1-3 low, 4-6 moderate, 8-12 high, 15-25 extreme);
# change RISK_BANDS to follow a local risk management policy.

LIKELIHOOD_LABELS = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
IMPACT_LABELS = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Catastrophic"}

RISK_BANDS = [
    (4, "low", "Low"),
    (9, "medium", "Medium"),
    (16, "high", "High"),
    (25, "very_high", "Very high"),
]


def risk_score(likelihood: int, impact: int) -> int:
    if likelihood not in LIKELIHOOD_LABELS or impact not in IMPACT_LABELS:
        raise ValueError("Likelihood and impact are each from 1 to 5")
    return likelihood * impact


def risk_rating(score: int) -> tuple[str, str]:
    """(code, label) of the band a score falls in."""
    if not 1 <= score <= 25:
        raise ValueError("A risk score is from 1 to 25")
    for upper, code, label in RISK_BANDS:
        if score <= upper:
            return code, label
    raise AssertionError("unreachable")  # pragma: no cover


# ---------------------------------------------------------------------------------------------
# Timeline chart


@dataclass(frozen=True)
class TimelineItem:
    label: str
    baseline: dt.date
    current: dt.date
    completed: bool = False


WIDTH = 960
LABEL_WIDTH = 280
RIGHT_MARGIN = 30
TOP = 56  # room for the legend
ROW_HEIGHT = 34
AXIS_HEIGHT = 40
MARKER = 7


def _ticks(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of months across the range, thinned to at most about 12 labels."""
    months = []
    day = dt.date(start.year, start.month, 1)
    if day < start:
        day = _next_month(day)
    while day <= end:
        months.append(day)
        day = _next_month(day)
    step = max(1, -(-len(months) // 12))
    return months[::step]


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def timeline_range(items: list[TimelineItem]) -> tuple[dt.date, dt.date]:
    dates = [d for item in items for d in (item.baseline, item.current)]
    start, end = min(dates), max(dates)
    # A fortnight either side so that markers at the ends are not cut in half.
    return start - dt.timedelta(days=14), end + dt.timedelta(days=14)


def x_for(day: dt.date, start: dt.date, end: dt.date) -> float:
    span = max((end - start).days, 1)
    plot = WIDTH - LABEL_WIDTH - RIGHT_MARGIN
    return round(LABEL_WIDTH + plot * (day - start).days / span, 1)


# Characters XML 1.0 forbids outright (control characters, lone surrogates, U+FFFE/U+FFFF):
# escaping cannot make them legal, so they are dropped from labels.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    return _html_escape(_NOT_XML.sub("", text), quote=True)


def _truncate(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def timeline_svg(items: list[TimelineItem], *, title: str, description: str = "") -> str:
    """Accessible SVG: role="img" with <title> and <desc>, classes for styling (no style
    attributes, so it passes a CSP without 'unsafe-inline'), every label escaped.

    Baseline dates are hollow diamonds, current dates filled circles (shape, not only colour);
    a dashed line joins them where the date has moved. Completed milestones get a tick mark.
    """
    height = TOP + ROW_HEIGHT * max(len(items), 1) + AXIS_HEIGHT
    desc = description or (
        "Baseline date (hollow diamond) and current date (filled circle) of each milestone."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tc-chart tc-timeline" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="tc-timeline-title tc-timeline-desc">',
        f'<title id="tc-timeline-title">{escape(title)}</title>',
        f'<desc id="tc-timeline-desc">{escape(desc)}</desc>',
    ]
    # Legend
    lx = LABEL_WIDTH
    parts.append('<g class="tc-timeline__legend" aria-hidden="true">')
    parts.append(_diamond(lx + MARKER, 20, "tc-timeline__baseline"))
    parts.append(f'<text x="{lx + 2 * MARKER + 6}" y="25">Baseline date</text>')
    parts.append(_circle(lx + 170, 20, "tc-timeline__current"))
    parts.append(f'<text x="{lx + 170 + MARKER + 6}" y="25">Current date</text>')
    parts.append(_tick(lx + 330, 20))
    parts.append(f'<text x="{lx + 330 + MARKER + 6}" y="25">Complete</text>')
    parts.append("</g>")
    if not items:
        parts.append(f'<text x="{LABEL_WIDTH}" y="{TOP + 22}">No milestones yet</text>')
        parts.append("</svg>")
        return "".join(parts)

    start, end = timeline_range(items)
    axis_y = TOP + ROW_HEIGHT * len(items)
    parts.append('<g class="tc-timeline__axis" aria-hidden="true">')
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="{axis_y}" x2="{WIDTH - RIGHT_MARGIN}" y2="{axis_y}" '
        f'stroke="#0b0c0c"/>'
    )
    for tick in _ticks(start, end):
        x = x_for(tick, start, end)
        parts.append(
            f'<line class="tc-timeline__grid" x1="{x}" y1="{TOP - 6}" x2="{x}" y2="{axis_y + 5}" '
            f'stroke="#b1b4b6"/>'
        )
        parts.append(
            f'<text x="{x}" y="{axis_y + 22}" text-anchor="middle">{tick:%b} {tick:%y}</text>'
        )
    parts.append("</g>")
    for row, item in enumerate(items):
        y = TOP + ROW_HEIGHT * row + ROW_HEIGHT / 2
        xb, xc = x_for(item.baseline, start, end), x_for(item.current, start, end)
        days = (item.current - item.baseline).days
        moved = (
            f"moved {abs(days)} days {'later' if days > 0 else 'earlier'}"
            if days
            else "on baseline"
        )
        parts.append(
            f'<g class="tc-timeline__row"><title>{escape(item.label)}: baseline '
            f"{_uk(item.baseline)}, current {_uk(item.current)}, {moved}"
            f"{', complete' if item.completed else ''}</title>"
        )
        parts.append(
            f'<text class="tc-timeline__label" x="{LABEL_WIDTH - 12}" y="{y + 5}" '
            f'text-anchor="end">{escape(_truncate(item.label))}</text>'
        )
        if xb != xc:
            parts.append(
                f'<line class="tc-timeline__slip" x1="{xb}" y1="{y}" x2="{xc}" y2="{y}" '
                f'stroke="#0b0c0c" stroke-dasharray="4 3"/>'
            )
        parts.append(_diamond(xb, y, "tc-timeline__baseline"))
        parts.append(_circle(xc, y, "tc-timeline__current"))
        if item.completed:
            parts.append(_tick(min(xc + 2 * MARKER + 2, WIDTH - RIGHT_MARGIN), y))
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _uk(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _diamond(x: float, y: float, cls: str) -> str:
    m = MARKER + 1
    points = f"{x},{y - m} {x + m},{y} {x},{y + m} {x - m},{y}"
    return (
        f'<polygon class="{cls}" points="{points}" fill="#ffffff" stroke="#0b0c0c" '
        f'stroke-width="2"/>'
    )


def _circle(x: float, y: float, cls: str) -> str:
    return f'<circle class="{cls}" cx="{x}" cy="{y}" r="{MARKER}" fill="#1d70b8" stroke="#0b0c0c"/>'


def _tick(x: float, y: float) -> str:
    return (
        f'<path class="tc-timeline__done" d="M{x - 5},{y} l4,5 l8,-10" fill="none" '
        f'stroke="#00703c" stroke-width="3"/>'
    )
