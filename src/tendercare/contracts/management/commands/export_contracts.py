"""tendercare export contracts --format csv|xlsx --output FILE [--organisation NAME]."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tendercare.contracts import queries
from tendercare.core import exports
from tendercare.organisations.queries import organisation_by_name


class Command(BaseCommand):
    help = "Export the contract register (all of it, or one organisation's) to CSV or XLSX"

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", required=True, help="file to write")
        parser.add_argument(
            "--organisation",
            help="only contracts this body (or one merged into it) commissions or provides",
        )

    def handle(self, *args, format, output, organisation=None, **options):
        scope = None
        if organisation:
            scope = organisation_by_name(organisation)
            if scope is None:
                raise CommandError(f"No organisation called '{organisation}'")
        contracts = queries.contracts_for_export(organisation=scope)
        rows = queries.export_rows(contracts)
        body = exports.export(format, queries.EXPORT_HEADER, rows, sheet_title="Contracts")
        try:
            Path(output).write_bytes(body)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}") from exc
        self.stdout.write(f"Wrote {len(rows)} contracts to {output}")
