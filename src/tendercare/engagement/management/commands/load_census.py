"""tendercare load census FILE --table TS008|TS021|TS038|TS039 [--dry-run]: a Census 2021
local-authority table in the ONS / Nomis bulk CSV layout (docs/engagement.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tendercare.engagement.census import TABLES
from tendercare.engagement.services import census_load


class Command(BaseCommand):
    help = (
        "Load a Census 2021 table for local authorities (Nomis bulk CSV, e.g. "
        "census2021-ts021-ltla.csv) into the population reach is measured against"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the table's CSV (or XLSX)")
        parser.add_argument("--table", required=True, choices=sorted(TABLES), type=str.upper)
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and report; save nothing"
        )

    def handle(self, *args, file, table, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        with path.open("rb") as handle:
            result = census_load(file=handle, filename=path.name, table=table, dry_run=dry_run)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(result.errors)} problem{'s' if len(result.errors) != 1 else ''} found "
                f"in {path.name}; nothing was saved."
            )
        self.stdout.write(
            f"{result.rows:,} areas read: {result.created:,} figures created, "
            f"{result.updated:,} updated" + (" (dry run: nothing saved)" if dry_run else "") + "."
        )
        for note in result.notes:
            self.stdout.write(note[:1].upper() + note[1:])
