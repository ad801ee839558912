"""The XmR chart drawn as accessible SVG, with the rows of the table that goes beside it.
Pure: no Django (uses core/charts.py conventions: role="img", <title>/<desc>, presentation
attributes only, every label escaped).

    panel = spc_chart.panel([(date(2025, 4, 1), Decimal("91.2")), ...],
                            better="higher", target=95, unit="percent", title="Visits on time")
    {{ spc_chart(panel) }}      # jinja2/performance/spc_macros.html

Special-cause points are marked by shape as well as colour (WCAG 1.4.1): a square when
improving, a diamond when concerning, a triangle when a change is neither; common cause
points are small circles. The colours are Making Data Count's: grey common cause, blue
improving, orange concerning, purple neither.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from tendercare.core.charts import _check_id, _fmt

from . import spc

GREY, BLUE, ORANGE, PURPLE, RED, INK = (
    "#505a5f",
    "#1d70b8",
    "#f47738",
    "#4c2c92",
    "#d4351c",
    "#0b0c0c",
)
KIND_COLOUR = {"common": GREY, "improving": BLUE, "concerning": ORANGE, "neither": PURPLE}
KIND_TEXT = {
    "common": "Common cause",
    "improving": "Special cause: improving",
    "concerning": "Special cause: concerning",
    "neither": "Special cause",
}
SOURCE = (
    "Method: NHS England, Making Data Count (2019, revised 2021): XmR chart, process limits at "
    "the mean plus or minus 2.66 times the mean moving range."
)


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    moving_range: str
    kind: str
    signal: str


@dataclass(frozen=True)
class Panel:
    chart_id: str
    title: str
    sentence: str
    svg: Markup
    rows: tuple[Row, ...]
    chart: spc.XmR
    unit: str
    variation_text: str
    assurance_text: str
    source: str = SOURCE

    @property
    def mean_text(self) -> str:
        return _value(self.chart.mean, self.unit)

    @property
    def limits_text(self) -> str:
        return f"{_value(self.chart.lower, self.unit)} to {_value(self.chart.upper, self.unit)}"


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    text = f"{value:,.1f}"
    return f"{text}%" if unit == "percent" else (f"{text} {unit}" if unit else text)


def _label(key) -> str:
    if isinstance(key, dt.date):
        return key.strftime("%b %Y")
    return str(key)


def point_kind(point: spc.Point, better: str | None) -> str:
    if not point.special:
        return "common"
    good = {"higher": "high", "lower": "low"}.get(better or "")
    if good is None:
        return "neither"
    return "concerning" if any(side != good for side in point.sides) else "improving"


def signal_text(point: spc.Point, better: str | None) -> str:
    if not point.special:
        return "Common cause"
    reasons = "; ".join(spc.REASON_TEXT[r] for r in point.reasons)
    return f"{KIND_TEXT[point_kind(point, better)]} ({reasons})"


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    span = high - low
    if span <= 0:
        return [low]
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = magnitude * 10
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= magnitude * factor:
            step = magnitude * factor
            break
    first = (low // step) * step
    ticks, tick = [], first
    while tick <= high + step * 1e-9:
        if tick >= low - step * 1e-9:
            ticks.append(round(tick, 10))
        tick += step
    return ticks


def _marker(kind: str, x: float, y: float) -> str:
    colour = KIND_COLOUR[kind]
    if kind == "common":
        return f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="4" fill="{colour}"></circle>'
    if kind == "improving":
        return (
            f'<rect x="{_fmt(x - 6)}" y="{_fmt(y - 6)}" width="12" height="12" '
            f'fill="{colour}" stroke="{INK}" stroke-width="1"></rect>'
        )
    if kind == "concerning":
        pts = f"{_fmt(x)},{_fmt(y - 8)} {_fmt(x + 8)},{_fmt(y)} {_fmt(x)},{_fmt(y + 8)} " + (
            f"{_fmt(x - 8)},{_fmt(y)}"
        )
        return f'<polygon points="{pts}" fill="{colour}" stroke="{INK}" stroke-width="1"></polygon>'
    pts = f"{_fmt(x)},{_fmt(y - 8)} {_fmt(x + 7)},{_fmt(y + 6)} {_fmt(x - 7)},{_fmt(y + 6)}"
    return f'<polygon points="{pts}" fill="{colour}" stroke="{INK}" stroke-width="1"></polygon>'


def xmr_svg(
    labels: Sequence[str],
    chart: spc.XmR,
    *,
    chart_id: str,
    title: str,
    description: str,
    unit: str = "",
    width: int = 640,
    height: int = 320,
) -> Markup:
    """The chart: the values joined by a line, the mean, the process limits (dashed), the
    target (dash-dot, red) and each point marked by its kind."""
    _check_id(chart_id)
    left, right, top, bottom = 64, 16, 16, 76
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [p.value for p in chart.points]
    extent = [*values, chart.upper, chart.lower, chart.mean]
    if chart.target is not None:
        extent.append(chart.target)
    low, high = (min(extent), max(extent)) if extent else (0.0, 1.0)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.06
    low, high = low - pad, high + pad

    def y_of(v: float) -> float:
        return top + plot_h - (v - low) / (high - low) * plot_h

    n = len(values)

    def x_of(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else i * plot_w / (n - 1))

    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="tc-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" id="{chart_id}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    ]
    for tick in _nice_ticks(low, high):
        y = y_of(tick)
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{_fmt(y)}" y2="{_fmt(y)}" '
            f'stroke="#b1b4b6" stroke-width="0.5"></line>'
            f'<text x="{left - 6}" y="{_fmt(y)}" text-anchor="end" dominant-baseline="middle">'
            f"{escape(_value(tick, unit if unit == 'percent' else ''))}</text>"
        )
    if n:
        for name, value, dash, colour in (
            ("Upper process limit", chart.upper, "6 4", GREY),
            ("Lower process limit", chart.lower, "6 4", GREY),
            ("Mean", chart.mean, "", INK),
        ):
            y = y_of(value)
            dashed = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{left}" x2="{left + plot_w}" y1="{_fmt(y)}" y2="{_fmt(y)}" '
                f'stroke="{colour}" stroke-width="1.5"{dashed}><title>{escape(name)}: '
                f"{escape(_value(value, unit))}</title></line>"
            )
        if chart.target is not None:
            y = y_of(chart.target)
            parts.append(
                f'<line x1="{left}" x2="{left + plot_w}" y1="{_fmt(y)}" y2="{_fmt(y)}" '
                f'stroke="{RED}" stroke-width="2" stroke-dasharray="10 3 2 3"><title>Target: '
                f"{escape(_value(chart.target, unit))}</title></line>"
            )
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{_fmt(x_of(i))},{_fmt(y_of(v))}" for i, v in enumerate(values)
        )
        parts.append(f'<path d="{path}" fill="none" stroke="{GREY}" stroke-width="1.5"></path>')
        every = max(1, -(-n // 12))
        for i, point in enumerate(chart.points):
            kind = point_kind(point, chart.better)
            x, y = x_of(i), y_of(point.value)
            parts.append(
                f'<g class="tc-spc__point">{_marker(kind, x, y)}<title>'
                f"{escape(labels[i])}: {escape(_value(point.value, unit))}, "
                f"{escape(signal_text(point, chart.better))}</title></g>"
            )
            if i % every == 0 or i == n - 1:
                parts.append(
                    f'<text x="{_fmt(x)}" y="{top + plot_h + 18}" text-anchor="middle">'
                    f"{escape(labels[i])}</text>"
                )
    # Legend: shapes and lines, in words.
    legend_y = height - 22
    items = [
        ("common", "Common cause"),
        ("improving", "Improving"),
        ("concerning", "Concerning"),
        ("neither", "Special cause"),
    ]
    x = left
    for kind, text in items:
        parts.append(_marker(kind, x, legend_y))
        parts.append(
            f'<text x="{_fmt(x + 12)}" y="{legend_y}" dominant-baseline="middle">'
            f"{escape(text)}</text>"
        )
        x += 24 + len(text) * 7.5
    parts.append("</svg>")
    # Every label went through escape(); numbers and colours are ours.
    return Markup("".join(parts))  # noqa: S704


def panel(
    series: Sequence[tuple],
    *,
    better: str | None = None,
    target=None,
    unit: str = "",
    title: str = "Statistical process control chart",
    chart_id: str = "spc-chart",
    baseline: int | None = None,
) -> Panel:
    """Everything the macro shows for a series of (month or label, value) in time order.
    Months with no value (None) are left out of the chart and named in the sentence."""
    present = [(k, v) for k, v in series if v is not None]
    missing = [k for k, v in series if v is None]
    chart = spc.xmr([v for _k, v in present], better=better, target=target, baseline=baseline)
    labels = [_label(k) for k, _v in present]
    sentence = chart.sentence(unit)
    if missing:
        sentence += f" Left out for want of a value: {', '.join(_label(k) for k in missing)}."
    description = (
        f"XmR chart of {title}, {labels[0]} to {labels[-1]}. {sentence}"
        if labels
        else f"XmR chart of {title}: no values."
    )
    svg = xmr_svg(labels, chart, chart_id=chart_id, title=title, description=description, unit=unit)
    rows = tuple(
        Row(
            label=labels[i],
            value=_value(point.value, unit),
            moving_range=_value(point.moving_range, "") if point.moving_range is not None else "",
            kind=point_kind(point, better),
            signal=signal_text(point, better),
        )
        for i, point in enumerate(chart.points)
    )
    return Panel(
        chart_id=chart_id,
        title=title,
        sentence=sentence,
        svg=svg,
        rows=rows,
        chart=chart,
        unit=unit,
        variation_text=spc.VARIATION_TEXT[chart.variation],
        assurance_text=spc.ASSURANCE_TEXT[chart.assurance],
    )
