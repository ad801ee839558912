"""`tendercare report scrutiny PROGRAMME_REF --output FILE.pdf [--html FILE.html] [--briefing]`:
a programme's committee update (or engagement briefing note) as tagged PDF and, optionally,
HTML, read as a councillor of the programme's owner would read it, every count of people
disclosure-controlled."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from tendercare.scrutiny import pdf, report, report_queries, report_services


class Command(BaseCommand):
    help = "Write a programme's committee update (or engagement briefing note) as PDF and HTML"

    def add_arguments(self, parser):
        parser.add_argument("ref", help="The programme's reference, e.g. MED-HC-2026")
        parser.add_argument("--output", "-o", help="The PDF file to write")
        parser.add_argument("--html", help="Also write the report as an HTML file")
        parser.add_argument(
            "--briefing", action="store_true", help="The engagement briefing note instead"
        )
        parser.add_argument(
            "--as-of", dest="as_of", help="The date the report is at (YYYY-MM-DD; today)"
        )
        parser.add_argument(
            "--public",
            action="store_true",
            help="Only what is published (as the public pages and a published report show)",
        )

    def handle(self, *args, ref, output, html, briefing, as_of, public, **options):
        if not output and not html:
            raise CommandError("Say where to write the report: --output FILE.pdf or --html FILE")
        try:
            day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
        except ValueError as e:
            raise CommandError(f"--as-of {as_of!r} is not a date: use YYYY-MM-DD") from e
        try:
            programme = report_queries.programme_by_ref(ref)
        except DatabaseError as e:
            raise CommandError(
                f"Cannot read the database ({e}): has `tendercare migrate` run?"
            ) from e
        if programme is None:
            raise CommandError(f"No programme has the reference {ref!r}")
        kind = "engagement_briefing" if briefing else "committee_update"
        doc = report.build(kind, programme, as_of=day, public=public)
        body = report_services.render_body(doc)
        if html:
            Path(html).write_text(pdf.document_html(doc, body, styled=True), encoding="utf-8")
            self.stdout.write(f"Wrote {html}")
        if output:
            self.stdout.write(f"Rendering {doc.title} as tagged PDF...")
            Path(output).write_bytes(pdf.render_pdf(doc, body))
            self.stdout.write(f"Wrote {output}")
        if doc.suppressed:
            self.stdout.write(f"{doc.suppressed} count(s) withheld by disclosure control")
