import datetime as dt

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from tendercare.core.errors import DomainError
from tendercare.demo import county, people
from tendercare.organisations.queries import organisation_by_name


class Command(BaseCommand):
    help = "Build the demo county (Medway and Dover) and print the demo sign-in accounts."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="Build as if today were this date (YYYY-MM-DD)")
        parser.add_argument(
            "--reset", action="store_true", help="Empty the database first and rebuild"
        )
        parser.add_argument("--no-geography", action="store_true", help=argparse_hidden())

    def handle(self, *args, **options):
        console = Console()
        try:
            as_of = dt.date.fromisoformat(options["as_of"]) if options["as_of"] else dt.date.today()
        except ValueError as exc:
            raise CommandError("--as-of must be a date written YYYY-MM-DD") from exc
        if options["reset"]:
            call_command("flush", interactive=False, verbosity=0)
        _forget_orphan_visits()
        if organisation_by_name("Medway Council") is not None:
            console.print("The demo county is already loaded (use --reset to rebuild).")
        else:
            try:
                with console.status("Building the demo county") as status:
                    summary = county.build(
                        as_of=as_of,
                        with_geography=not options["no_geography"],
                        progress=lambda message: status.update(message),
                    )
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
            home, live = summary.procurements
            console.print(
                f"Demo county built as of {summary.as_of:%d %B %Y}: {summary.organisations} "
                f"organisations ({summary.providers} providers), {summary.contracts} contracts "
                f"({summary.joint_contracts} joint), {summary.novations} novations, "
                f"{summary.programmes} programmes. {summary.geography}"
            )
            console.print(
                f"Procurements: {home} home care in Medway, completed ({summary.bidders} "
                f"bidders, {summary.bids} bids, {summary.awards} awards, "
                f"{summary.award_contracts} new contracts in the register); {live} community "
                f"health services, live in dialogue. Interest registered: {summary.interests}. "
                "Riverside Home Care bids as 'provider'; every other bidder has an account "
                "bids.<organisation> (for example bids.castle-view-care) with the demo password."
            )
            priced = summary.pricing
            console.print(
                f"Pricing: scenarios {' and '.join(priced.scenarios)}; {priced.hours_rows} rows "
                f"of commissioned hours; {priced.submissions} open-book submissions. "
                f"{priced.travel}"
            )
            watched = summary.monitoring
            console.print(
                f"Monitoring: {watched.zones} zones, {watched.visits:,} visits over "
                f"{len(watched.months)} months, {watched.kpi_results:,} KPI results, "
                f"{watched.statements} statements; recommended status changes: "
                f"{'; '.join(watched.recommendations) or 'none'}."
            )
            engaged, scrutiny = summary.engagement, summary.scrutiny
            console.print(
                f"Engagement: {engaged.activities} activities, {engaged.participants} people "
                f"taking part, {engaged.feedback} feedback items, {engaged.changes} "
                f"'you said, we did' changes. Scrutiny: {scrutiny.meetings} meetings, "
                f"{scrutiny.decisions} decisions, {scrutiny.actions} actions, "
                f"{scrutiny.reports} published report (public pages at /public/)."
            )
        table = Table(title=f"Demo sign-in accounts (password for all: {people.DEMO_PASSWORD})")
        for column in ("Username", "Role", "Organisation"):
            table.add_column(column)
        for username, role, org_name, *_ in people.USERS:
            table.add_row(username, role.label, org_name)
        console.print(table)


def _forget_orphan_visits() -> None:
    """Visit records live in files beside the database. After a reset (or a deleted database)
    the files of organisations that no longer exist would clash with the rebuilt demo's visit
    ids, so they go too. Files of organisations that exist are never touched."""
    import shutil
    from pathlib import Path

    from django.conf import settings

    from tendercare.organisations.models import Organisation

    store = Path(settings.VISIT_STORE)
    if not store.is_dir():
        return
    existing = set(Organisation.objects.values_list("pk", flat=True))
    for folder in store.glob("owner=*"):
        owner = folder.name.removeprefix("owner=")
        if folder.is_dir() and (not owner.isdigit() or int(owner) not in existing):
            shutil.rmtree(folder)


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS
