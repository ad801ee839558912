"""`tendercare geography_extract --from DIR`: rebuild the compact extracts in geography/data/."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tendercare.geography.extract import DATA_DIR, build_extracts


class Command(BaseCommand):
    help = "Rebuild the shipped ONS extracts (seed local authorities) from the full files."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, help="folder of ONS files")
        parser.add_argument("--out", default=str(DATA_DIR), help="where to write the extracts")

    def handle(self, *args, source, out, **options):
        try:
            counts = build_extracts(
                Path(source), Path(out), note=lambda s: self.stdout.write(f"  {s}")
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for name, count in counts.items():
            self.stdout.write(f"{count:>8,} rows  {name}.gz")
