# ruff: noqa: F811 - fixtures imported from report_fixtures
"""Public pages without sign-in: only what is published, counts disclosure-controlled."""

import re

from tendercare.engagement.models import Activity
from tendercare.scrutiny import report_services
from tendercare.scrutiny.models import Report

from .report_fixtures import AS_OF, _media, empty_programme, full_programme  # noqa: F401


def test_the_index_renders_without_a_user_and_without_navigation(client, full_programme):
    response = client.get("/public/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sign out" not in html and "govuk-service-navigation" not in html
    assert full_programme.name in html


def test_activities_show_published_ones_with_protected_counts(client, full_programme):
    html = client.get("/public/engagement/").content.decode()
    assert "Hoo workshop" in html and "Online survey" in html
    assert "Carers&#39; forum" not in html and "Carers' forum" not in html
    # 33 and 48 taking part; the unpublished 12 stay behind the published total
    assert re.search(r">\s*33\s*<", html) and re.search(r">\s*48\s*<", html)
    hidden = Activity.objects.get(published=False)
    assert client.get(f"/public/engagement/{hidden.pk}/").status_code == 404
    shown = Activity.objects.get(title="Hoo workshop")
    page = client.get(f"/public/engagement/{shown.pk}/").content.decode()
    assert "People taking part" in page and "33" in page


def test_a_small_activity_count_is_withheld(client, council, commissioner):
    from .report_fixtures import _activity

    _activity(
        council,
        None,
        "Small drop-in",
        "in_person",
        {"age_band": {"65_plus": 3}},
        published=True,
        by=commissioner,
    )
    html = client.get("/public/engagement/").content.decode()
    assert "Small drop-in" in html and "[c]" in html


def test_you_said_we_did_shows_published_changes_only(client, full_programme):
    response = client.get("/public/programmes/MED-HC-2026/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "You want the same carers" in html
    assert "Secret draft" not in html


def test_a_programme_with_nothing_published_is_404(client, empty_programme):
    assert client.get("/public/programmes/EMPTY-2026/").status_code == 404
    assert client.get("/public/programmes/NOPE/").status_code == 404


def test_published_reports_only(client, commissioner, full_programme):
    draft = Report.objects.create(
        programme=full_programme, kind="committee_update", title="Draft", as_of=AS_OF
    )
    assert client.get(f"/public/reports/{draft.pk}/").status_code == 404
    assert client.get(f"/public/reports/{draft.pk}/pdf/").status_code == 404
    published = report_services.report_publish(
        programme=full_programme, kind="committee_update", as_of=AS_OF, by=commissioner
    )
    listing = client.get("/public/reports/").content.decode()
    assert published.title.replace("'", "&#39;") in listing or published.title in listing
    assert "Draft" not in re.sub(r"<[^>]+>", " ", listing).split()
    page = client.get(f"/public/reports/{published.pk}/")
    assert page.status_code == 200
    assert "Secret draft" not in page.content.decode()
    pdf = client.get(f"/public/reports/{published.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert client.get("/api/v1/scrutiny/public/reports").json()[0]["id"] == published.pk
    assert client.get(f"/api/v1/scrutiny/public/reports/{draft.pk}").status_code == 404


def test_public_pages_need_no_sign_in_and_accept_only_reads(client, full_programme):
    for url in ["/public/", "/public/engagement/", "/public/reports/"]:
        assert client.get(url).status_code == 200
        assert client.post(url).status_code == 405
