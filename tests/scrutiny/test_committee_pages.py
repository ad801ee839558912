"""The scrutiny record pages: they render, forms show GOV.UK error summaries (never a 500),
and access follows the house rules (commissioner changes; councillor reads and gets 403 on
every write; provider, evaluator and another council 404; anonymous people sign in first)."""

import datetime as dt

import pytest
from django.utils import timezone

from tendercare.scrutiny import services
from tendercare.scrutiny.models import Action, Committee, CommitteeDecision, Meeting

from .test_committee_support import *  # noqa: F403 - fixtures

TODAY = dt.date.today()


@pytest.fixture
def records(committee, chair, member, held_meeting, next_meeting, item, programme):
    action = services.action_add(
        committee=committee,
        item=item,
        description="Provide ward-level data to the member",
        owner_name="Head of commissioning",
        due_on=TODAY - dt.timedelta(days=2),
    )
    services.decision_record(
        item=item,
        kind="substantial_variation",
        text="Determined the proposal",
        is_substantial=True,
        reasons="Fewer providers in each zone",
    )
    services.declaration_record(
        meeting=held_meeting, member=member, item=item, kind="registrable", interest="Trustee"
    )
    entry = services.work_programme_item_add(
        committee=committee,
        title="Contract award outcome",
        planned_for=TODAY + dt.timedelta(days=60),
        programme=programme,
    )
    return {
        "committee": committee,
        "meeting": held_meeting,
        "next": next_meeting,
        "item": item,
        "member": member,
        "action": action,
        "entry": entry,
    }


def read_urls(r):
    c, m = r["committee"].pk, r["meeting"].pk
    return [
        f"/scrutiny/{c}/",
        f"/scrutiny/meetings/{m}/",
        f"/scrutiny/actions/{r['action'].pk}/",
        f"/scrutiny/{c}/work-programme/{r['entry'].pk}/",
    ]


def write_urls(r):
    c, m, i = r["committee"].pk, r["meeting"].pk, r["item"].pk
    return [
        f"/scrutiny/{c}/edit/",
        f"/scrutiny/{c}/members/new/",
        f"/scrutiny/{c}/members/{r['member'].pk}/",
        f"/scrutiny/{c}/meetings/new/",
        f"/scrutiny/{c}/actions/new/",
        f"/scrutiny/{c}/work-programme/new/",
        f"/scrutiny/meetings/{m}/edit/",
        f"/scrutiny/meetings/{m}/items/new/",
        f"/scrutiny/meetings/{m}/items/{i}/",
        f"/scrutiny/meetings/{m}/items/{i}/decisions/new/",
        f"/scrutiny/meetings/{m}/declarations/new/",
    ]


# Pages whose GET reads and whose POST writes.
def post_only_write_urls(r):
    return [f"/scrutiny/actions/{r['action'].pk}/", *read_urls(r)[3:]]


def test_commissioner_sees_every_page(client, commissioner, records):
    client.force_login(commissioner)
    for path in ["/scrutiny/", "/scrutiny/actions/", *read_urls(records), *write_urls(records)]:
        response = client.get(path)
        assert response.status_code == 200, path
    assert client.get("/scrutiny/new/").status_code == 200


def test_committee_page_shows_members_meetings_actions_and_work_programme(
    client, councillor, records
):
    client.force_login(councillor)
    html = client.get(f"/scrutiny/{records['committee'].pk}/").content.decode()
    assert "Cllr Ada Wren" in html and "Chair" in html
    assert 'id="upcoming-meetings"' in html and 'id="past-meetings"' in html
    assert "Provide ward-level data to the member" in html and "Overdue" in html
    assert "Contract award outcome" in html
    assert "Add a meeting" not in html and "Change the committee" not in html


def test_meeting_page_shows_agenda_decisions_and_declarations(client, councillor, records):
    client.force_login(councillor)
    html = client.get(f"/scrutiny/meetings/{records['meeting'].pk}/").content.decode()
    assert "1. Home care re-procurement: update" in html
    assert "Substantial development or variation." in html
    assert "Reasons: Fewer providers in each zone" in html
    assert "Trustee" in html and "Cllr Ben Moss" in html
    assert "Record a decision" not in html


def test_councillor_gets_403_on_every_write(client, councillor, records):
    client.force_login(councillor)
    for path in read_urls(records):
        assert client.get(path).status_code == 200, path
    for path in write_urls(records):
        assert client.get(path).status_code == 403, path
        assert client.post(path, {"name": "x", "title": "x"}).status_code == 403, path
    for path in post_only_write_urls(records):
        assert client.post(path, {"step": "edit", "status": "done"}).status_code == 403, path
    assert client.get("/scrutiny/new/").status_code == 403
    assert not Committee.objects.filter(name="x").exists()
    assert Action.objects.get().status == "open"


