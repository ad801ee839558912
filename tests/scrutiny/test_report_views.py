# ruff: noqa: F811 - fixtures imported from report_fixtures
"""Report pages: drafts drawn live, PDF, publishing (a snapshot that never changes), who may
do what, and the API."""

import datetime as dt

import pytest

from tendercare.core.models import AuditLog
from tendercare.engagement.models import Change
from tendercare.scrutiny import report_services
from tendercare.scrutiny.models import Report

from .report_fixtures import AS_OF, _media, empty_programme, full_programme  # noqa: F401
from .test_report_pdf import assert_tagged


def _draft_url(p, kind="committee_update"):
    return f"/scrutiny/reports/programme/{p.pk}/{kind}/"


def test_the_draft_page_shows_every_section(client, commissioner, full_programme):
    client.force_login(commissioner)
    response = client.get(_draft_url(full_programme) + "?as_of=2026-06-30")
    assert response.status_code == 200
    html = response.content.decode()
    for heading in [
        "Purpose",
        "Progress",
        "Milestones",
        "Risks",
        "Engagement reach",
        "You said, we did",
        "Procurement",
        "Contract performance",
        "Decisions",
        "Open actions",
    ]:
        assert heading in html
    assert "<svg" in html and "Milestones: baseline against current date" in html
    assert "Publish this report" in html


def test_the_empty_draft_and_a_bad_date(client, commissioner, empty_programme):
    client.force_login(commissioner)
    response = client.get(_draft_url(empty_programme, "engagement_briefing") + "?as_of=31/6")
    assert response.status_code == 200
    assert "Enter the date as year-month-day" in response.content.decode()
    assert "No engagement has been recorded yet" in response.content.decode()


def test_an_unknown_kind_or_programme_is_404(client, commissioner, empty_programme):
    client.force_login(commissioner)
    assert client.get(_draft_url(empty_programme, "gossip")).status_code == 404
    assert client.get("/scrutiny/reports/programme/999999/committee_update/").status_code == 404


def test_the_draft_pdf_downloads_tagged(client, commissioner, empty_programme):
    client.force_login(commissioner)
    response = client.get(_draft_url(empty_programme) + "pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert_tagged(response.content, "update for the committee")


def test_councillors_read_but_never_publish(client, councillor, full_programme):
    client.force_login(councillor)
    response = client.get(_draft_url(full_programme))
    assert response.status_code == 200
    assert "Publish this report" not in response.content.decode()
    response = client.post(_draft_url(full_programme) + "publish/", {"as_of": "2026-06-30"})
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_other_organisations_providers_and_the_public_see_nothing(
    client, other_commissioner, provider_user, full_programme
):
    for user in (other_commissioner, provider_user):
        client.force_login(user)
        assert client.get(_draft_url(full_programme)).status_code == 404
        assert client.post(_draft_url(full_programme) + "publish/").status_code == 404
    client.logout()
    assert client.get(_draft_url(full_programme)).status_code == 302


def test_publishing_snapshots_the_public_report(client, commissioner, full_programme):
    client.force_login(commissioner)
    response = client.post(_draft_url(full_programme) + "publish/", {"as_of": "2026-06-30"})
    published = Report.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{published.pk}/")
    assert published.status == "published" and published.as_of == AS_OF
    assert published.published_at is not None and published.created_by == commissioner
    assert "You want the same carers" in published.html
    assert "Secret draft" not in published.html  # an unpublished change stays out
    assert "PROC-HC-DRAFT" not in published.html
    assert published.pdf.name.endswith(".pdf")
    assert AuditLog.objects.filter(object_type="scrutiny.report", object_id=str(published.pk))
    # A published report no longer changes when the records do.
    Change.objects.filter(you_said="You want the same carers").update(you_said="Edited later")
    page = client.get(f"/scrutiny/reports/{published.pk}/").content.decode()
    assert "You want the same carers" in page and "Edited later" not in page
    pdf = client.get(f"/scrutiny/reports/{published.pk}/pdf/")
    assert pdf.status_code == 200
    assert_tagged(b"".join(pdf.streaming_content), "update for the committee")


def test_a_published_report_cannot_be_published_again(commissioner, full_programme):
    report = report_services.report_publish(
        programme=full_programme, kind="committee_update", as_of=AS_OF, by=commissioner
    )
    with pytest.raises(Exception, match="already published"):
        report_services.report_publish(
            programme=full_programme,
            kind="committee_update",
            as_of=AS_OF,
            by=commissioner,
            draft=report,
        )


def test_publishing_refuses_a_councillor_in_the_service(councillor, full_programme):
    with pytest.raises(Exception, match="cannot publish"):
        report_services.report_publish(
            programme=full_programme, kind="committee_update", as_of=AS_OF, by=councillor
        )


def test_the_report_list(client, councillor, provider_user, evaluator, full_programme):
    client.force_login(councillor)
    response = client.get("/scrutiny/reports/")
    assert response.status_code == 200
    assert full_programme.name in response.content.decode()
    for user in (provider_user, evaluator):
        client.force_login(user)
        assert client.get("/scrutiny/reports/").status_code == 404


def test_the_api_gives_the_draft_and_reports_in_scope(
    client, commissioner, other_commissioner, full_programme
):
    client.force_login(commissioner)
    draft = client.get(
        f"/api/v1/scrutiny/programmes/{full_programme.pk}/report?as_of=2026-06-30"
    ).json()
    assert [s["id"] for s in draft["sections"]][0] == "purpose"
    assert draft["as_of"] == "2026-06-30"
    published = report_services.report_publish(
        programme=full_programme, kind="engagement_briefing", as_of=AS_OF, by=commissioner
    )
    assert [r["id"] for r in client.get("/api/v1/scrutiny/reports").json()] == [published.pk]
    client.force_login(other_commissioner)
    assert client.get("/api/v1/scrutiny/reports").json() == []
    assert client.get(f"/api/v1/scrutiny/reports/{published.pk}").status_code == 404
    assert client.get(f"/api/v1/scrutiny/programmes/{full_programme.pk}/report").status_code == 404
    client.logout()
    public = client.get(f"/api/v1/scrutiny/public/reports/{published.pk}").json()
    assert "engagement briefing" in public["title"]
    assert public["pdf_url"] == f"/public/reports/{published.pk}/pdf/"
    assert client.get("/api/v1/scrutiny/reports").status_code == 401


def test_the_draft_row_of_a_report_reads_live(client, commissioner, full_programme):
    draft = Report.objects.create(
        programme=full_programme, kind="committee_update", title="Draft", as_of=dt.date.today()
    )
    client.force_login(commissioner)
    response = client.get(f"/scrutiny/reports/{draft.pk}/")
    assert response.status_code == 302
    assert client.get(f"/scrutiny/reports/{draft.pk}/pdf/").status_code == 404


def test_publishing_for_a_committee(client, commissioner, other_commissioner, full_programme):
    from tendercare.scrutiny.models import Committee

    ours = Committee.objects.get()
    theirs = Committee.objects.create(owner=other_commissioner.organisation, name="Kent HOSC")
    client.force_login(commissioner)
    assert ours.name in client.get(_draft_url(full_programme)).content.decode()
    response = client.post(
        _draft_url(full_programme) + "publish/", {"as_of": "2026-06-30", "committee": theirs.pk}
    )
    assert response.status_code == 302 and not Report.objects.exists()
    client.post(
        _draft_url(full_programme) + "publish/", {"as_of": "2026-06-30", "committee": ours.pk}
    )
    assert Report.objects.get().committee == ours
