"""tendercare import_cost_submission FILE --provider NAME --commissioner NAME --year YYYY
[--source bid|annual_return] [--bid ID] [--dry-run]: a provider's open-book costs, all or
nothing. A bid can be linked only once its deadline has passed (bids are sealed until then)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tendercare.core.errors import DomainError
from tendercare.organisations.queries import organisation_by_name
from tendercare.pricing.open_book import ITEM_KEYS
from tendercare.pricing.submissions import cost_submission_import


class Command(BaseCommand):
    help = (
        "Import a cost submission (columns band,item,value; items: "
        + ", ".join(ITEM_KEYS)
        + "). See docs/open-book.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8) or .xlsx file")
        parser.add_argument("--provider", required=True, help="the provider's name")
        parser.add_argument("--commissioner", required=True, help="the commissioner's name")
        parser.add_argument("--year", required=True, type=int, help="2025 for 2025/26")
        parser.add_argument("--source", choices=["bid", "annual_return"], default="annual_return")
        parser.add_argument("--bid", default=None, help="the id of a bid past its deadline")
        parser.add_argument("--dry-run", action="store_true", help="check only; save nothing")

    def handle(self, *args, file, provider, commissioner, year, source, bid, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        orgs = {}
        for label, name in (("provider", provider), ("commissioner", commissioner)):
            orgs[label] = organisation_by_name(name)
            if orgs[label] is None:
                raise CommandError(f"No organisation called {name!r}")
        try:
            with path.open("rb") as handle:
                outcome = cost_submission_import(
                    file=handle,
                    filename=path.name,
                    by=None,
                    provider=orgs["provider"],
                    commissioner=orgs["commissioner"],
                    source=source,
                    year=year,
                    bid_id=bid,
                    dry_run=dry_run,
                )
        except DomainError as error:
            raise CommandError(error.message) from None
        result = outcome.result
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(result.summary())
        self.stdout.write(result.summary())
        if outcome.submission is not None:
            self.stdout.write(f"Submission {outcome.submission.pk} saved.")
