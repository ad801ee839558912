"""What a report is made of: sections of paragraphs, facts, tables and a chart, which the
page, the PDF, the API and the command print alike (jinja2/scrutiny/report_body.html)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from markupsafe import Markup


@dataclass
class Table:
    caption: str
    head: list[str]
    rows: list[list[str]]
    numeric: set[int] = field(default_factory=set)  # right-aligned columns
    row_headers: bool = True  # the first cell of each row is its header


@dataclass
class Section:
    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    chart: Markup | None = None
    chart_summary: str = ""
    items: list[str] = field(default_factory=list)
    empty: str = ""  # said instead of the content when there is nothing to show

    @property
    def has_content(self) -> bool:
        return bool(self.paragraphs or self.facts or self.tables or self.chart or self.items)


@dataclass
class Document:
    kind: str  # Report.Kind value
    title: str
    programme: object
    as_of: dt.date
    public: bool
    sections: list[Section]
    suppressed: int = 0  # how many counts disclosure control withheld

    @property
    def contents(self) -> list[tuple[str, str]]:
        return [(s.id, s.title) for s in self.sections]
