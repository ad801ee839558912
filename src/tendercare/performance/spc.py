"""Statistical process control: the XmR chart as NHS England's "Making Data Count" draws it.
Pure: no Django.

Source: NHS England (formerly NHS Improvement), "Making Data Count: Strengthening your
decisions" (2019, revised 2021) and "Making Data Count: Getting started" (2019); the same
rules are implemented by the NHS-R community's NHSRplotthedots package.

- Mean of the values; moving ranges |x[i] - x[i-1]|; process limits mean +/- 2.66 x the mean
  moving range (2.66 = 3 / 1.128, so the limits are three sigma).
- Special cause variation, each tested here:
  * a single point outside the process limits;
  * a shift: a run of 7 or more consecutive points all above, or all below, the mean (a point
    exactly on the mean ends the run);
  * a trend: 7 or more consecutive points all increasing, or all decreasing (Making Data
    Count uses 7, as does NHSRplotthedots; an equal neighbour ends the trend);
  * two out of three consecutive points beyond two sigma (the "close to the limit" band,
    two thirds of the way from the mean to the limit), on the same side of the mean.
- Variation icon (from the latest point): common cause; special cause improving; special
  cause concerning; or special cause "neither" when the measure has no better direction.
- Assurance (against a target): the target outside the limits on the good side means the
  process will consistently pass; on the bad side, consistently fail; inside the limits,
  hit and miss.

Making Data Count advises at least 15 points before drawing limits (ideally 20): with fewer,
`few_points` is set and the sentence says the limits are provisional.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

E2 = 2.66  # 3 / d2 with d2 = 1.128 for moving ranges of two points
SHIFT_POINTS = 7
TREND_POINTS = 7
MIN_POINTS = 15

HIGHER = "higher"
LOWER = "lower"

# Reasons a point is special cause.
OUTSIDE = "outside"
SHIFT = "shift"
TREND = "trend"
NEAR_LIMIT = "two-of-three"

REASON_TEXT = {
    OUTSIDE: "outside the process limits",
    SHIFT: f"part of a run of {SHIFT_POINTS} or more on one side of the mean",
    TREND: f"part of a trend of {TREND_POINTS} or more rising or falling",
    NEAR_LIMIT: "two of three points close to a process limit",
}

# Variation.
COMMON = "common"
IMPROVING = "improving"
CONCERNING = "concerning"
NEITHER = "neither"

VARIATION_TEXT = {
    COMMON: "Common cause variation: no significant change",
    IMPROVING: "Special cause variation: improving",
    CONCERNING: "Special cause variation: concerning",
    NEITHER: "Special cause variation: a change in neither a better nor a worse direction",
    "": "Not enough points to judge variation",
}

# Assurance.
PASS = "pass"  # noqa: S105 (an assurance icon, not a password)
FAIL = "fail"
HIT_AND_MISS = "hit_and_miss"

ASSURANCE_TEXT = {
    PASS: "The process will consistently meet the target",
    FAIL: "The process will consistently miss the target unless something changes",
    HIT_AND_MISS: "The process will sometimes meet and sometimes miss the target",
    "": "No target to assure against",
}


@dataclass(frozen=True)
class Point:
    index: int
    value: float
    moving_range: float | None
    # "high" / "low" per reason: which side of the mean the signal points to.
    signals: tuple[tuple[str, str], ...] = ()

    @property
    def special(self) -> bool:
        return bool(self.signals)

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(reason for reason, _side in self.signals))

    @property
    def sides(self) -> set[str]:
        return {side for _reason, side in self.signals}


@dataclass(frozen=True)
class XmR:
    points: tuple[Point, ...]
    mean: float
    mean_moving_range: float
    upper: float
    lower: float
    near_upper: float
    near_lower: float
    better: str | None
    target: float | None
    variation: str
    assurance: str
    few_points: bool

    def sentence(self, unit: str = "") -> str:
        if not self.points:
            return "There are no values to chart."
        u = f" {unit}" if unit and unit != "percent" else ("%" if unit == "percent" else "")
        n = len(self.points)
        text = (
            f"{n} value{'s' if n != 1 else ''}: mean {self.mean:.1f}{u}, process limits "
            f"{self.lower:.1f}{u} to {self.upper:.1f}{u}. {VARIATION_TEXT[self.variation]}."
        )
        special = sum(1 for p in self.points if p.special)
        if special:
            text += f" {special} point{'s' if special != 1 else ''} show special cause."
        if self.target is not None:
            text += f" {ASSURANCE_TEXT[self.assurance]} ({self.target:g}{u})."
        if self.few_points:
            text += (
                f" With fewer than {MIN_POINTS} points the limits are provisional "
                "(Making Data Count)."
            )
        return text


def _float(value) -> float:
    return float(value) if isinstance(value, Decimal | int | float) else float(str(value))


def moving_ranges(values: Sequence[float]) -> list[float]:
    return [abs(values[i] - values[i - 1]) for i in range(1, len(values))]


def _runs(flags: Sequence[int], length: int) -> list[bool]:
    """Mark every position inside a run of at least `length` equal non-zero flags."""
    marked = [False] * len(flags)
    start = 0
    for i in range(1, len(flags) + 1):
        if i == len(flags) or flags[i] != flags[start]:
            if flags[start] != 0 and i - start >= length:
                for j in range(start, i):
                    marked[j] = True
            start = i
    return marked


def _trend_flags(values: Sequence[float]) -> tuple[list[bool], list[bool]]:
    """(rising, falling) marks for points in a trend of TREND_POINTS or more."""
    n = len(values)
    rising, falling = [False] * n, [False] * n
    # step[i] compares point i with point i-1; a trend of k points has k-1 equal steps.
    steps = [0] + [
        (1 if values[i] > values[i - 1] else -1 if values[i] < values[i - 1] else 0)
        for i in range(1, n)
    ]  # exact comparison: equal neighbours are equal floats, so a tie ends a trend
    i = 1
    while i < n:
        if steps[i] == 0:
            i += 1
            continue
        j = i
        while j + 1 < n and steps[j + 1] == steps[i]:
            j += 1
        # points i-1 .. j move the same way
        if j - (i - 1) + 1 >= TREND_POINTS:
            target = rising if steps[i] > 0 else falling
            for k in range(i - 1, j + 1):
                target[k] = True
        i = j + 1
    return rising, falling


def xmr(
    values: Sequence,
    *,
    better: str | None = None,
    target=None,
    baseline: int | None = None,
) -> XmR:
    """The XmR chart of a series (oldest first). `better` is "higher", "lower" or None;
    `baseline` fixes the mean and limits on the first n points (Making Data Count: fix limits
    once a stable baseline exists, recalculate only at a known change)."""
    xs = [_float(v) for v in values]
    tgt = None if target is None else _float(target)
    n = len(xs)
    base = xs[: baseline or n] if baseline else xs
    mean = sum(base) / len(base) if base else 0.0
    mrs = moving_ranges(base)
    mr_mean = sum(mrs) / len(mrs) if mrs else 0.0
    spread = E2 * mr_mean
    upper, lower = mean + spread, mean - spread
    near_upper, near_lower = mean + spread * 2 / 3, mean - spread * 2 / 3

    # Float sums of equal values can miss the mean by an ulp: compare with a tolerance so that
    # a constant series never signals.
    tol = 1e-9 * max(1.0, abs(mean), spread)
    signals: list[list[tuple[str, str]]] = [[] for _ in xs]
    if n >= 2:
        for i, x in enumerate(xs):
            if x > upper + tol:
                signals[i].append((OUTSIDE, "high"))
            elif x < lower - tol:
                signals[i].append((OUTSIDE, "low"))
        sides = [1 if x > mean + tol else -1 if x < mean - tol else 0 for x in xs]
        for i, inside in enumerate(_runs(sides, SHIFT_POINTS)):
            if inside:
                signals[i].append((SHIFT, "high" if sides[i] > 0 else "low"))
        rising, falling = _trend_flags(xs)
        for i in range(n):
            if rising[i]:
                signals[i].append((TREND, "high"))
            if falling[i]:
                signals[i].append((TREND, "low"))
        if spread > tol:
            _two_of_three(xs, near_upper, near_lower, signals)

    all_mrs = moving_ranges(xs)
    points = tuple(
        Point(
            index=i,
            value=x,
            moving_range=all_mrs[i - 1] if i else None,
            signals=tuple(signals[i]),
        )
        for i, x in enumerate(xs)
    )
    return XmR(
        points=points,
        mean=mean,
        mean_moving_range=mr_mean,
        upper=upper,
        lower=lower,
        near_upper=near_upper,
        near_lower=near_lower,
        better=better,
        target=tgt,
        variation=variation(points, better) if n >= 2 else "",
        assurance=assurance(upper=upper, lower=lower, target=tgt, better=better) if n >= 2 else "",
        few_points=n < MIN_POINTS,
    )


def _two_of_three(xs, near_upper, near_lower, signals) -> None:
    """Two of three consecutive points beyond two sigma on the same side: mark the ones
    beyond it (Making Data Count highlights the points close to the limit)."""
    n = len(xs)
    for side, beyond in (("high", lambda x: x > near_upper), ("low", lambda x: x < near_lower)):
        marked = set()
        for start in range(0, max(n - 2, 0)):
            window = range(start, start + 3)
            hits = [i for i in window if beyond(xs[i])]
            if len(hits) >= 2:
                marked.update(hits)
        for i in sorted(marked):
            if (NEAR_LIMIT, side) not in signals[i]:
                signals[i].append((NEAR_LIMIT, side))


def _good_side(better: str | None) -> str | None:
    return {HIGHER: "high", LOWER: "low"}.get(better or "")


def variation(points: Sequence[Point], better: str | None) -> str:
    """The variation icon from the latest point. A point signalling both ways (a falling
    trend above the mean, say) counts as concerning: the careful reading."""
    if not points:
        return ""
    last = points[-1]
    if not last.special:
        return COMMON
    good = _good_side(better)
    if good is None:
        return NEITHER
    sides = last.sides
    if any(side != good for side in sides):
        return CONCERNING
    return IMPROVING


def assurance(*, upper: float, lower: float, target: float | None, better: str | None) -> str:
    if target is None or better not in (HIGHER, LOWER):
        return ""
    if better == HIGHER:
        if lower > target:
            return PASS
        if upper < target:
            return FAIL
    else:
        if upper < target:
            return PASS
        if lower > target:
            return FAIL
    return HIT_AND_MISS
