"""tendercare import visits FILE --owner NAME: check and store a visit file (CSV, XLSX or
Parquet); all or nothing, with every problem listed by row and column."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from tendercare.organisations.queries import organisation_by_name
from tendercare.performance.models import VisitImport
from tendercare.performance.visits import visit_import


class Command(BaseCommand):
    help = "Import electronic call monitoring visit records (CSV, XLSX or Parquet)"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--owner", required=True, help="the commissioning body's name")

    def handle(self, *args, file, owner, **options):
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
