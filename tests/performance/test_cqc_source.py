"""Every CQC rating carries its source: the CQC report or location page on cqc.org.uk and the
date the CQC published the report. The service and the form refuse a rating without one (or
with a page elsewhere, or a date to come) and write nothing; the pages show the source as a
link; the migration gives ratings recorded before sources were kept a plain statement."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from tendercare.core.errors import DomainError
from tendercare.core.models import AuditLog
from tendercare.organisations.models import ProviderLocation
from tendercare.performance import status
from tendercare.performance.models import CqcRating
from tendercare.performance.status_forms import CqcForm
from tests.performance.test_status import MONTHS, history, zone_setup  # noqa: F401
from tests.performance.test_status_views import pending  # noqa: F401

pytestmark = pytest.mark.django_db

BEFORE = "0003_withdrawn_and_one_prime"
AFTER = "0004_cqc_rating_source"


@pytest.fixture
def location(provider_org):
    return ProviderLocation.objects.create(
        organisation=provider_org, cqc_location_id="1-123456789", name="Hoo office"
    )


def record(location, commissioner, **changes):
    kwargs = {
        "location": location,
        "rating": "good",
        "published_on": dt.date(2026, 3, 10),
        "source": "https://www.cqc.org.uk/location/1-123456789",
        "by": commissioner,
    }
    return status.cqc_rating_record(**{**kwargs, **changes})


def test_a_rating_keeps_its_cqc_page_and_report_date_and_the_audit_says_so(location, commissioner):
    row = record(location, commissioner, source=" https://www.cqc.org.uk/location/1-123456789 ")
    row.refresh_from_db()
    assert row.source == "https://www.cqc.org.uk/location/1-123456789"
    assert row.source_url == row.source
    assert row.published_on == dt.date(2026, 3, 10)
    log = AuditLog.objects.get(object_type="performance.cqcrating", object_id=str(row.pk))
    assert log.after["source"] == row.source
    assert "source https://www.cqc.org.uk/location/1-123456789" in log.summary
    assert "published 10 March 2026" in log.summary
    # A report on the CQC's site (and the API's host) is a source too.
    report = "https://api.service.cqc.org.uk/public/v1/reports/abc?related=1-123456789"
    assert record(location, commissioner, source=report).source == report


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"source": ""}, "Enter the address of the CQC report or location page"),
        ({"source": "   "}, "Enter the address of the CQC report or location page"),
        ({"source": None}, "Enter the address of the CQC report or location page"),
        ({"source": "CQC website, March 2026"}, "as a web address"),
        ({"source": "www.cqc.org.uk/location/1-123456789"}, "as a web address"),
        ({"source": "ftp://www.cqc.org.uk/location/1-123456789"}, "as a web address"),
        (
            {"source": "https://www.carehome.co.uk/carehome.cfm?id=1"},
            "must be a page on the CQC's website, cqc.org.uk, and www.carehome.co.uk is not",
        ),
        (
            {"source": "https://www.cqc.org.uk.example.com/location/1-123456789"},
            "www.cqc.org.uk.example.com is not",
        ),
        (
            {"source": "https://notcqc.org.uk/location/1-123456789"},
            "notcqc.org.uk is not",
        ),
        (
            {"source": "https://www.cqc.org.uk@example.com/location/1-123456789"},
            "example.com is not",
        ),
        (
            {"source": "https://www.cqc.org.uk/location/1-999999999"},
            "That CQC page is for location 1-999999999, not Hoo office (1-123456789)",
        ),
        ({"source": "https://www.cqc.org.uk/" + "x" * 300}, "300 characters or fewer"),
        ({"published_on": None}, "Enter the date the CQC published the report"),
        (
            {"published_on": "2026-03-10"},
            "Enter the date the CQC published the report",
        ),
        (
            {"published_on": timezone.localdate() + dt.timedelta(days=1)},
            "The date the CQC published the report must be today or in the past",
        ),
    ],
)
def test_the_service_refuses_a_rating_without_a_proper_source_and_writes_nothing(
    location, commissioner, changes, message
):
    logs = AuditLog.objects.count()
    with pytest.raises(DomainError, match=message.replace("(", r"\(").replace(")", r"\)")):
        record(location, commissioner, **changes)
    assert not CqcRating.objects.exists()
    assert AuditLog.objects.count() == logs


def test_the_source_must_be_given_by_name():
    with pytest.raises(TypeError):
        status.cqc_rating_record(location=None, rating="good", published_on=dt.date(2026, 3, 10))


def test_the_demo_source_is_the_locations_cqc_page(location):
    assert status.cqc_location_url(location) == "https://www.cqc.org.uk/location/1-123456789"
    assert status.cqc_source_problem(status.cqc_location_url(location), location) is None
    # Upper or lower case, with a trailing path: the same location.
    assert status.cqc_source_problem("HTTPS://WWW.CQC.ORG.UK/Location/1-123456789/reports") is None


def form_data(location, **changes):
    data = {
        "action": "cqc",
        "location": str(location.pk),
        "rating": "requires_improvement",
        "published_on-day": "10",
        "published_on-month": "4",
        "published_on-year": "2026",
        "source": f"https://www.cqc.org.uk/location/{location.cqc_location_id}",
    }
    return {**data, **changes}


def test_the_form_requires_the_source_and_checks_it_and_the_date(location):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    form = CqcForm(
        form_data(
            location,
            source="",
            **{
                "published_on-day": str(tomorrow.day),
                "published_on-month": str(tomorrow.month),
                "published_on-year": str(tomorrow.year),
            },
        ),
        locations=[location],
    )
    assert not form.is_valid()
    assert form.errors["source"] == [
        "Enter the address of the CQC report or location page the rating comes from, "
        "like https://www.cqc.org.uk/location/1-123456789"
    ]
    assert form.errors["published_on-day"] == [
        "The date the CQC published the report must be today or in the past"
    ]
    no_date = CqcForm(
        form_data(location, **{"published_on-day": "", "published_on-month": ""}),
        locations=[location],
    )
    no_date.data = {k: v for k, v in no_date.data.items() if not k.startswith("published_on")}
    assert not no_date.is_valid()
    assert no_date.errors["published_on-day"] == ["Enter the date the report was published"]
    foreign = CqcForm(form_data(location, source="https://example.com/cqc"), locations=[location])
    assert not foreign.is_valid()
    assert foreign.errors["source"] == [
        "The source must be a page on the CQC's website, cqc.org.uk, and example.com is not"
    ]
    assert CqcForm(form_data(location), locations=[location]).is_valid()


def test_the_quality_page_shows_the_errors_and_writes_nothing(pending, signed_in):  # noqa: F811
    zone, rec = pending
    location = ProviderLocation.objects.get(organisation=rec.provider)
    url = reverse("performance:quality")
    before = CqcRating.objects.count()
    page = signed_in.post(url, form_data(location, source="https://www.google.com/search?q=cqc"))
    assert page.status_code == 400
    text = page.content.decode()
    assert "Error: Quality audits and CQC ratings" in text
    assert "govuk-error-summary" in text
    assert "must be a page on the CQC&#39;s website, cqc.org.uk, and www.google.com is not" in text
    missing = signed_in.post(url, form_data(location, source=""))
    assert missing.status_code == 400
    assert "Enter the address of the CQC report or location page" in missing.content.decode()
    assert CqcRating.objects.count() == before


def test_the_quality_page_links_each_rating_to_its_source(pending, signed_in):  # noqa: F811
    zone, rec = pending
    location = ProviderLocation.objects.get(organisation=rec.provider)
    report = f"https://www.cqc.org.uk/location/{location.cqc_location_id}/reports"
    url = reverse("performance:quality")
    done = signed_in.post(url, form_data(location, source=report))
    assert done.status_code == 302
    saved = CqcRating.objects.get(location=location, rating="requires_improvement")
    assert saved.source == report and saved.published_on == dt.date(2026, 4, 10)
    # One rating from before sources were kept: a statement, not a link.
    CqcRating.objects.create(
        location=location, rating="good", published_on=dt.date(2024, 1, 2), source="Typed in"
    )
    text = signed_in.get(url).content.decode()
    assert f'<a class="govuk-link" href="{report}"' in text
    assert "10 April 2026" in text and "Report published" in text
    assert "Typed in" in text and 'href="Typed in"' not in text
    assert "CQC report or location page" in text  # the form's input


def test_the_recommendation_page_shows_the_rating_source(pending, signed_in):  # noqa: F811
    zone, rec = pending
    location = ProviderLocation.objects.get(organisation=rec.provider)
    text = signed_in.get(reverse("performance:recommendation", args=[rec.pk])).content.decode()
    assert "report published 1 April 2025" in text
    assert f'href="{status.cqc_location_url(location)}"' in text


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_old_ratings_a_statement_and_keeps_their_date(location):
    executor = MigrationExecutor(connection)
    executor.migrate([("performance", BEFORE)])
    try:
        old = executor.loader.project_state([("performance", BEFORE)]).apps
        OldCqcRating = old.get_model("performance", "CqcRating")
        assert "source" not in {f.name for f in OldCqcRating._meta.get_fields()}
        kept = OldCqcRating.objects.create(
            location_id=location.pk, rating="good", published_on=dt.date(2024, 5, 6)
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    row = CqcRating.objects.get(pk=kept.pk)
    assert row.source.startswith("Recorded by hand before Tendercare kept sources")
    assert row.source_url == ""
    assert row.published_on == dt.date(2024, 5, 6)
    assert row.rating == "good"
    assert not CqcRating.objects.filter(source="").exists()
