"""tendercare import_commissioned_hours FILE --owner NAME [--dry-run]: a year's commissioned
hours and current spend by locality or zone and band, from CSV or XLSX, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tendercare.organisations.queries import organisation_by_name
from tendercare.pricing.submissions import HOURS_COLUMNS, commissioned_hours_import


class Command(BaseCommand):
    help = "Import commissioned hours from a CSV or XLSX file with the columns: " + ",".join(
        HOURS_COLUMNS.all
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8) or .xlsx file")
        parser.add_argument("--owner", required=True, help="the commissioning body's name")
        parser.add_argument("--dry-run", action="store_true", help="check only; save nothing")

    def handle(self, *args, file, owner, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        organisation = organisation_by_name(owner)
        if organisation is None:
            raise CommandError(f"No organisation called {owner!r}")
        with path.open("rb") as handle:
            result = commissioned_hours_import(
                file=handle, filename=path.name, owner=organisation, by=None, dry_run=dry_run
            )
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(result.summary())
        self.stdout.write(result.summary())
