"""Reports as tagged PDF (PDF/UA-1) with WeasyPrint: a structure tree that screen readers
follow, the document language (en-GB) and its title in the metadata, shown as the window
title. The HTML is the same as the page's; print styles replace GOV.UK Frontend's."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from markupsafe import Markup

PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm;
  @bottom-left { content: string(title); font-size: 8pt; color: #505a5f; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; } }
html { font-family: Arial, "Liberation Sans", sans-serif; font-size: 10pt; color: #0b0c0c; }
h1 { font-size: 18pt; margin: 0 0 8pt; string-set: title content(); }
h2 { font-size: 13pt; margin: 16pt 0 6pt; break-after: avoid; }
.tc-report__section { break-inside: auto; }
.govuk-caption-l { display: block; color: #505a5f; font-size: 11pt; }
.govuk-body-s { font-size: 9pt; }
table { border-collapse: collapse; width: 100%; margin: 0 0 10pt; }
caption { text-align: left; font-weight: bold; padding-bottom: 4pt; }
th, td { border-bottom: 1px solid #b1b4b6; padding: 3pt 4pt; text-align: left;
  vertical-align: top; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
.govuk-table__header--numeric, .govuk-table__cell--numeric { text-align: right; }
dl { display: table; width: 100%; margin: 0 0 10pt; }
dl > div { display: table-row; }
dt, dd { display: table-cell; padding: 2pt 4pt; border-bottom: 1px solid #b1b4b6; }
dt { font-weight: bold; width: 35%; }
ol, ul { margin: 0 0 8pt; padding-left: 16pt; }
a { color: #1d70b8; }
figure { margin: 0 0 10pt; }
svg.tc-chart { max-width: 100%; height: auto; }
svg text { font-size: 12px; font-family: Arial, sans-serif; fill: #0b0c0c; }
.govuk-visually-hidden { position: absolute; left: -9999px; }
"""


def _chart_css() -> str:
    # The milestone timeline's classes (programmes' stylesheet), so the PDF draws it alike.
    path = settings.BASE_DIR / "core" / "static" / "programmes.css"
    try:
        return "\n".join(
            line for line in path.read_text().splitlines() if line.startswith(".tc-timeline")
        )
    except OSError:  # pragma: no cover - the stylesheet ships with the code
        return ""


def document_html(doc, body: str, *, styled: bool = False) -> str:
    """The whole HTML document (language, title, author) around the report's body; `styled`
    puts the print styles in it, for an HTML file read on its own."""
    css = Markup(PRINT_CSS + _chart_css()) if styled else ""  # noqa: S704 - our constant
    return render_to_string(
        "scrutiny/report_document.html",
        {"doc": doc, "body": Markup(body), "css": css},  # noqa: S704 - rendered by our template
    )


def render_pdf(doc, body: str) -> bytes:
    from weasyprint import CSS, HTML

    html = document_html(doc, body)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(string=PRINT_CSS + _chart_css())],
        pdf_variant="pdf/ua-1",
        pdf_tags=True,
    )
