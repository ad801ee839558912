"""The demo's CQC ratings carry their source: the rated location's page on cqc.org.uk, built
from its CQC location ID, and the date the CQC published the report (not after the demo's day).
Kept apart from test_cqc_source.py because the demo fixture holds a transaction open for the
module, which the migration test there cannot run inside."""

import pytest

from tendercare.performance import status
from tendercare.performance.models import CqcRating
from tests.demo.test_monitoring import AS_OF, demo  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_demo_ratings_link_to_their_locations_cqc_pages(db, demo):  # noqa: F811
    ratings = list(CqcRating.objects.select_related("location"))
    assert len(ratings) >= 12  # every monitored provider has at least one
    for row in ratings:
        assert row.source == f"https://www.cqc.org.uk/location/{row.location.cqc_location_id}"
        assert status.cqc_source_problem(row.source, row.location) is None
        assert row.published_on <= AS_OF
