import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest
from openpyxl import load_workbook

from tendercare.core.models import AuditLog
from tendercare.programmes import services
from tendercare.programmes.models import MilestoneRevision, Risk

from .conftest import make_contract

D = dt.date


@pytest.fixture
def revised(milestone, commissioner):
    services.milestone_revise(
        milestone=milestone,
        new_date=D(2026, 4, 13),
        reason="Six-week delay for NHS England assurance",
        by=commissioner,
    )
    return milestone


def test_list_shows_the_programme(signed_in, programme):
    page = signed_in.get("/programmes/")
    assert page.status_code == 200
    assert "Home care from November 2026" in page.content.decode()


def test_programme_page_has_table_chart_and_contracts(
    signed_in, programme, revised, council, provider_org, commissioner
):
    contract = make_contract(reference="MED-001", commissioner=council, provider=provider_org)
    services.programme_set_contracts(programme=programme, contracts=[contract], by=commissioner)
    page = signed_in.get(f"/programmes/{programme.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="milestone-table"' in html
    assert "2 March 2026" in html and "13 April 2026" in html  # baseline and current
    assert "+42" in html and "+28" in html  # slip in days and working days
    assert "Six-week delay for NHS England assurance" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="tc-chart tc-timeline" role="img"' in html
    assert "The chart shows each milestone" in html
    assert "The same data is in the milestone table above" in html
    assert 'href="/contracts/MED-001/"' in html
    assert f"/history/programmes.programme/{programme.pk}/" in html
    # The SVG in the page is well formed.
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    ET.fromstring(svg)  # noqa: S314 (our own output)
    assert "style=" not in svg


def test_other_council_gets_404_everywhere(client, other_commissioner, programme, milestone):
    client.force_login(other_commissioner)
    for path in [
        f"/programmes/{programme.pk}/",
        f"/programmes/{programme.pk}/milestones/{milestone.pk}/",
        f"/programmes/{programme.pk}/risks/",
        f"/programmes/{programme.pk}/decisions/",
        f"/programmes/{programme.pk}/lessons/",
        f"/programmes/{programme.pk}/milestones.csv",
        f"/history/programmes.programme/{programme.pk}/",
        f"/history/programmes.milestone/{milestone.pk}/",
    ]:
        assert client.get(path).status_code == 404, path
    assert "Home care" not in client.get("/programmes/").content.decode()


def test_provider_and_evaluator_see_none(client, provider_user, evaluator, programme):
    for user in (provider_user, evaluator):
        client.force_login(user)
        assert "Home care" not in client.get("/programmes/").content.decode()
        assert client.get(f"/programmes/{programme.pk}/").status_code == 404


def test_councillor_reads_but_cannot_revise(client, councillor, programme, milestone):
    client.force_login(councillor)
    page = client.get(f"/programmes/{programme.pk}/milestones/{milestone.pk}/")
    assert page.status_code == 200
    assert "Revise this milestone" not in page.content.decode()
    response = client.post(
        f"/programmes/{programme.pk}/milestones/{milestone.pk}/",
        {
            "action": "revise",
            "new_date-day": "1",
            "new_date-month": "5",
            "new_date-year": "2026",
            "reason": "Try",
        },
    )
    assert response.status_code == 403
    assert not MilestoneRevision.objects.exists()
    assert client.post(f"/programmes/{programme.pk}/risks/", {"title": "x"}).status_code == 403


def test_revise_through_the_form(signed_in, programme, milestone, commissioner):
    url = f"/programmes/{programme.pk}/milestones/{milestone.pk}/"
    page = signed_in.get(url)
    assert "Revise this milestone" in page.content.decode()
    response = signed_in.post(
        url,
        {
            "action": "revise",
            "new_date-day": "13",
            "new_date-month": "4",
            "new_date-year": "2026",
            "reason": "Six-week delay for NHS England assurance",
        },
    )
    assert response.status_code == 302
    revision = MilestoneRevision.objects.get()
    assert revision.new_date == D(2026, 4, 13) and revision.revised_by == commissioner
    html = signed_in.get(url).content.decode()
    assert 'id="revisions"' in html and "Six-week delay for NHS England assurance" in html
    assert AuditLog.objects.filter(object_type="programmes.milestone", action="update").exists()


@pytest.mark.parametrize(
    ("day", "month", "year", "reason", "message"),
    [
        ("31", "2", "2026", "Assurance", "must be a real date"),
        ("", "", "", "Assurance", "Enter the new date"),
        ("1", "", "2026", "Assurance", "must include a month"),
        ("aa", "4", "2026", "Assurance", "in numbers"),
        ("1", "4", "26", "Assurance", "Year must include 4 numbers"),
        ("13", "4", "2026", "", "Enter the reason for the new date"),
        ("2", "3", "2026", "Same date", "same as the current date"),
    ],
)
def test_bad_revision_input_gives_form_errors_not_500(
    signed_in, programme, milestone, day, month, year, reason, message
):
    response = signed_in.post(
        f"/programmes/{programme.pk}/milestones/{milestone.pk}/",
        {
            "action": "revise",
            "new_date-day": day,
            "new_date-month": month,
            "new_date-year": year,
            "reason": reason,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert "govuk-error-summary" in html
    assert not MilestoneRevision.objects.exists()


def test_error_summary_links_to_the_date_field(signed_in, programme, milestone):
    html = signed_in.post(
        f"/programmes/{programme.pk}/milestones/{milestone.pk}/",
        {"action": "revise", "new_date-day": "31", "new_date-month": "2", "new_date-year": "2026"},
    ).content.decode()
    assert 'href="#new_date-day"' in html and 'id="new_date-day"' in html


def test_complete_milestone_through_the_form(signed_in, programme, milestone):
    response = signed_in.post(
        f"/programmes/{programme.pk}/milestones/{milestone.pk}/",
        {
            "action": "complete",
            "completed_on-day": "4",
            "completed_on-month": "3",
            "completed_on-year": "2026",
        },
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.completed_on == D(2026, 3, 4)


def test_exports_csv_and_xlsx_neutralise_formulas(signed_in, programme, commissioner):
    m = services.milestone_add(
        programme=programme, name='=HYPERLINK("http://x")', baseline_date=D(2026, 3, 2)
    )
    services.milestone_revise(
        milestone=m, new_date=D(2026, 4, 13), reason="+delay for @assurance", by=commissioner
    )
    csv_response = signed_in.get(f"/programmes/{programme.pk}/milestones.csv")
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "attachment" in csv_response["Content-Disposition"]
    text = csv_response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+delay for @assurance" in text
    assert "2026-03-02,2026-04-13,42,28" in text

    xlsx = signed_in.get(f"/programmes/{programme.pk}/milestones.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Milestone"
    assert rows[1][0] == '\'=HYPERLINK("http://x")'
    assert rows[1][3] == 42 and rows[1][4] == 28  # numbers stay numbers
    assert rows[1][8] == "'+delay for @assurance"
    assert signed_in.get(f"/programmes/{programme.pk}/milestones.pdf").status_code == 404


def test_add_milestone_and_bad_date(signed_in, programme):
    url = f"/programmes/{programme.pk}/milestones/new/"
    assert signed_in.get(url).status_code == 200
    bad = signed_in.post(
        url,
        {
            "name": "Award",
            "baseline_date-day": "30",
            "baseline_date-month": "2",
            "baseline_date-year": "2026",
        },
    )
    assert bad.status_code == 200 and "must be a real date" in bad.content.decode()
    good = signed_in.post(
        url,
        {
            "name": "Award",
            "baseline_date-day": "2",
            "baseline_date-month": "3",
            "baseline_date-year": "2026",
        },
    )
    assert good.status_code == 302
    assert programme.milestones.get().baseline_date == D(2026, 3, 2)


def test_risk_register_add_review_and_history(signed_in, programme):
    url = f"/programmes/{programme.pk}/risks/"
    missing = signed_in.post(url, {"title": "", "owner_name": ""})
    assert missing.status_code == 200 and "There is a problem" in missing.content.decode()
    response = signed_in.post(
        url,
        {
            "title": "Too few bidders for the rural lot",
            "likelihood": "4",
            "impact": "5",
            "owner_name": "Jo Patel",
            "mitigation": "Market engagement",
            "status": "open",
        },
    )
    assert response.status_code == 302
    risk = Risk.objects.get()
    html = signed_in.get(url).content.decode()
    assert "Very high (20)" in html and "Jo Patel" in html and "Market engagement" in html
    review = signed_in.post(
        f"{url}{risk.pk}/",
        {
            "likelihood": "2",
            "impact": "5",
            "status": "mitigating",
            "mitigation": "Events",
            "note": "Providers came to the events",
        },
    )
    assert review.status_code == 302
    page = signed_in.get(f"{url}{risk.pk}/").content.decode()
    assert "20 to 10" in page and "Providers came to the events" in page
    assert f"/history/programmes.risk/{risk.pk}/" in page
    assert signed_in.get(f"/history/programmes.risk/{risk.pk}/").status_code == 200


def test_decisions_and_lessons_pages(signed_in, programme):
    decisions = f"/programmes/{programme.pk}/decisions/"
    bad = signed_in.post(
        decisions,
        {
            "title": "Zones",
            "decision": "Four zones",
            "decided_by": "Board",
            "decided_on-day": "31",
            "decided_on-month": "6",
            "decided_on-year": "2025",
        },
    )
    assert bad.status_code == 200 and "must be a real date" in bad.content.decode()
    ok = signed_in.post(
        decisions,
        {
            "title": "Zones",
            "decision": "Four zones",
            "decided_by": "Joint Commissioning Board",
            "decided_on-day": "12",
            "decided_on-month": "6",
            "decided_on-year": "2025",
            "rationale": "Travel",
        },
    )
    assert ok.status_code == 302
    assert "Joint Commissioning Board" in signed_in.get(decisions).content.decode()

    lessons = f"/programmes/{programme.pk}/lessons/"
    ok = signed_in.post(
        lessons,
        {
            "title": "Book assurance early",
            "what_happened": "Six weeks lost",
            "recommendation": "Book at OBC",
        },
    )
    assert ok.status_code == 302
    assert "Book assurance early" in signed_in.get(lessons).content.decode()


def test_create_programme_and_set_contracts(signed_in, council, provider_org):
    response = signed_in.post(
        "/programmes/new/",
        {
            "name": "Community services re-procurement",
            "status": "planning",
            "start_date-day": "1",
            "start_date-month": "4",
            "start_date-year": "2025",
        },
    )
    assert response.status_code == 302
    pk = int(response["Location"].rstrip("/").split("/")[-1])
    contract = make_contract(reference="MED-002", commissioner=council, provider=provider_org)
    page = signed_in.get(f"/programmes/{pk}/contracts/")
    assert "MED-002" in page.content.decode()
    saved = signed_in.post(f"/programmes/{pk}/contracts/", {"contracts": [str(contract.pk)]})
    assert saved.status_code == 302
    assert "MED-002" in signed_in.get(f"/programmes/{pk}/").content.decode()


def test_councillor_cannot_create(client, councillor):
    client.force_login(councillor)
    assert client.get("/programmes/new/").status_code == 403
