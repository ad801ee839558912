"""When zones are redrawn an LSOA can sit in an old and a new zone: a visit placed by LSOA or
postcode goes to the zone where its provider has a status on the visit's day, and a file that
leaves it open is refused with the row and column."""

from __future__ import annotations

import datetime as dt

from tendercare.performance import status as status_services
from tendercare.performance.models import ProviderStatus, VisitImport, Zone

from .test_visit_import import HEADER, csv_bytes, run, stored

ROWS = [
    # Before 1 November 2026 (old zone), and after (new zone); placed by LSOA only.
    "A1,Riverside Care Ltd,C1,K1,,,E01016001,2026-10-30 09:00,2026-10-30 09:30,,,no,no,0,0,ecm",
    "A2,Riverside Care Ltd,C1,K1,,,E01016001,2026-11-03 09:00,2026-11-03 09:30,,,no,no,0,0,ecm",
]


def _zones(medway):
    new = Zone.objects.create(
        owner=medway.council, name="North (2026)", lsoa_codes=[medway.town.code]
    )
    old = status_services.provider_status_open(
        zone=medway.north,
        provider=medway.provider,
        status="prime",
        since=dt.date(2019, 11, 1),
        reason="2019 contract",
    )
    ProviderStatus.objects.filter(pk=old.pk).update(until=dt.date(2026, 10, 31))
    status_services.provider_status_open(
        zone=new,
        provider=medway.provider,
        status="prime",
        since=dt.date(2026, 11, 1),
        reason="Award",
    )
    return new


def test_a_visit_goes_to_the_zone_its_provider_serves_that_day(medway):
    new = _zones(medway)
    vi = run(medway.council, csv_bytes(ROWS))
    assert vi.status == VisitImport.Status.DONE, vi.errors
    zones = {r["visit_id"]: r["zone_id"] for r in stored()}
    assert zones == {"A1": medway.north.pk, "A2": new.pk}


def test_a_visit_with_no_status_in_either_zone_is_refused_with_row_and_column(medway):
    _zones(medway)
    other = "B1,HH1,C2,K9,,,E01016001,2026-11-03 10:00,2026-11-03 10:30,,,no,no,0,0,ecm"
    vi = run(medway.council, csv_bytes([other]))
    assert vi.status == VisitImport.Status.FAILED
    assert vi.errors[0][:2] == [2, "lsoa"]
    assert "more than one zone" in vi.errors[0][2]
    # Naming the zone settles it.
    named = other.replace(",,,E01016001,", ",North,,E01016001,")
    assert run(medway.council, csv_bytes([named]), filename="named.csv").status == "done"
    assert HEADER.split(",")[4] == "zone"
