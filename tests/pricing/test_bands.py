"""Bands come from real LSOAs (ONS RUC 2021 through the editable mapping) and set the rate."""

import pytest

from tendercare.geography.models import Lsoa, RuralityBand
from tendercare.geography.services import geography_load
from tendercare.pricing import cost_model, defaults

DOVER = "E07000108"
VALUES = defaults.as_values((*defaults.HCA_2025, *defaults.BAND_TRAVEL))


def hourly_rate(lsoa: Lsoa, minutes: int = 60):
    return next(
        r.rate
        for r in cost_model.band_rates(VALUES, bands=(lsoa.band,), lengths=(minutes,))
        if r.band == lsoa.band
    )


@pytest.mark.django_db
def test_every_dover_lsoa_has_a_band_and_a_rate():
    geography_load(lads=[DOVER])
    lsoas = list(Lsoa.objects.filter(place_id=DOVER).select_related("ruc"))
    assert lsoas and all(lsoa.band in cost_model.BANDS for lsoa in lsoas)
    by_band = {}
    for lsoa in lsoas:
        by_band.setdefault(lsoa.band, lsoa)
    assert set(by_band) == set(cost_model.BANDS)
    rates = {band: hourly_rate(lsoa) for band, lsoa in by_band.items()}
    assert rates["urban"] < rates["fringe"] < rates["rural"] < rates["isolated"]


@pytest.mark.django_db
def test_editing_the_mapping_moves_an_lsoa_to_another_rate():
    geography_load(lads=[DOVER])
    remote = Lsoa.objects.filter(place_id=DOVER, ruc_id="RSF1").select_related("ruc").first()
    assert remote is not None and remote.band == "isolated"
    before = hourly_rate(remote)
    RuralityBand.objects.filter(ruc_code="RSF1").update(band="rural")
    remote = Lsoa.objects.select_related("ruc").get(pk=remote.pk)
    assert remote.band == "rural"
    assert hourly_rate(remote) < before
