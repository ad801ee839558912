"""The demo's monitoring year without geography (the quick county): its own module, because
tests/demo/test_monitoring.py keeps a county with geography open for the whole module."""

import datetime as dt

from django.test import override_settings

from tendercare.demo import county, monitoring
from tendercare.organisations.models import Organisation
from tendercare.performance.models import ProviderStatus, StatusRecommendation, Zone

AS_OF = dt.date(2026, 11, 23)


def test_without_geography_the_2019_zones_are_monitored_and_the_demotion_still_recommended(
    db, tmp_path
):
    with override_settings(VISIT_STORE=tmp_path / "visits"):
        built = county.build(as_of=AS_OF, with_geography=False)
        summary = getattr(built, "monitoring", None)
        if summary is None:
            medway = Organisation.objects.get(name="Medway Council")
            summary = monitoring.build(as_of=AS_OF, medway=medway, with_geography=False)
    # Six 2019 zones (prime and supplementary) and four lots, each with its sole provider.
    assert summary.zones == 10 and summary.statuses == 12 + 4 and summary.statements == 0
    old = Zone.objects.filter(lot__isnull=True)
    assert old.count() == 6
    assert sorted(ProviderStatus.objects.filter(zone__in=old).values_list("status", flat=True)) == (
        ["prime"] * 6 + ["supplementary"] * 6
    )
    new = ProviderStatus.objects.filter(zone__lot__isnull=False)
    assert set(new.values_list("status", flat=True)) == {"prime"} and new.count() == 4
    assert all(z.lsoa_codes == [] for z in Zone.objects.all())
    pending = StatusRecommendation.objects.get(state="pending", current="prime")
    assert (pending.zone.name, pending.provider.name, pending.recommended) == (
        "Rochester, 2019 contracts",
        "Chatham Dockside Care Ltd",
        "supplementary",
    )
    assert {r.zone for r in StatusRecommendation.objects.filter(state="pending")} == {pending.zone}
