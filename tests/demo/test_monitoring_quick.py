"""The demo's monitoring year without geography (the quick county): its own module, because
tests/demo/test_monitoring.py keeps a county with geography open for the whole module."""

import datetime as dt

from django.test import override_settings

from tendercare.demo import county, monitoring
from tendercare.organisations.models import Organisation
from tendercare.performance.models import ProviderStatus, StatusRecommendation, Zone

AS_OF = dt.date(2026, 11, 23)


def test_without_geography_each_lot_has_a_sole_prime_and_the_demotion_is_still_recommended(
    db, tmp_path
):
    with override_settings(VISIT_STORE=tmp_path / "visits"):
        built = county.build(as_of=AS_OF, with_geography=False)
        summary = getattr(built, "monitoring", None)
        if summary is None:
            medway = Organisation.objects.get(name="Medway Council")
            summary = monitoring.build(as_of=AS_OF, medway=medway, with_geography=False)
    assert summary.zones == 4 and summary.statuses == 4 and summary.statements == 0
    assert set(ProviderStatus.objects.values_list("status", flat=True)) == {"prime"}
    assert all(z.lsoa_codes == [] for z in Zone.objects.all())
    pending = StatusRecommendation.objects.get(state="pending")
    assert (pending.zone.lot.number, pending.current, pending.recommended) == (
        1,
        "prime",
        "supplementary",
    )
