import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tendercare.programmes import schedule
from tendercare.programmes.schedule import Rag, TimelineItem

D = dt.date
dates = st.dates(min_value=D(2024, 1, 1), max_value=D(2028, 12, 31))
SVG = "{http://www.w3.org/2000/svg}"


def test_slip_in_days_and_working_days():
    # Six-week delay for NHS England assurance: 2 March 2026 to 13 April 2026. 30 weekdays less
    # Good Friday (3 April) and Easter Monday (6 April).
    s = schedule.slip(D(2026, 3, 2), D(2026, 4, 13))
    assert s.days == 42
    assert s.working_days == 28


def test_milestone_brought_forward_has_negative_slip():
    s = schedule.slip(D(2026, 3, 2), D(2026, 2, 23))
    assert s.days == -7 and s.working_days == -5


@given(dates)
def test_slip_back_to_baseline_is_zero(baseline):
    assert schedule.slip(baseline, baseline) == schedule.Slip(0, 0)


@given(dates, dates)
def test_working_days_never_exceed_calendar_days_and_share_their_sign(baseline, current):
    s = schedule.slip(baseline, current)
    assert abs(s.working_days) <= abs(s.days)
    assert s.working_days * s.days >= 0


@given(dates, dates, dates)
def test_slip_adds_up_across_revisions(baseline, first, second):
    # Revising twice gives the same slip as revising once straight to the final date.
    assert (
        schedule.slip(baseline, first).working_days + schedule.slip(first, second).working_days
        == schedule.slip(baseline, second).working_days
    )


@pytest.mark.parametrize(
    ("days", "kwargs", "expected"),
    [
        (0, {}, Rag.GREEN),
        (-10, {}, Rag.GREEN),
        (1, {}, Rag.AMBER),
        (42, {}, Rag.AMBER),
        (43, {}, Rag.RED),
        (0, {"overdue": True}, Rag.OVERDUE),
        (100, {"completed": True}, Rag.COMPLETE),
        (10, {"red_after": 7}, Rag.RED),
    ],
)
def test_rag(days, kwargs, expected):
    assert schedule.rag(days, **kwargs) == expected


@given(st.integers(-1000, 1000), st.integers(-1000, 1000))
def test_rag_gets_no_better_as_slip_grows(a, b):
    order = [Rag.GREEN, Rag.AMBER, Rag.RED]
    lo, hi = min(a, b), max(a, b)
    assert order.index(schedule.rag(lo)) <= order.index(schedule.rag(hi))


@given(st.integers(1, 5), st.integers(1, 5))
def test_risk_score_is_1_to_25_and_has_a_band(likelihood, impact):
    score = schedule.risk_score(likelihood, impact)
    assert 1 <= score <= 25
    code, label = schedule.risk_rating(score)
    assert code in {"low", "medium", "high", "very_high"} and label


@pytest.mark.parametrize(
    ("likelihood", "impact", "band"),
    [
        (1, 4, "low"),
        (1, 5, "medium"),
        (3, 3, "medium"),
        (2, 5, "high"),
        (4, 4, "high"),
        (4, 5, "very_high"),
        (5, 5, "very_high"),
    ],
)
def test_risk_bands(likelihood, impact, band):
    assert schedule.risk_rating(schedule.risk_score(likelihood, impact))[0] == band


@pytest.mark.parametrize(("likelihood", "impact"), [(0, 3), (6, 1), (3, 0)])
def test_risk_score_outside_the_scale_is_refused(likelihood, impact):
    with pytest.raises(ValueError):
        schedule.risk_score(likelihood, impact)


# Timeline chart -------------------------------------------------------------------------------

labels = st.text(min_size=1, max_size=60)
items = st.lists(
    st.builds(TimelineItem, label=labels, baseline=dates, current=dates, completed=st.booleans()),
    min_size=1,
    max_size=12,
)


def _numbers(root, attrs):
    for element in root.iter():
        for attr in attrs:
            if attr in element.attrib:
                yield float(element.attrib[attr])


@given(items)
def test_timeline_is_well_formed_and_stays_on_the_canvas(timeline):
    svg = schedule.timeline_svg(timeline, title='Milestones <&> "quoted"')
    root = ET.fromstring(svg)  # noqa: S314 (our own output, well formed: labels escaped)
    width = float(root.attrib["width"])
    assert all(0 <= x <= width for x in _numbers(root, ("x", "x1", "x2", "cx")))
    for polygon in root.iter(f"{SVG}polygon"):
        for point in polygon.attrib["points"].split():
            assert 0 <= float(point.split(",")[0]) <= width
    assert "style=" not in svg
    # One baseline diamond and one current circle per milestone (plus the legend's).
    assert len(list(root.iter(f"{SVG}polygon"))) == len(timeline) + 1
    assert len(list(root.iter(f"{SVG}circle"))) == len(timeline) + 1


def test_timeline_is_accessible_and_distinguishes_baseline_from_current():
    svg = schedule.timeline_svg(
        [
            TimelineItem("Contract award <script>", D(2026, 3, 2), D(2026, 4, 13)),
            TimelineItem("Go live", D(2026, 11, 1), D(2026, 11, 1), completed=True),
        ],
        title="Home care timeline",
    )
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    assert root.attrib["role"] == "img"
    assert root.find(f"{SVG}title").text == "Home care timeline"
    assert "<script>" not in svg and "Contract award &lt;script&gt;" in svg
    assert "Baseline date" in svg and "Current date" in svg  # legend names the shapes
    assert "moved 42 days later" in svg
    assert 'class="tc-timeline__slip"' in svg  # dashed line only where the date moved
    assert svg.count('class="tc-timeline__slip"') == 1
    assert "tc-timeline__done" in svg


def test_empty_timeline_says_so():
    svg = schedule.timeline_svg([], title="Nothing yet")
    ET.fromstring(svg)  # noqa: S314 (our own output)
    assert "No milestones yet" in svg
