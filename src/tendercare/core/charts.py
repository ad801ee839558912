"""Accessible server-side SVG charts. Pure: no Django.

Every chart is an <svg role="img"> labelled by its own <title> and <desc>, so a screen reader
announces what it shows; the page puts the same numbers in a table beside it. Colours are
presentation attributes (fill=...), never style attributes, so the Content Security Policy
(style-src 'self') holds. Labels are escaped. The result is markupsafe.Markup, safe to embed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# GOV.UK Frontend palette; each has at least 3:1 contrast against white (WCAG 1.4.11).
PALETTE = ("#1d70b8", "#00703c", "#d4351c", "#4c2c92", "#f47738", "#912b88", "#505a5f")
BAR_FILL = "#1d70b8"
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    # What to print at the end of the bar; defaults to the value with thousands separators.
    display: str | None = None


@dataclass(frozen=True)
class BarGeometry:
    label: str
    value: float
    display: str
    x: float
    y: float
    width: float
    height: float


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _check_id(chart_id: str) -> str:
    if not _ID.match(chart_id):
        raise ValueError(f"Chart id {chart_id!r} must be a letter followed by letters/digits/-/_")
    return chart_id


def bar_layout(
    bars: Sequence[Bar],
    *,
    plot_width: float,
    bar_height: float = 24,
    gap: float = 10,
    left: float = 0,
    top: float = 0,
    maximum: float | None = None,
) -> list[BarGeometry]:
    """Where each horizontal bar goes: widths proportional to value, none beyond plot_width.

    Negative values are drawn as zero-width (the charts here show counts and shares)."""
    largest = max([maximum or 0, *(max(b.value, 0) for b in bars)], default=0)
    out = []
    for i, bar in enumerate(bars):
        value = max(bar.value, 0)
        width = (value / largest * plot_width) if largest > 0 else 0.0
        out.append(
            BarGeometry(
                label=bar.label,
                value=bar.value,
                display=bar.display if bar.display is not None else _number(bar.value),
                x=left,
                y=top + i * (bar_height + gap),
                width=min(width, plot_width),
                height=bar_height,
            )
        )
    return out


def _open(chart_id: str, title: str, description: str, width: float, height: float) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tc-chart" role="img" '
        f'viewBox="0 0 {_fmt(width)} {_fmt(height)}" width="{_fmt(width)}" '
        f'height="{_fmt(height)}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'id="{chart_id}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )


def bar_chart(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    description: str,
    width: int = 640,
    label_width: int = 170,
    value_width: int = 90,
    bar_height: int = 24,
    gap: int = 10,
    fill: str = BAR_FILL,
    maximum: float | None = None,
) -> Markup:
    """A horizontal bar chart: label on the left, bar, value at the end of the bar."""
    _check_id(chart_id)
    plot_width = max(width - label_width - value_width, 10)
    layout = bar_layout(
        bars,
        plot_width=plot_width,
        bar_height=bar_height,
        gap=gap,
        left=label_width,
        maximum=maximum,
    )
    height = max(len(layout) * (bar_height + gap) - gap, bar_height)
    parts = [_open(chart_id, title, description, width, height)]
    for g in layout:
        middle = g.y + g.height / 2
        parts.append(
            f'<g class="tc-chart__bar">'
            f'<text x="{_fmt(label_width - 8)}" y="{_fmt(middle)}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(g.label)}</text>'
            f'<rect x="{_fmt(g.x)}" y="{_fmt(g.y)}" width="{_fmt(g.width)}" '
            f'height="{_fmt(g.height)}" fill="{escape(fill)}"></rect>'
            f'<text x="{_fmt(g.x + g.width + 6)}" y="{_fmt(middle)}" '
            f'dominant-baseline="middle">{escape(g.display)}</text>'
            f"</g>"
        )
    parts.append("</svg>")
    # Every interpolated label went through escape(); numbers are formatted by us.
    return Markup("".join(parts))  # noqa: S704


@dataclass(frozen=True)
class Segment:
    label: str
    value: float
    display: str | None = None


def stacked_layout(segments: Sequence[Segment], *, plot_width: float) -> list[tuple[float, float]]:
    """(x, width) of each segment of a 100% bar; widths sum to plot_width when any value > 0."""
    total = sum(max(s.value, 0) for s in segments)
    out, x = [], 0.0
    for s in segments:
        w = (max(s.value, 0) / total * plot_width) if total > 0 else 0.0
        out.append((x, w))
        x += w
    return out


def stacked_bar_chart(
    segments: Sequence[Segment],
    *,
    chart_id: str,
    title: str,
    description: str,
    width: int = 640,
    bar_height: int = 36,
    colours: Sequence[str] = PALETTE,
) -> Markup:
    """One 100% bar split into segments, with a legend giving each segment's label and value."""
    _check_id(chart_id)
    layout = stacked_layout(segments, plot_width=width)
    legend_row = 26
    height = bar_height + 12 + legend_row * len(segments)
    parts = [_open(chart_id, title, description, width, height)]
    for i, (x, w) in enumerate(layout):
        colour = colours[i % len(colours)]
        parts.append(
            f'<rect x="{_fmt(x)}" y="0" width="{_fmt(w)}" height="{bar_height}" '
            f'fill="{escape(colour)}" stroke="#ffffff" stroke-width="1"></rect>'
        )
    for i, s in enumerate(segments):
        colour = colours[i % len(colours)]
        y = bar_height + 12 + i * legend_row
        text = f"{s.label}: {s.display if s.display is not None else _number(s.value)}"
        parts.append(
            f'<rect x="0" y="{_fmt(y)}" width="16" height="16" fill="{escape(colour)}"></rect>'
            f'<text x="24" y="{_fmt(y + 8)}" dominant-baseline="middle">{escape(text)}</text>'
        )
    parts.append("</svg>")
    # Every interpolated label went through escape(); numbers are formatted by us.
    return Markup("".join(parts))  # noqa: S704
