"""tendercare compute kpis --owner NAME [--month YYYY-MM ...] [--scenario ID]: the KPI engine
over an owner's stored visits; replaces that owner's KPI results for the months computed."""

from __future__ import annotations

import re
import time

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from tendercare.organisations.queries import organisation_by_name
from tendercare.performance import kpi_engine

MONTH = re.compile(r"^\d{4}-\d{2}$")


class Command(BaseCommand):
    help = "Compute every visit KPI per provider, zone and month from the visit store"

    def add_arguments(self, parser):
        parser.add_argument("--owner", required=True, help="the commissioning body's name")
        parser.add_argument(
            "--month", action="append", default=[], help="YYYY-MM (repeat; default every month)"
        )
        parser.add_argument(
            "--scenario",
            type=int,
            help="pricing scenario id for expected travel (default: the one the owner uses for "
            "monitoring, else its newest)",
        )

    def handle(self, *args, owner, month, scenario=None, **options):
        organisation = organisation_by_name(owner)
        if organisation is None:
            raise CommandError(f"No organisation called {owner!r}")
        bad = [m for m in month if not MONTH.match(m)]
        if bad:
            raise CommandError(f"Give months as YYYY-MM, not {', '.join(bad)}")
        band_minutes = None
        if scenario is not None:
            chosen = kpi_engine.scenario_of(organisation, scenario)
            if chosen is None:
                raise CommandError(f"{organisation} has no pricing scenario {scenario}")
            band_minutes = kpi_engine.travel_from_scenario(chosen)
        console = Console(file=self.stdout._out)
        started = time.perf_counter()
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as progress:
            task = progress.add_task("Starting", total=None)
            run = kpi_engine.compute_for_owner(
                owner=organisation,
                months=month or None,
                band_minutes=band_minutes,
                progress=lambda text: progress.update(task, description=text),
            )
            progress.update(task, description="Done")
        table = Table(title="KPI results written")
        table.add_column("Months")
        table.add_column("Results", justify="right")
        table.add_column("Replaced", justify="right")
        table.add_column("Left out", justify="right")
        table.add_column("Seconds", justify="right")
        span = f"{run.months[0]} to {run.months[-1]}" if run.months else "none"
        table.add_row(
            span,
            f"{run.written:,}",
            f"{run.deleted:,}",
            f"{run.skipped:,}",
            f"{time.perf_counter() - started:.1f}",
        )
        console.print(table)
        if not run.travel_bands:
            console.print("No pricing scenario: travel against the model was not worked out.")
        self.stdout.write(run.summary())
