"""Meetings, agenda items, decisions and declarations of interest."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tendercare.core.errors import DomainError, NotAllowed
from tendercare.core.models import AuditLog
from tendercare.scrutiny import queries, services
from tendercare.scrutiny.models import CommitteeDecision

from .test_committee_support import *  # noqa: F403 - fixtures
from .test_committee_support import at

SUBSTANTIAL = CommitteeDecision.Kind.SUBSTANTIAL_VARIATION


def test_a_held_meeting_cannot_be_in_the_future(committee, commissioner):
    with pytest.raises(DomainError, match="has not started yet cannot have been held"):
        services.meeting_create(
            committee=committee, starts_at=at(3), status="held", by=commissioner
        )


def test_meeting_status_moves_and_is_audited(next_meeting, commissioner):
    with pytest.raises(DomainError, match="cannot have been held"):
        services.meeting_update(
            meeting=next_meeting, starts_at=next_meeting.starts_at, status="held", by=commissioner
        )
    services.meeting_update(
        meeting=next_meeting, starts_at=at(-1), status="held", venue="Room 2", by=commissioner
    )
    log = AuditLog.objects.get(object_type="scrutiny.meeting", action="update")
    assert log.summary == "Scheduled to Held"


def test_meeting_needs_an_aware_start_and_a_real_status(committee, commissioner):
    with pytest.raises(DomainError, match="date and time"):
        services.meeting_create(committee=committee, starts_at=dt.date(2026, 1, 1))
    with pytest.raises(DomainError, match="time zone"):
        services.meeting_create(committee=committee, starts_at=dt.datetime(2026, 1, 1, 18))
    with pytest.raises(DomainError, match="not a meeting status"):
        services.meeting_create(committee=committee, starts_at=at(5), status="postponed")


def test_agenda_items_are_numbered_in_order(held_meeting, item, commissioner):
    second = services.agenda_item_add(meeting=held_meeting, title="Minutes", by=commissioner)
    assert (item.number, second.number) == (1, 2)
    with pytest.raises(DomainError, match="Item 2 is already on this agenda"):
        services.agenda_item_add(meeting=held_meeting, title="X", number=2, by=commissioner)
    tenth = services.agenda_item_add(meeting=held_meeting, title="AOB", number=10)
    assert services.agenda_item_add(meeting=held_meeting, title="Late").number == 11
    services.agenda_item_update(item=tenth, title="Any other business", number=3)
    tenth.refresh_from_db()
    assert tenth.number == 3
    with pytest.raises(DomainError, match="1 to 999"):
        services.agenda_item_update(item=tenth, title="AOB", number=0)


def test_agenda_item_programme_must_be_one_the_committee_scrutinises(
    held_meeting, other_programme, programme, commissioner, council
):
    with pytest.raises(DomainError, match="neither commissioned by .* nor serves its area"):
        services.agenda_item_add(
            meeting=held_meeting, title="Kent", programme=other_programme, by=commissioner
        )
    with pytest.raises(DomainError, match="nor serves its area"):
        services.agenda_item_add(meeting=held_meeting, title="Kent", programme=other_programme)
    item = services.agenda_item_add(
        meeting=held_meeting, title="Ours", programme=programme, by=commissioner
    )
    assert item.programme == programme


def test_a_committee_scrutinises_an_nhs_programme_serving_its_area(
    held_meeting, other_programme, commissioner, council
):
    """A council's health scrutiny committee takes up another body's programme (an ICB's)
    once that programme serves the council's area."""
    from tendercare.geography.models import Place

    council.ons_code = "E06000035"
    council.save()
    other_programme.places.set([Place.objects.create(code="E06000035", name="Medway")])
    item = services.agenda_item_add(
        meeting=held_meeting, title="ICB proposals", programme=other_programme, by=commissioner
    )
    assert item.programme == other_programme
    scrutiny = queries.programme_scrutiny(other_programme, None)
    assert [i.pk for i in scrutiny.agenda_items] == [item.pk]


def test_no_items_on_a_cancelled_meeting(next_meeting, commissioner):
    services.meeting_update(
        meeting=next_meeting, starts_at=next_meeting.starts_at, status="cancelled"
    )
    with pytest.raises(DomainError, match="cancelled"):
        services.agenda_item_add(meeting=next_meeting, title="X", by=commissioner)


def test_substantial_variation_needs_answer_and_reasons(item, commissioner):
    with pytest.raises(DomainError, match="Say whether"):
        services.decision_record(item=item, kind=SUBSTANTIAL, text="Determined", reasons="R")
    with pytest.raises(DomainError, match="reasons"):
        services.decision_record(
            item=item, kind=SUBSTANTIAL, text="Determined", is_substantial=False
        )
    decision = services.decision_record(
        item=item,
        kind=SUBSTANTIAL,
        text="The committee determined the proposal is not a substantial variation",
        is_substantial=False,
        reasons="Services stay local; no change to access for patients",
        by=commissioner,
    )
    assert decision.is_substantial is False
    assert decision.decided_on == timezone.localtime(item.meeting.starts_at).date()
    log = AuditLog.objects.get(object_type="scrutiny.committeedecision")
    assert "not substantial" in log.summary


def test_a_referral_names_where(item, commissioner):
    with pytest.raises(DomainError, match="where the matter was referred"):
        services.decision_record(item=item, kind="referred", text="Referred", by=commissioner)
    decision = services.decision_record(
        item=item,
        kind="referred",
        text="Referred",
        referred_to="Secretary of State for Health and Social Care",
        is_substantial=True,  # a stray answer from the form is not kept
        by=commissioner,
    )
    assert decision.referred_to.startswith("Secretary") and decision.is_substantial is None


def test_the_database_also_refuses_a_bad_decision(item):
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitteeDecision.objects.create(
            item=item, kind=SUBSTANTIAL, text="x", decided_on=dt.date(2026, 1, 1)
        )


def test_decision_dates_and_cancelled_meetings(item, next_meeting, commissioner):
    meeting_day = timezone.localtime(item.meeting.starts_at).date()
    with pytest.raises(DomainError, match="before the meeting"):
        services.decision_record(
            item=item, kind="noted", text="Noted", decided_on=meeting_day - dt.timedelta(days=1)
        )
    with pytest.raises(DomainError, match="future"):
        services.decision_record(
            item=item,
            kind="noted",
            text="Noted",
            decided_on=timezone.localdate() + dt.timedelta(days=1),
        )
    with pytest.raises(DomainError, match="not a kind of decision"):
        services.decision_record(item=item, kind="vetoed", text="No")
    with pytest.raises(DomainError, match="what the committee decided"):
        services.decision_record(item=item, kind="noted", text=" ")
    services.decision_record(item=item, kind="noted", text="Noted the update")
    with pytest.raises(DomainError, match="cannot be cancelled"):
        services.meeting_update(
            meeting=item.meeting, starts_at=item.meeting.starts_at, status="cancelled"
        )


def test_declarations_need_a_member_and_an_item_of_the_meeting(
    held_meeting, next_meeting, item, member, other_meeting, other_committee, commissioner
):
    declaration = services.declaration_record(
        meeting=held_meeting,
        member=member,
        item=item,
        kind="non_registrable",
        interest="A relative works for a home care provider",
        left_the_room=True,
        by=commissioner,
    )
    assert list(queries.declarations_at(held_meeting)) == [declaration]
    stranger = services.member_add(committee=other_committee, name="Cllr Kent")
    with pytest.raises(DomainError, match="is not a member of"):
        services.declaration_record(
            meeting=held_meeting, member=stranger, kind="pecuniary", interest="x"
        )
    with pytest.raises(DomainError, match="item on this meeting's agenda"):
        services.declaration_record(
            meeting=next_meeting, member=member, item=item, kind="pecuniary", interest="x"
        )
    with pytest.raises(NotAllowed):
        services.declaration_record(
            meeting=other_meeting,
            member=stranger,
            kind="pecuniary",
            interest="x",
            by=commissioner,
        )


def test_councillor_cannot_write_meetings(held_meeting, item, member, councillor):
    with pytest.raises(NotAllowed):
        services.meeting_create(committee=held_meeting.committee, starts_at=at(9), by=councillor)
    with pytest.raises(NotAllowed):
        services.agenda_item_add(meeting=held_meeting, title="X", by=councillor)
    with pytest.raises(NotAllowed):
        services.decision_record(item=item, kind="noted", text="x", by=councillor)
    with pytest.raises(NotAllowed):
        services.declaration_record(
            meeting=held_meeting, member=member, kind="pecuniary", interest="x", by=councillor
        )


def test_meetings_of_splits_upcoming_and_past(committee, held_meeting, next_meeting):
    upcoming, past = queries.meetings_of(committee)
    assert upcoming == [next_meeting] and past == [held_meeting]