@pytest.mark.parametrize("who", ["provider_user", "evaluator", "other_commissioner"])
def test_out_of_scope_is_404(client, request, who, records):
    client.force_login(request.getfixturevalue(who))
    for path in read_urls(records) + write_urls(records):
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"title": "x"}).status_code == 404, path
    html = client.get("/scrutiny/").content.decode()
    assert records["committee"].name not in html
    assert "ward-level" not in client.get("/scrutiny/actions/").content.decode()


def test_anonymous_people_sign_in_first(client, records):
    for path in ["/scrutiny/", "/scrutiny/actions/", *read_urls(records), *write_urls(records)]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/"), path


def test_add_a_committee_and_a_meeting(signed_in, commissioner):
    response = signed_in.post(
        "/scrutiny/new/", {"name": "Health Scrutiny", "remit": "Health", "published": "on"}
    )
    committee = Committee.objects.get(name="Health Scrutiny")
    assert response.status_code == 302 and committee.published and not committee.joint
    day = timezone.localdate() + dt.timedelta(days=10)
    response = signed_in.post(
        f"/scrutiny/{committee.pk}/meetings/new/",
        {
            "date-day": day.day,
            "date-month": day.month,
            "date-year": day.year,
            "time": "18:30",
            "venue": "Gun Wharf",
            "status": "scheduled",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    local = timezone.localtime(meeting.starts_at)
    assert (local.date(), local.hour, local.minute) == (day, 18, 30)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"date-day": "31", "date-month": "2", "date-year": "2027", "time": "18:00"}, "real date"),
        ({"date-day": "1", "date-month": "2", "date-year": "2027", "time": "25:99"}, "real time"),
        ({"date-day": "x", "date-month": "2", "date-year": "2027", "time": "18:00"}, "in numbers"),
        ({"date-day": "1", "date-month": "2", "date-year": "2027", "time": "six"}, "24-hour"),
        ({"date-day": "1", "date-month": "2", "date-year": "2027", "time": ""}, "time the meeting"),
        (
            {
                "date-day": "1",
                "date-month": "2",
                "date-year": "2020",
                "time": "18:00",
                "status": "bogus",
            },
            "valid choice",
        ),
    ],
)
def test_bad_meeting_input_shows_an_error_summary(signed_in, committee, data, message):
    response = signed_in.post(
        f"/scrutiny/{committee.pk}/meetings/new/", {"status": "scheduled", **data}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and message in html
    assert not Meeting.objects.exists()


def test_a_future_meeting_cannot_be_marked_held(signed_in, committee):
    day = timezone.localdate() + dt.timedelta(days=3)
    response = signed_in.post(
        f"/scrutiny/{committee.pk}/meetings/new/",
        {
            "date-day": day.day,
            "date-month": day.month,
            "date-year": day.year,
            "time": "10:00",
            "status": "held",
        },
    )
    assert response.status_code == 200
    assert "cannot have been held" in response.content.decode()


def test_agenda_item_and_decision_forms(signed_in, held_meeting, programme):
    base = f"/scrutiny/meetings/{held_meeting.pk}"
    response = signed_in.post(
        f"{base}/items/new/", {"title": "Home care", "programme": str(programme.pk)}
    )
    assert response.status_code == 302
    item = held_meeting.items.get()
    assert item.number == 1 and item.programme == programme
    # A number already taken, a programme that is not offered, a number that is not a number.
    for data in (
        {"title": "Dup", "number": "1"},
        {"title": "P", "programme": "999999"},
        {"title": "N", "number": "one"},
    ):
        response = signed_in.post(f"{base}/items/new/", data)
        assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    response = signed_in.post(
        f"{base}/items/{item.pk}/decisions/new/",
        {"kind": "substantial_variation", "text": "Determined", "is_substantial": "yes"},
    )
    assert "Enter the committee&#39;s reasons" in response.content.decode()
    response = signed_in.post(
        f"{base}/items/{item.pk}/decisions/new/",
        {"kind": "referred", "text": "Referred"},
    )
    assert "where the matter was referred" in response.content.decode()
    response = signed_in.post(
        f"{base}/items/{item.pk}/decisions/new/",
        {
            "kind": "substantial_variation",
            "text": "Determined",
            "is_substantial": "no",
            "reasons": "Local access is unchanged",
        },
    )
    assert response.status_code == 302
    assert CommitteeDecision.objects.get().is_substantial is False


def test_declaration_form_offers_only_members_and_items_of_the_meeting(
    signed_in, held_meeting, item, member, other_committee
):
    stranger = services.member_add(committee=other_committee, name="Cllr Kent")
    url = f"/scrutiny/meetings/{held_meeting.pk}/declarations/new/"
    response = signed_in.post(
        url, {"member": str(stranger.pk), "kind": "pecuniary", "interest": "Shares"}
    )
    assert response.status_code == 200 and "valid choice" in response.content.decode()
    response = signed_in.post(
        url,
        {
            "member": str(member.pk),
            "item": str(item.pk),
            "kind": "pecuniary",
            "interest": "Shares in a provider",
            "left_the_room": "on",
        },
    )
    assert response.status_code == 302
    assert held_meeting.declarations.get().left_the_room


def test_action_forms_and_log(signed_in, committee, item):
    response = signed_in.post(
        f"/scrutiny/{committee.pk}/actions/new/",
        {
            "description": "Circulate the revised milestones table",
            "owner_name": "PMO",
            "due_on-day": "1",
            "due_on-month": "13",
            "due_on-year": "2026",
            "item": str(item.pk),
        },
    )
    assert response.status_code == 200 and "real date" in response.content.decode()
    day = TODAY - dt.timedelta(days=1)
    response = signed_in.post(
        f"/scrutiny/{committee.pk}/actions/new/",
        {
            "description": "Circulate the revised milestones table",
            "owner_name": "PMO",
            "due_on-day": day.day,
            "due_on-month": day.month,
            "due_on-year": day.year,
            "item": str(item.pk),
        },
    )
    action = Action.objects.get()
    assert response.status_code == 302 and action.programme == item.programme
    url = f"/scrutiny/actions/{action.pk}/"
    due = {"due_on-day": day.day, "due_on-month": day.month, "due_on-year": day.year}
    response = signed_in.post(url, {"status": "done", "owner_name": "PMO", "update": "Sent", **due})
    assert response.status_code == 200 and "date the action was done" in response.content.decode()
    response = signed_in.post(
        url,
        {
            "status": "done",
            "owner_name": "PMO",
            "update": "Sent to members",
            **due,
            "completed_on-day": TODAY.day,
            "completed_on-month": TODAY.month,
            "completed_on-year": TODAY.year,
        },
    )
    assert response.status_code == 302
    html = signed_in.get(url).content.decode()
    assert "Open to Done: Sent to members" in html
    # The log filters; junk filter values are ignored, never an error.
    for query in ("?status=done", "?status=nonsense&programme=abc&committee=-1", "?status=overdue"):
        assert signed_in.get(f"/scrutiny/actions/{query}").status_code == 200
    assert "milestones table" in signed_in.get("/scrutiny/actions/?status=done").content.decode()
    assert (
        "milestones table"
        not in signed_in.get("/scrutiny/actions/?status=overdue").content.decode()
    )


def test_work_programme_forms(signed_in, committee, next_meeting, programme):
    url = f"/scrutiny/{committee.pk}/work-programme/new/"
    response = signed_in.post(
        url, {"title": "Award", "planned_for-month": "13", "planned_for-year": "2027"}
    )
    assert response.status_code == 200 and "1 to 12" in response.content.decode()
    response = signed_in.post(
        url,
        {
            "title": "Award",
            "planned_for-month": "3",
            "planned_for-year": "2027",
            "programme": str(programme.pk),
        },
    )
    assert response.status_code == 302
    entry = committee.work_programme.get()
    assert entry.planned_for == dt.date(2027, 3, 1)
    page = f"/scrutiny/{committee.pk}/work-programme/{entry.pk}/"
    response = signed_in.post(page, {"step": "schedule", "meeting": "999999"})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    response = signed_in.post(
        page, {"step": "schedule", "meeting": str(next_meeting.pk), "add_to_agenda": "on"}
    )
    assert response.status_code == 302
    assert next_meeting.items.get().title == "Award"
    response = signed_in.post(
        page,
        {
            "step": "edit",
            "title": "Award",
            "planned_for-month": "4",
            "planned_for-year": "2027",
            "status": "done",
        },
    )
    assert response.status_code == 302


def test_odd_numbers_and_years_never_give_a_500(signed_in, committee):
    huge = "9" * 30
    for path in (
        f"/scrutiny/{huge}/",
        f"/scrutiny/meetings/{huge}/",
        f"/scrutiny/actions/{huge}/",
        f"/scrutiny/{committee.pk}/work-programme/{huge}/",
    ):
        assert signed_in.get(path).status_code == 404, path
    response = signed_in.get(f"/scrutiny/actions/?committee={huge}&programme={huge}")
    assert response.status_code == 200
    response = signed_in.post(
        f"/scrutiny/{committee.pk}/work-programme/new/",
        {"title": "Award", "planned_for-month": "3", "planned_for-year": "0000"},
    )
    assert response.status_code == 200 and "real year" in response.content.decode()
    response = signed_in.post(
        f"/scrutiny/{committee.pk}/meetings/new/",
        {
            "date-day": "1",
            "date-month": "1",
            "date-year": "0000",
            "time": "18:00",
            "status": "scheduled",
        },
    )
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
