"""tendercare travel_run --visits F --carers F --zone NAME --week-start YYYY-MM-DD
    [--detour 1.3] [--speed BAND=MPH ...]

Imports a zone's week of visits and carer shifts, builds carer runs day by day and prints
travel minutes and miles per contact hour by band, and the visits left unserved by band. A bad
file, detour factor or speed writes nothing and exits non-zero with every error (row and
column).
"""

import datetime as dt
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tendercare.organisations.queries import organisation_by_name
from tendercare.pricing import travel


class Command(BaseCommand):
    help = "Build carer runs for a zone-week and measure travel per contact hour by band"

    def add_arguments(self, parser):
        parser.add_argument("--visits", required=True, help="visits file (.csv or .xlsx)")
        parser.add_argument("--carers", required=True, help="carers file (.csv or .xlsx)")
        parser.add_argument("--matrix", help="optional LSOA travel matrix: from_lsoa,to_lsoa,...")
        parser.add_argument("--zone", required=True)
        parser.add_argument("--week-start", required=True, help="YYYY-MM-DD")
        parser.add_argument("--owner", help="organisation name (default: the first council)")
        parser.add_argument("--seconds-per-day", type=int, default=5)
        parser.add_argument(
            "--detour",
            help=f"road miles for each straight-line mile, {travel.MIN_DETOUR} to "
            f"{travel.MAX_DETOUR} (default {travel.DEFAULT_DETOUR})",
        )
        parser.add_argument(
            "--speed",
            action="append",
            default=[],
            metavar="BAND=MPH",
            help="door-to-door speed for a band, repeatable (defaults: "
            + ", ".join(f"{band}={mph}" for band, mph in travel.DEFAULT_SPEEDS.items())
            + ")",
        )

    def handle(self, *args, **options):
        try:
            week_start = dt.date.fromisoformat(options["week_start"])
        except ValueError:
            raise CommandError("--week-start must be a date like 2026-03-02") from None
        speeds = self._speeds(options.get("speed") or [])
        owner = self._owner(options.get("owner"))
        paths = {k: options.get(k) for k in ("visits", "carers", "matrix")}
        for label, path in paths.items():
            if path and not Path(path).is_file():
                raise CommandError(f"No such {label} file: {path}")
        with ExitStack() as stack:
            handles = {k: stack.enter_context(Path(p).open("rb")) for k, p in paths.items() if p}
            result = travel.travel_import(
                owner=owner,
                by=None,
                zone=options["zone"],
                week_start=week_start,
                visits=handles["visits"],
                visits_filename=Path(paths["visits"]).name,
                carers=handles["carers"],
                carers_filename=Path(paths["carers"]).name,
                matrix=handles.get("matrix"),
                matrix_filename=Path(paths["matrix"]).name if paths["matrix"] else "",
                seconds_per_day=options["seconds_per_day"],
                detour=options.get("detour"),
                speeds=speeds,
            )
        if not result.ok:
            for message in result.messages():
                self.stderr.write(message)
            raise CommandError(f"{len(result.errors)} problem(s) found; nothing was saved.")
        run = result.run
        self.stdout.write(
            f"Travel run {run.pk}: {run.visits.count()} visits, {run.carers.count()} carer shifts"
        )
        with Progress(
            TextColumn("Routing days"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            transient=True,
            disable=options.get("verbosity", 1) < 1,
        ) as progress:
            task = progress.add_task("days", total=None)
            run = travel.run_travel(
                run, on_day=lambda done, total: progress.update(task, completed=done, total=total)
            )
        self.stdout.write(run.message)
        if run.status != run.Status.DONE:
            raise CommandError(f"Travel run {run.pk} failed")
        self._print(run)

    def _speeds(self, given: list[str]) -> dict[str, str]:
        """--speed rural=25 --speed urban=10 -> {"rural": "25", "urban": "10"}; travel_import
        checks the bands and numbers."""
        speeds = {}
        for text in given:
            band, sep, mph = text.partition("=")
            if not sep or not band.strip() or not mph.strip():
                raise CommandError(f"--speed must be BAND=MPH, like rural=25 (not {text!r})")
            speeds[band.strip().lower()] = mph.strip()
        return speeds

    def _owner(self, name):
        from tendercare.organisations.models import Organisation

        if name:
            owner = organisation_by_name(name)
            if owner is None:
                raise CommandError(f"No organisation called {name}")
            return owner
        owner = Organisation.objects.filter(kind="council").order_by("pk").first()
        if owner is None:
            raise CommandError("Give --owner: there is no council to own the run")
        return owner

    def _print(self, run):
        table = Table(title=f"Travel by band ({travel.source_line(run)})")
        for heading in (
            "Band",
            "Visits",
            "Contact hours",
            "Travel minutes per contact hour",
            "Miles per contact hour",
        ):
            table.add_column(heading, justify="left" if heading == "Band" else "right")
        for result in run.band_results.all():
            table.add_row(
                result.get_band_display(),
                str(result.visits),
                str(result.contact_hours),
                str(Decimal(result.minutes_per_contact_hour).quantize(Decimal("0.01"))),
                str(Decimal(result.miles_per_contact_hour).quantize(Decimal("0.01"))),
            )
        console = Console(file=self.stdout._out, width=120)
        console.print(table)
        unserved = travel.unserved_summary(run)
        if unserved.bands:
            left = Table(title="Visits not served by band")
            for heading in ("Band", "Visits not served", "Contact hours not served"):
                left.add_column(heading, justify="left" if heading == "Band" else "right")
            for line in [*unserved.bands, unserved.total]:
                left.add_row(line.label, str(line.visits), str(line.contact_hours))
            console.print(left)
        self.stdout.write(unserved.sentence())
