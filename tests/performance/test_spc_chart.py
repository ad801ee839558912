"""The SPC chart: accessible SVG, shapes not only colours, the table rows and the macro."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.template import engines

from tendercare.performance import spc_chart

MONTHS = [dt.date(2024 + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(12)]


def series(values):
    return list(zip(MONTHS, values, strict=False))


def test_the_svg_is_labelled_and_marks_special_cause_by_shape():
    values = [Decimal(v) for v in (90, 91, 89, 90, 92, 88, 90, 91, 89, 90, 91, 60)]
    # limits fixed on the first 11 months, so the drop does not drag the mean below them
    panel = spc_chart.panel(
        series(values),
        better="higher",
        target=95,
        unit="percent",
        title="Visits on time",
        baseline=11,
    )
    svg = str(panel.svg)
    assert 'role="img"' in svg
    assert 'aria-labelledby="spc-chart-title spc-chart-desc"' in svg
    assert '<title id="spc-chart-title">Visits on time</title>' in svg
    assert "style=" not in svg
    # the last point is outside the lower limit: a concerning diamond (a polygon), orange
    assert panel.rows[-1].kind == "concerning"
    assert "outside the process limits" in panel.rows[-1].signal
    assert svg.count("<circle") == 11 + 1  # 11 common points and the legend's circle
    assert 'fill="#f47738"' in svg
    assert "Target: 95.0%" in svg
    assert panel.rows[0].label == "Apr 2024"
    assert panel.rows[1].moving_range == "1.0"
    assert "Special cause variation: concerning" in panel.sentence


def test_months_without_a_value_are_named():
    panel = spc_chart.panel([(MONTHS[0], 5), (MONTHS[1], None), (MONTHS[2], 6)])
    assert len(panel.rows) == 2
    assert "May 2024" in panel.sentence


def test_labels_are_escaped_and_ids_checked():
    panel = spc_chart.panel([("<b>", 1), ("x", 2)], title="<script>")
    assert "<script>" not in str(panel.svg)
    with pytest.raises(ValueError):
        spc_chart.panel([("a", 1)], chart_id="1 bad")


def test_an_empty_series_draws_an_empty_chart():
    panel = spc_chart.panel([])
    assert panel.rows == ()
    assert "no values" in str(panel.svg)


def test_the_macro_puts_the_table_beside_the_chart():
    panel = spc_chart.panel(
        series(range(12)), better="lower", target=3, unit="percent", title="Missed visits"
    )
    env = engines["jinja2"].env
    html = env.from_string(
        '{% from "performance/spc_macros.html" import spc_chart %}{{ spc_chart(panel) }}'
    ).render(panel=panel)
    assert "<svg" in html and "<table" in html
    assert html.count('scope="row"') == 12
    assert "Missed visits: the chart" in html
    assert re.search(r"trend of 7 or more", html)
