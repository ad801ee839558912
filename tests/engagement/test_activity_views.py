"""Activity pages: what each kind of user may see and do, forms with error summaries, survey
upload errors by row and column, and no 500 on any input."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tendercare.core.models import AuditLog
from tendercare.engagement import queries
from tendercare.engagement.models import Activity, Participation

from .test_activity_support import make_activity, make_geography, make_programme


@pytest.fixture
def world(council, commissioner, other_council, other_commissioner):
    make_geography()
    programme = make_programme(council, commissioner)
    activity = make_activity(council, commissioner, programme=programme)
    theirs = make_activity(other_council, other_commissioner, title="Kent forum")
    return {"programme": programme, "activity": activity, "theirs": theirs}


def _pages(world):
    a = world["activity"].pk
    return [
        "/engagement/",
        f"/engagement/?programme={world['programme'].pk}",
        f"/engagement/activities/{a}/",
        "/engagement/activities/survey-template.csv",
    ]


def _write_pages(world):
    a = world["activity"].pk
    return [
        "/engagement/activities/new/",
        f"/engagement/activities/{a}/edit/",
        f"/engagement/activities/{a}/participation/sex/",
        f"/engagement/activities/{a}/survey/",
    ]


def test_commissioner_sees_and_changes(client, commissioner, world):
    client.force_login(commissioner)
    for url in _pages(world) + _write_pages(world):
        assert client.get(url).status_code == 200, url


def test_councillor_reads_but_never_changes(client, councillor, world):
    client.force_login(councillor)
    for url in _pages(world):
        assert client.get(url).status_code == 200, url
    for url in _write_pages(world):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    a = world["activity"].pk
    for url in (
        f"/engagement/activities/{a}/publish/",
        f"/engagement/activities/{a}/participation/clear/",
    ):
        assert client.post(url, {"action": "publish"}).status_code == 403
    detail = client.get(f"/engagement/activities/{a}/").content.decode()
    assert "Change details" not in detail and "Enter counts" not in detail
    activity = Activity.objects.get(pk=a)
    assert not activity.published
    assert not Participation.objects.exists()


@pytest.mark.parametrize("who", ["provider_user", "evaluator"])
def test_providers_and_evaluators_see_nothing(client, world, request, who):
    client.force_login(request.getfixturevalue(who))
    for url in _pages(world) + _write_pages(world):
        assert client.get(url).status_code == 404, url


def test_another_council_gets_404(client, other_commissioner, world):
    client.force_login(other_commissioner)
    for url in _pages(world)[2:3] + _write_pages(world)[1:]:
        assert client.get(url).status_code == 404, url
    listing = client.get("/engagement/").content.decode()
    assert "Kent forum" in listing and "Listening event" not in listing


def test_anonymous_is_sent_to_sign_in(client, world):
    for url in _pages(world) + _write_pages(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/sign-in/"), url


def test_list_filters_by_programme(client, commissioner, council, world):
    make_activity(council, commissioner, title="Unlinked workshop")
    client.force_login(commissioner)
    everything = client.get("/engagement/").content.decode()
    assert "Unlinked workshop" in everything and "Listening event" in everything
    filtered = client.get(f"/engagement/?programme={world['programme'].pk}").content.decode()
    assert "Unlinked workshop" not in filtered and "Listening event" in filtered
    for junk in ("abc", "-1", "99999999999999999999", "1' or 1=1"):
        assert client.get("/engagement/", {"programme": junk}).status_code == 200


def test_record_an_activity(client, commissioner, world):
    client.force_login(commissioner)
    response = client.post(
        "/engagement/activities/new/",
        {
            "title": "Carers' forum",
            "kind": "forum",
            "channel": "in_person",
            "starts_on-day": "12",
            "starts_on-month": "5",
            "starts_on-year": "2026",
            "organiser": "Carers First",
            "programme": str(world["programme"].pk),
        },
    )
    activity = Activity.objects.get(title="Carers' forum")
    assert response.status_code == 302
    assert response["Location"] == f"/engagement/activities/{activity.pk}/"
    assert activity.programme == world["programme"] and activity.owner == commissioner.organisation


@pytest.mark.parametrize(
    "data,message",
    [
        ({}, "Enter the title"),
        ({"title": "X", "kind": "rave"}, "Select a valid choice"),
        (
            {"title": "X", "starts_on-day": "31", "starts_on-month": "2", "starts_on-year": "2026"},
            "must be a real date",
        ),
        (
            {
                "title": "X",
                "kind": "forum",
                "channel": "digital",
                "organiser": "Y",
                "starts_on-day": "3",
                "starts_on-month": "3",
                "starts_on-year": "2026",
                "ends_on-day": "1",
                "ends_on-month": "3",
                "ends_on-year": "2026",
            },
            "on or after the start date",
        ),
        ({"title": "X", "programme": "not-a-programme"}, "Select a valid choice"),
    ],
)
def test_bad_activity_input_is_an_error_summary(client, commissioner, world, data, message):
    client.force_login(commissioner)
    response = client.post("/engagement/activities/new/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert "<title>Error:" in html


def test_edit_and_publish(client, commissioner, world):
    client.force_login(commissioner)
    a = world["activity"]
    response = client.post(
        f"/engagement/activities/{a.pk}/edit/",
        {
            "title": "Listening event (moved)",
            "kind": "workshop",
            "channel": "in_person",
            "starts_on-day": "5",
            "starts_on-month": "3",
            "starts_on-year": "2026",
            "organiser": "Team",
            "programme": str(world["programme"].pk),
        },
    )
    assert response.status_code == 302
    client.post(f"/engagement/activities/{a.pk}/publish/", {"action": "publish"})
    a.refresh_from_db()
    assert a.title == "Listening event (moved)" and a.published
    assert client.post(f"/engagement/activities/{a.pk}/publish/", {"action": "x"}).status_code == (
        404
    )
    assert client.get(f"/engagement/activities/{a.pk}/publish/").status_code == 405


def test_participation_entry_and_its_rule(client, commissioner, world):
    client.force_login(commissioner)
    a = world["activity"]
    url = f"/engagement/activities/{a.pk}/participation/sex/"
    response = client.post(url, {"g_female": "12", "g_male": "7", "g_not_provided": ""})
    assert response.status_code == 302
    age_url = f"/engagement/activities/{a.pk}/participation/age_band/"
    page = client.get(age_url).content.decode()
    assert "must add up to 19" in page
    refused = client.post(age_url, {"g_65_plus": "20"})
    assert refused.status_code == 200
    assert "Age adds up to 20 but this activity has 19 participants" in refused.content.decode()
    for junk in ({"g_65_plus": "-1"}, {"g_65_plus": "lots"}, {"g_65_plus": "1e9"}):
        response = client.post(age_url, junk)
        assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert client.get(f"/engagement/activities/{a.pk}/participation/shoe/").status_code == 404
    detail = client.get(f"/engagement/activities/{a.pk}/").content.decode()
    assert 'id="participants">19' in detail
    client.post(f"/engagement/activities/{a.pk}/participation/clear/")
    assert queries.participation_table(a)[0] == 0


CSV = "age,sex,ethnic_group,disability,carer,postcode,taking_part_as,feedback\n"


def test_survey_upload_shows_errors_by_row_and_column(client, commissioner, world):
    client.force_login(commissioner)
    a = world["activity"]
    url = f"/engagement/activities/{a.pk}/survey/"
    bad = SimpleUploadedFile("s.csv", (CSV + "200,f,,,,,,\n30,f,white,no,no,XX,public,\n").encode())
    response = client.post(url, {"file": bad})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and 'id="error-table"' in html
    assert "2 problems found in s.csv; nothing was saved." in html
    assert "not a likely age" in html and "not a full UK postcode" in html
    good = SimpleUploadedFile("s.csv", (CSV + "70,f,white,no,no,ME1 1AA,public,Lovely\n").encode())
    response = client.post(url, {"file": good})
    assert response.status_code == 302
    assert queries.participation_table(a)[0] == 1
    detail = client.get(f"/engagement/activities/{a.pk}/").content.decode()
    assert "Refused" in detail and "Imported" in detail


@pytest.mark.parametrize(
    "upload",
    [
        None,
        SimpleUploadedFile("s.pdf", b"%PDF-1.4"),
        SimpleUploadedFile("s.csv", b""),
        SimpleUploadedFile("s.xlsx", b"PK\x03\x04 not really a workbook"),
        SimpleUploadedFile("s.csv", b"\x00\x01\x02"),
    ],
)
def test_no_upload_produces_a_500(client, commissioner, world, upload):
    client.force_login(commissioner)
    url = f"/engagement/activities/{world['activity'].pk}/survey/"
    response = client.post(url, {"file": upload} if upload else {})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_writes_through_pages_are_audited(client, commissioner, world):
    client.force_login(commissioner)
    a = world["activity"]
    client.post(f"/engagement/activities/{a.pk}/participation/carer/", {"g_carer": "3"})
    assert AuditLog.objects.filter(
        object_id=str(a.pk), summary="Participation by unpaid carer recorded", user=commissioner
    ).exists()
