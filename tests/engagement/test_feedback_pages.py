"""The feedback, theme and you-said-we-did pages and API: who may see and change, forms with
error summaries, and no 500 on any input."""

import datetime as dt

import pytest

from tendercare.engagement import feedback as services
from tendercare.engagement.models import Change, FeedbackItem, Theme

from .test_feedback_support import *  # noqa: F403 - fixtures

D = dt.date


def get(client, user, path):
    client.force_login(user)
    return client.get(path)


def post(client, user, path, data):
    client.force_login(user)
    return client.post(path, data)


@pytest.fixture
def pages(programme, item, change, timeliness):
    return [
        "/engagement/feedback/",
        f"/engagement/feedback/?programme={programme.pk}&theme={timeliness.pk}",
        f"/engagement/feedback/{item.pk}/",
        "/engagement/feedback/themes/",
        f"/engagement/feedback/themes/{timeliness.pk}/",
        f"/engagement/feedback/programmes/{programme.pk}/",
    ]


# --- access ---------------------------------------------------------------------------------


def test_commissioner_and_councillor_read_every_page(client, commissioner, councillor, pages):
    for user in (commissioner, councillor):
        for path in pages:
            assert get(client, user, path).status_code == 200, (user, path)


def test_provider_evaluator_and_other_council_get_404(
    client, provider_user, evaluator, other_commissioner, pages, programme, change
):
    write_pages = [
        f"/engagement/feedback/programmes/{programme.pk}/changes/new/",
        f"/engagement/feedback/changes/{change.pk}/",
    ]
    for user in (provider_user, evaluator, other_commissioner):
        for path in pages[2:] + write_pages:
            if user is other_commissioner and path == "/engagement/feedback/themes/":
                continue  # they have their own (empty) list
            assert get(client, user, path).status_code == 404, (user, path)
        assert (
            post(client, user, f"/engagement/feedback/changes/{change.pk}/publish/", {}).status_code
            == 404
        )
    for user in (provider_user, evaluator):
        assert get(client, user, "/engagement/feedback/").status_code == 404
        assert get(client, user, "/engagement/feedback/themes/").status_code == 404


def test_other_council_sees_none_of_ours_in_lists(client, other_commissioner, item, timeliness):
    html = get(client, other_commissioner, "/engagement/feedback/").content.decode()
    assert "often late" not in html
    html = get(client, other_commissioner, "/engagement/feedback/themes/").content.decode()
    assert "Timeliness" not in html


def test_anonymous_people_are_sent_to_sign_in(client, pages, programme, change):
    for path in pages + [f"/engagement/feedback/programmes/{programme.pk}/changes/new/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/sign-in/"), path
    response = client.post(f"/engagement/feedback/changes/{change.pk}/publish/", {})
    assert response["Location"].startswith("/sign-in/")
    assert not Change.objects.get(pk=change.pk).published


def test_councillor_gets_403_on_every_write(
    client, councillor, programme, item, change, timeliness, activity
):
    for path, data in [
        ("/engagement/feedback/new/", {"activity": activity.pk, "text": "x"}),
        (f"/engagement/feedback/{item.pk}/", {"themes": [timeliness.pk]}),
        ("/engagement/feedback/themes/", {"name": "New"}),
        (f"/engagement/feedback/themes/{timeliness.pk}/", {"name": "Renamed"}),
        (f"/engagement/feedback/programmes/{programme.pk}/changes/new/", {"you_said": "x"}),
        (f"/engagement/feedback/changes/{change.pk}/", {"you_said": "x"}),
        (f"/engagement/feedback/changes/{change.pk}/publish/", {"action": "publish"}),
    ]:
        assert post(client, councillor, path, data).status_code == 403, path
    for path in [
        "/engagement/feedback/new/",
        f"/engagement/feedback/programmes/{programme.pk}/changes/new/",
        f"/engagement/feedback/changes/{change.pk}/",
    ]:
        assert get(client, councillor, path).status_code == 403, path
    timeliness.refresh_from_db()
    assert timeliness.name == "Timeliness"
    assert not Change.objects.get(pk=change.pk).published
    # and reads without the buttons
    html = get(client, councillor, f"/engagement/feedback/programmes/{programme.pk}/").content
    assert b"Record a change" not in html and b"Publish" not in html


# --- feedback and themes --------------------------------------------------------------------


def test_list_shows_suggestions_beside_unconfirmed_items(
    client, commissioner, item, timeliness, staff
):
    html = get(client, commissioner, "/engagement/feedback/").content.decode()
    assert "My carers are kind" in html
    assert "Suggested themes" in html
    assert "mentions “carers”" in html and "mentions “late”" in html
    assert 'name="themes"' in html and "Confirm themes" in html


