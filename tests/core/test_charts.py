import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from tendercare.core.charts import (
    Bar,
    Segment,
    bar_chart,
    bar_layout,
    stacked_bar_chart,
    stacked_layout,
)


def widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect x="[^"]+" y="[^"]+" width="([^"]+)"', svg)]


def test_bar_widths_are_proportional_to_values():
    svg = bar_chart(
        [Bar("a", 10), Bar("b", 20), Bar("c", 5)],
        chart_id="c1",
        title="T",
        description="D",
        width=500,
        label_width=100,
        value_width=100,
    )
    assert widths(svg) == [150.0, 300.0, 75.0]


def test_chart_is_labelled_for_assistive_technology():
    svg = str(bar_chart([Bar("a", 1)], chart_id="pop", title="Population", description="Desc"))
    assert 'role="img"' in svg
    assert 'aria-labelledby="pop-title pop-desc"' in svg
    assert '<title id="pop-title">Population</title>' in svg
    assert '<desc id="pop-desc">Desc</desc>' in svg
    assert "style=" not in svg


def test_labels_and_titles_are_escaped():
    svg = str(
        bar_chart(
            [Bar("<script>x</script> & co", 3, display='"3"')],
            chart_id="x",
            title="<b>t</b>",
            description="a & b",
        )
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;x&lt;/script&gt; &amp; co" in svg
    assert "&lt;b&gt;t&lt;/b&gt;" in svg
    assert "&#34;3&#34;" in svg


def test_chart_id_must_be_safe():
    with pytest.raises(ValueError):
        bar_chart([Bar("a", 1)], chart_id='x" onload="y', title="t", description="d")


def test_all_zero_values_draw_empty_bars():
    assert widths(
        bar_chart([Bar("a", 0), Bar("b", 0)], chart_id="z", title="t", description="d")
    ) == [0, 0]


def test_markup_is_safe_to_embed_in_jinja():
    from jinja2 import Environment

    env = Environment(autoescape=True)
    out = env.from_string("{{ chart }}").render(
        chart=bar_chart([Bar("a", 1)], chart_id="j", title="t", description="d")
    )
    assert out.startswith("<svg")


def test_stacked_bar_has_legend_with_values():
    svg = str(
        stacked_bar_chart(
            [Segment("Urban", 3, "3 LSOAs"), Segment("Rural", 1)],
            chart_id="s",
            title="Mix",
            description="d",
            width=400,
        )
    )
    assert "Urban: 3 LSOAs" in svg
    assert "Rural: 1" in svg
    assert widths(svg)[:2] == [300.0, 100.0]


values = st.lists(st.floats(min_value=-10, max_value=1e9, allow_nan=False), max_size=20)


@given(values, st.integers(min_value=10, max_value=2000))
def test_no_bar_exceeds_the_plot_width(vals, plot_width):
    layout = bar_layout([Bar(str(i), v) for i, v in enumerate(vals)], plot_width=plot_width)
    for g in layout:
        assert 0 <= g.width <= plot_width + 1e-9
    if vals and max(vals) > 0:
        assert max(g.width for g in layout) == pytest.approx(plot_width)


@given(values, st.integers(min_value=10, max_value=2000))
def test_stacked_segments_fill_the_bar_exactly(vals, plot_width):
    layout = stacked_layout([Segment(str(i), v) for i, v in enumerate(vals)], plot_width=plot_width)
    total = sum(w for _, w in layout)
    if any(v > 0 for v in vals):
        assert total == pytest.approx(plot_width)
    else:
        assert total == 0
    for x, w in layout:
        assert x + w <= plot_width + 1e-6


@given(st.text(max_size=40))
def test_any_label_is_escaped(label):
    svg = str(bar_chart([Bar(label, 1)], chart_id="h", title="t", description="d"))
    assert svg.count("<text") == 2
    assert str(escape(label)) in svg
