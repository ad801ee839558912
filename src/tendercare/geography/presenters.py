"""Turn an area profile into what a page shows: charts, and tables with the same numbers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from markupsafe import Markup

from tendercare.core.charts import Bar, Segment, bar_chart, stacked_bar_chart

from .models import SOURCE_CENSUS, SOURCE_IMD, SOURCE_RUC
from .profiles import RURALITY_BANDS

BAND_LABELS = dict(RURALITY_BANDS)
# Bands from densest to sparsest, in colours that read as a sequence (GOV.UK palette).
BAND_COLOURS = ("#1d70b8", "#00703c", "#f47738", "#912b88", "#505a5f")
# RUC2021 classes in the order ONS lists them, densest first.
RUC_ORDER = {code: i for i, code in enumerate(["UN1", "UF1", "RLN1", "RLF1", "RSN1", "RSF1"])}
SOURCE_BANDS = "Tendercare rurality band mapping (editable), applied to " + SOURCE_RUC


def decimal(value: Fraction | float | None) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(str(value))


def pct(value: Fraction) -> str:
    d = (decimal(value) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{d}%"


@dataclass(frozen=True)
class Figure:
    chart: Markup
    rows: list[dict]
    sentence: str
    source: str


def age_figure(area, chart_id: str = "age") -> Figure:
    p = area.profile
    rows = [
        {"label": b.label, "population": b.population, "share": pct(b.share)} for b in p.age_bands
    ]
    chart = bar_chart(
        [Bar(r["label"], r["population"], f"{r['population']:,}") for r in rows],
        chart_id=chart_id,
        title=f"Usual residents of {area.name} by age band",
        description=", ".join(f"{r['label']}: {r['population']:,}" for r in rows),
    )
    sentence = (
        f"The chart shows how many of the {p.total:,} usual residents of {area.name} fall in each "
        f"age band at the 2021 Census; {pct(p.share_65_plus)} are aged 65 or over."
    )
    return Figure(chart, rows, sentence, SOURCE_CENSUS)


def imd_figure(area, chart_id: str = "imd") -> Figure:
    p = area.profile
    rows = [
        {
            "label": d.label
            + (" (most deprived)" if d.key == "1" else "")
            + (" (least deprived)" if d.key == "10" else ""),
            "decile": int(d.key),
            "lsoas": d.count,
            "population": d.population,
            "share": pct(d.share),
        }
        for d in p.imd_deciles
    ]
    chart = bar_chart(
        [Bar(f"Decile {r['decile']}", r["population"], f"{r['population']:,}") for r in rows],
        chart_id=chart_id,
        title=f"Residents of {area.name} by national deprivation decile",
        description=", ".join(f"decile {r['decile']}: {r['population']:,}" for r in rows),
        label_width=110,
    )
    sentence = (
        f"The chart shows how many residents of {area.name} live in LSOAs of each national "
        "deprivation decile, from 1 (the most deprived 10% of areas in England) to 10 (the "
        f"least deprived); {pct(p.population_most_deprived_20)} live in the most deprived 20%."
    )
    return Figure(chart, rows, sentence, SOURCE_IMD)


def rurality_figure(area, mapping, chart_id: str = "rurality") -> Figure:
    """mapping: RuralityBand rows, to say which RUC2021 classes make up each band."""
    p = area.profile
    codes: dict[str, list[str]] = {}
    for m in sorted(mapping, key=lambda m: (RUC_ORDER.get(m.ruc_code, 99), m.ruc_code)):
        codes.setdefault(m.band, []).append(m.ruc_code)
    rows = [
        {
            "key": s.key,
            "label": s.label,
            "ruc_codes": ", ".join(codes.get(s.key, [])),
            "lsoas": s.count,
            "population": s.population,
            "share": pct(s.share),
        }
        for s in p.rurality
    ]
    chart = stacked_bar_chart(
        [Segment(r["label"], r["population"], f"{r['population']:,} ({r['share']})") for r in rows],
        chart_id=chart_id,
        title=f"Residents of {area.name} by rurality band",
        description=", ".join(f"{r['label']}: {r['population']:,} ({r['share']})" for r in rows),
        colours=BAND_COLOURS,
    )
    sentence = (
        f"The chart splits the residents of {area.name} by the home-care pricing band of the "
        "LSOA they live in (urban, fringe, rural or isolated)."
    )
    return Figure(chart, rows, sentence, SOURCE_BANDS)


def area_figures(area, mapping) -> dict:
    return {
        "age": age_figure(area),
        "imd": imd_figure(area),
        "rurality": rurality_figure(area, mapping),
        "share_65_plus": pct(area.profile.share_65_plus),
        "most_deprived_20": pct(area.profile.population_most_deprived_20),
        "mean_decile": (
            f"{area.mean_decile:.1f}" if area.mean_decile is not None else "Not available"
        ),
        "band_labels": BAND_LABELS,
    }