def test_confirm_from_the_list_goes_back_to_it(client, commissioner, item, timeliness, staff):
    response = post(
        client,
        commissioner,
        f"/engagement/feedback/{item.pk}/",
        {"themes": [timeliness.pk], "next": "/engagement/feedback/?status=unconfirmed"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/engagement/feedback/?status=unconfirmed"
    item.refresh_from_db()
    assert list(item.themes.all()) == [timeliness]
    assert item.themes_confirmed_by == commissioner
    html = get(client, commissioner, "/engagement/feedback/").content.decode()
    assert "Confirmed by" in html
    # filtered to unconfirmed, it is gone
    html = get(client, commissioner, "/engagement/feedback/?status=unconfirmed").content.decode()
    assert "My carers are kind" not in html


def test_confirm_refuses_a_foreign_theme_and_an_offsite_next(
    client, commissioner, item, other_theme, timeliness
):
    response = post(
        client, commissioner, f"/engagement/feedback/{item.pk}/", {"themes": [other_theme.pk]}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    response = post(
        client,
        commissioner,
        f"/engagement/feedback/{item.pk}/",
        {"themes": [timeliness.pk], "next": "https://evil.example/"},
    )
    assert response["Location"] == f"/engagement/feedback/{item.pk}/"


def test_add_feedback(client, commissioner, activity):
    response = post(
        client,
        commissioner,
        "/engagement/feedback/new/",
        {
            "activity": activity.pk,
            "text": "The bus does not reach the day centre",
            "received_on-day": "12",
            "received_on-month": "1",
            "received_on-year": "2026",
        },
    )
    item = FeedbackItem.objects.get(text__startswith="The bus")
    assert response["Location"] == f"/engagement/feedback/{item.pk}/"


@pytest.mark.parametrize(
    "data, error",
    [
        ({"activity": ""}, "Choose the activity"),
        ({"activity": "999999", "text": "x"}, "Choose an activity from the list"),
        ({"activity": "abc", "text": "x"}, "Choose an activity from the list"),
        ({"text": ""}, "Enter what the person said"),
        ({"received_on-day": "31", "received_on-month": "2", "received_on-year": "2026"}, "real"),
        ({"received_on-day": "1", "received_on-month": "1", "received_on-year": "2020"}, "before"),
    ],
)
def test_add_feedback_errors(client, commissioner, activity, data, error):
    full = {
        "activity": activity.pk,
        "text": "x",
        "received_on-day": "12",
        "received_on-month": "1",
        "received_on-year": "2026",
        **data,
    }
    response = post(client, commissioner, "/engagement/feedback/new/", full)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and error in html


def test_theme_create_and_edit(client, commissioner, council, timeliness):
    response = post(
        client,
        commissioner,
        "/engagement/feedback/themes/",
        {"name": "Transport", "keywords": "bus\nparking", "description": ""},
    )
    assert response.status_code == 302
    assert Theme.objects.get(name="Transport").keywords == "bus\nparking"
    response = post(client, commissioner, "/engagement/feedback/themes/", {"name": "timeliness"})
    assert "already has a theme called" in response.content.decode()
    response = post(client, commissioner, "/engagement/feedback/themes/", {"name": ""})
    assert "Enter the theme" in response.content.decode()
    response = post(
        client,
        commissioner,
        f"/engagement/feedback/themes/{timeliness.pk}/",
        {"name": "Punctuality", "keywords": "late"},
    )
    assert response.status_code == 302
    timeliness.refresh_from_db()
    assert timeliness.name == "Punctuality"


def test_filters_ignore_nonsense(client, commissioner, item):
    for query in [
        "?programme=abc",
        "?theme=99999",
        "?activity=-1&page=xyz",
        "?status=%00",
        "?page=999",
    ]:
        assert get(client, commissioner, "/engagement/feedback/" + query).status_code == 200


def test_unknown_ids_are_404(client, commissioner):
    for path in [
        "/engagement/feedback/999999/",
        "/engagement/feedback/themes/999999/",
        "/engagement/feedback/programmes/999999/",
        "/engagement/feedback/programmes/999999/changes/new/",
        "/engagement/feedback/changes/999999/",
    ]:
        assert get(client, commissioner, path).status_code == 404, path


# --- you said, we did -----------------------------------------------------------------------


def test_you_said_we_did_page(client, commissioner, programme, change, timeliness, item):
    services.feedback_confirm_themes(item=item, themes=[timeliness], by=commissioner)
    html = get(client, commissioner, f"/engagement/feedback/programmes/{programme.pk}/").content
    html = html.decode()
    assert f'id="change-{change.pk}"' in html
    assert "Visits are often late" in html and "within 30 minutes" in html
    assert "Requirement in a service specification" in html
    assert f'href="/procurements/{change.requirement.procurement_id}/requirements/' in html
    assert 'id="theme-counts"' in html
    assert "What people said (1 feedback item)" in html
    assert "Not published" in html


def test_change_create_page(client, commissioner, programme, item, requirement, schedule, decision):
    path = f"/engagement/feedback/programmes/{programme.pk}/changes/new/"
    page = get(client, commissioner, path).content.decode()
    assert "MED-HC-1: R1 Visit times" in page and "MED-HC-Z1" in page
    assert "Visit windows of 30 minutes" in page and "My carers are kind" in page
    response = post(
        client,
        commissioner,
        path,
        {"you_said": "Late", "we_did": "KPI", "kpi_schedule": schedule.pk, "feedback": [item.pk]},
    )
    change = Change.objects.get()
    assert response["Location"].endswith(f"#change-{change.pk}")
    assert change.kpi_schedule == schedule and list(change.feedback.all()) == [item]


def test_change_form_says_a_link_is_needed_before_the_table_does(client, commissioner, programme):
    path = f"/engagement/feedback/programmes/{programme.pk}/changes/new/"
    response = post(client, commissioner, path, {"you_said": "x", "we_did": "y"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "Say what changed" in html
    assert 'href="#requirement"' in html
    assert not Change.objects.exists()


def test_change_form_refuses_what_is_not_offered(
    client, commissioner, programme, other_requirement, other_decision, item
):
    path = f"/engagement/feedback/programmes/{programme.pk}/changes/new/"
    for data in [
        {"requirement": other_requirement.pk},
        {"decision": other_decision.pk},
        {"decision": "not-a-number"},
        {"requirement": "1", "feedback": ["999999"]},
        {"theme": "zzz", "requirement": "1"},
    ]:
        response = post(client, commissioner, path, {"you_said": "x", "we_did": "y", **data})
        assert response.status_code == 200, data
        assert "There is a problem" in response.content.decode()
    assert not Change.objects.exists()


def test_change_edit_and_publish(client, commissioner, change, decision, programme):
    path = f"/engagement/feedback/changes/{change.pk}/"
    page = get(client, commissioner, path).content.decode()
    assert "Visits are often late" in page
    response = post(
        client,
        commissioner,
        path,
        {"you_said": "Late", "we_did": "Decided", "decision": decision.pk},
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.decision == decision and change.requirement is None
    assert list(change.feedback.all()) == []
    publish = f"/engagement/feedback/changes/{change.pk}/publish/"
    post(client, commissioner, publish, {"action": "publish"})
    assert Change.objects.get(pk=change.pk).published
    post(client, commissioner, publish, {"action": "unpublish"})
    assert not Change.objects.get(pk=change.pk).published
    assert client.get(publish).status_code == 405
    assert post(client, commissioner, publish, {"action": "zzz"}).status_code == 400
    assert not Change.objects.get(pk=change.pk).published


def test_change_form_shows_only_feedback_of_a_theme(
    client, commissioner, programme, activity, timeliness, staff
):
    services.feedback_add(
        activity=activity,
        text="late",
        received_on=D(2026, 1, 12),
        themes=[timeliness],
        by=commissioner,
    )
    services.feedback_add(
        activity=activity,
        text="rude staff",
        received_on=D(2026, 1, 12),
        themes=[staff],
        by=commissioner,
    )
    path = f"/engagement/feedback/programmes/{programme.pk}/changes/new/?theme={timeliness.pk}"
    html = get(client, commissioner, path).content.decode()
    assert "“late”" in html and "rude staff" not in html


# --- API ------------------------------------------------------------------------------------


def test_api_themes_and_you_said_we_did(
    client, commissioner, councillor, programme, change, item, timeliness
):
    services.feedback_confirm_themes(item=item, themes=[timeliness], by=commissioner)
    for user in (commissioner, councillor):
        client.force_login(user)
        body = client.get(f"/api/v1/engagement/feedback/programmes/{programme.pk}/themes").json()
        assert body["themes"] == [{"theme": "Timeliness", "feedback_count": 1}]
        body = client.get(
            f"/api/v1/engagement/feedback/programmes/{programme.pk}/you-said-we-did"
        ).json()
        (c,) = body["changes"]
        assert c["feedback_count"] == 1 and c["theme"] == "Timeliness"
        assert c["links"][0]["kind"] == "requirement" and c["links"][0]["url"]
        themes = client.get("/api/v1/engagement/feedback/themes").json()
        assert [t["name"] for t in themes] == ["Timeliness"]


def test_api_is_scoped(client, other_commissioner, provider_user, programme, change):
    for user in (other_commissioner, provider_user):
        client.force_login(user)
        for path in ["themes", "you-said-we-did"]:
            response = client.get(f"/api/v1/engagement/feedback/programmes/{programme.pk}/{path}")
            assert response.status_code == 404
    client.logout()
    response = client.get(f"/api/v1/engagement/feedback/programmes/{programme.pk}/themes")
    assert response.status_code == 401
