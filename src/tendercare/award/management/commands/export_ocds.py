"""tendercare export ocds REF --output FILE [--record]: the procurement's OCDS 1.1 package."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tendercare.award import ocds
from tendercare.procurement.models import Procurement


class Command(BaseCommand):
    help = "Write a published procurement's OCDS 1.1 release package (or record package)."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="the procurement reference, e.g. HC-2026-01")
        parser.add_argument("--output", required=True, help="file to write ('-' for stdout)")
        parser.add_argument(
            "--record", action="store_true", help="write a record package (compiled release)"
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="the site's address, for the package uri (default: a placeholder)",
        )

    def handle(self, *args, reference, output, record, base_url, **options):
        procurement = Procurement.objects.select_related("owner").filter(reference=reference)
        procurement = procurement.first()
        if procurement is None:
            raise CommandError(f"There is no procurement with reference {reference}")
        uri = ""
        if base_url:
            uri = f"{base_url.rstrip('/')}/api/v1/procurements/{reference}/ocds"
        try:
            package = ocds.release_package(procurement, uri=uri)
        except ocds.NotPublished:
            raise CommandError(
                f"{reference} has not been published ({procurement.get_state_display()}): "
                "only published procurements have OCDS"
            ) from None
        if record:
            package = ocds.record_package(package, uri=f"{uri}/record" if uri else "")
        text = ocds.dumps(package) + "\n"
        if output == "-":
            self.stdout.write(text, ending="")
            return
        Path(output).write_text(text, encoding="utf-8")
        kind = "record" if record else "release"
        count = len(package.get("releases", package.get("records", [])))
        self.stderr.write(
            f"Wrote the OCDS {kind} package for {reference} ({count} {kind}s) to {output}"
        )
