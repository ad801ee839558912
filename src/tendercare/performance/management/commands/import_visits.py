"""tendercare import visits FILE --owner NAME: check and store a visit file (CSV, XLSX or
Parquet); all or nothing, with every problem listed by row and column. Once stored, the KPIs
of the file's months (and of the months whose windows reach them) are recomputed, as
`tendercare compute kpis` would, unless --no-kpis is given."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from tendercare.organisations.queries import organisation_by_name
from tendercare.performance.models import VisitImport
from tendercare.performance.visits import kpis_after_import, kpis_command, visit_import


class Command(BaseCommand):
    help = "Import electronic call monitoring visit records (CSV, XLSX or Parquet)"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--owner", required=True, help="the commissioning body's name")
        parser.add_argument(
            "--no-kpis",
            action="store_true",
            help="store the visits only; run `tendercare compute kpis` later",
        )

    def handle(self, *args, file, owner, no_kpis=False, **options):
        organisation = organisation_by_name(owner)
        if organisation is None or not organisation.is_commissioner:
            raise CommandError(f"No commissioning body called {owner!r}")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file}")
        console = Console(file=self.stdout._out)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("Starting", total=100)
            vi = visit_import(
                file=path,
                filename=path.name,
                owner=organisation,
                by=None,
                progress=lambda percent, text: progress.update(
                    task, completed=percent, description=text
                ),
            )
        if vi.status == VisitImport.Status.FAILED:
            for row, column, message in vi.errors:
                where = f"row {row}, column {column}" if column else f"row {row}" if row else ""
                console.print(f"{where}: {message}" if where else message, markup=False)
            raise CommandError(vi.message)
        self.stdout.write(f"Import {vi.pk}: {vi.message}")
        if vi.status != VisitImport.Status.DONE or not vi.months:
            return
        if no_kpis:
            self.stdout.write(f"KPIs not recomputed (--no-kpis): run {kpis_command(vi, vi.months)}")
            return
        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console
        ) as progress:
            task = progress.add_task("Recomputing KPIs", total=None)
            run = kpis_after_import(
                vi, progress=lambda text: progress.update(task, description=text)
            )
            progress.update(task, description="Done")
        if run is None:
            vi.refresh_from_db()
            raise CommandError(f"The visits are stored. {vi.message}")
        self.stdout.write(run.summary())
        if not run.travel_bands:
            self.stdout.write("No pricing scenario: travel against the model was not worked out.")
