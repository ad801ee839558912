"""A visit file takes each visit's band from the importing organisation's own mapping."""

from __future__ import annotations

from tendercare.geography.models import OrganisationBand
from tendercare.performance.models import VisitImport

from .test_visit_import import GOOD, csv_bytes, run, stored


def test_visits_take_the_band_the_importing_organisation_chose(medway, commissioner):
    OrganisationBand.objects.create(
        owner=medway.council, ruc_id="RSF1", band="isolated", reason="Far from the depot"
    )
    vi = run(medway.council, csv_bytes(GOOD), by=commissioner)
    assert vi.status == VisitImport.Status.DONE, vi.errors
    v1, v2, v3 = stored()
    assert (v2["lsoa"], v2["band"]) == ("E01016002", "isolated")
    assert v3["band"] == "urban"  # a class the council left alone keeps Tendercare's band


def test_another_organisations_choice_does_not_move_these_visits(
    medway, commissioner, other_council
):
    OrganisationBand.objects.create(
        owner=other_council, ruc_id="RSF1", band="isolated", reason="Kent's own reasons"
    )
    vi = run(medway.council, csv_bytes(GOOD), by=commissioner)
    assert vi.status == VisitImport.Status.DONE, vi.errors
    assert stored()[1]["band"] == "rural"
