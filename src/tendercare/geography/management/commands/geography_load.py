"""`tendercare geography load [--source DIR] [--lads CODES]`: import ONS geography."""

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tendercare.geography.services import GeographyLoadError, geography_load


class Command(BaseCommand):
    help = (
        "Load local authorities, wards, LSOAs (population, IMD 2025, RUC 2021) and postcodes. "
        "Without --source, loads the extracts shipped with Tendercare (seed areas)."
    )

    def add_arguments(self, parser):
        parser.add_argument("source_dir", nargs="?", help="same as --source")
        parser.add_argument("--source", help="folder of ONS files named as in SOURCES.md")
        parser.add_argument(
            "--lads", default="", help="comma-separated local authority codes (default: all)"
        )

    def handle(self, *args, source=None, source_dir=None, lads="", **options):
        source = source or source_dir
        codes = [c for c in lads.split(",") if c.strip()] or None
        console = Console(file=self.stdout, stderr=False)
        columns = (
            TextColumn("{task.description:<36}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        tasks: dict[str, int] = {}
        with Progress(*columns, console=console, transient=False) as bar:

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total or 1)
                if total:
                    bar.update(tasks[stage], completed=done, total=total)
                else:
                    bar.update(tasks[stage], completed=1, total=1)

            try:
                summary = geography_load(source=source, lads=codes, progress=progress)
            except GeographyLoadError as exc:
                raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Loaded {summary.places} local authorities, {summary.wards} wards, "
            f"{summary.lsoas} LSOAs and {summary.postcodes:,} postcodes "
            f"({summary.created.get('lsoas', 0)} LSOAs new; "
            f"{summary.localities_created} localities and {summary.bands_created} band mappings "
            f"created) in {summary.seconds:.1f}s from {summary.source}"
        )
