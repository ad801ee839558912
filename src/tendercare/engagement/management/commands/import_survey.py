"""tendercare import survey FILE --activity ID [--dry-run]: survey responses for an activity."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, Progress, TextColumn

from tendercare.engagement.models import Activity
from tendercare.engagement.services import survey_import
from tendercare.engagement.survey_rows import TEMPLATE_HEADER


class Command(BaseCommand):
    help = f"Import survey responses (CSV or XLSX, one row a respondent) with: {TEMPLATE_HEADER}"

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8) or .xlsx file")
        parser.add_argument("--activity", type=int, required=True, help="the activity's id")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and report; save nothing"
        )

    def handle(self, *args, file, activity, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        found = Activity.objects.filter(pk=activity).first()
        if found is None:
            raise CommandError(f"No activity with id {activity}")
        with (
            Progress(
                TextColumn("Checking responses"),
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

            result = survey_import(
                activity=found, file=handle, filename=path.name, dry_run=dry_run, progress=report
            )
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(result.summary())
        if result.created or dry_run:
            self.stdout.write(result.summary())
        for note in result.notes:
            self.stdout.write(note[:1].upper() + note[1:])
