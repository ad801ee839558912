"""tendercare import contracts FILE [--dry-run]: import a register from CSV or XLSX."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, Progress, TextColumn

from tendercare.contracts.importing import TEMPLATE_HEADER
from tendercare.contracts.services import contracts_import


class Command(BaseCommand):
    help = f"Import contracts from a CSV or XLSX file with the header: {TEMPLATE_HEADER}"

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8) or .xlsx file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and report; save nothing"
        )

    def handle(self, *args, file, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        with (
            Progress(
                TextColumn("Checking rows"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                transient=True,
                disable=options.get("verbosity", 1) < 1,
            ) as progress,
            path.open("rb") as handle,
        ):
            task = progress.add_task("import", total=None)

            def report(done, total):
                progress.update(task, completed=done, total=total)

            result = contracts_import(
                file=handle, filename=path.name, by=None, dry_run=dry_run, progress=report
            )
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(result.summary())
        self.stdout.write(result.summary())
        for note in result.notes:
            self.stdout.write(note[:1].upper() + note[1:])
