"""The work programme: future items planned for a month, changed, and scheduled onto a meeting
(which puts them on its agenda)."""

import datetime as dt

import pytest

from tendercare.core.errors import DomainError, NotAllowed
from tendercare.core.models import AuditLog
from tendercare.scrutiny import queries, services

from .test_committee_support import *  # noqa: F403 - fixtures
from .test_committee_support import at

TODAY = dt.date.today()


@pytest.fixture
def entry(committee, programme, commissioner):
    return services.work_programme_item_add(
        committee=committee,
        title="Home care contract award: outcome",
        planned_for=TODAY + dt.timedelta(days=45),
        programme=programme,
        notes="After standstill",
        by=commissioner,
    )


def test_an_item_is_planned_for_a_month(entry):
    assert entry.planned_for.day == 1 and entry.status == "planned"
    assert AuditLog.objects.filter(object_type="scrutiny.workprogrammeitem").count() == 1


def test_scheduling_puts_it_on_the_agenda(entry, next_meeting, commissioner):
    services.work_programme_item_schedule(entry=entry, meeting=next_meeting, by=commissioner)
    entry.refresh_from_db()
    assert entry.status == "scheduled" and entry.meeting == next_meeting
    item = next_meeting.items.get()
    assert (item.number, item.title, item.programme) == (1, entry.title, entry.programme)
    assert list(queries.work_programme_upcoming(commissioner)) == [entry]


def test_scheduling_without_the_agenda(entry, next_meeting):
    services.work_programme_item_schedule(entry=entry, meeting=next_meeting, add_to_agenda=False)
    assert not next_meeting.items.exists()


def test_only_a_coming_meeting_of_the_same_committee(
    entry, held_meeting, other_meeting, next_meeting
):
    with pytest.raises(DomainError, match="still to be held"):
        services.work_programme_item_schedule(entry=entry, meeting=held_meeting)
    with pytest.raises(DomainError, match="this committee's meetings"):
        services.work_programme_item_schedule(entry=entry, meeting=other_meeting)
    services.work_programme_item_update(
        entry=entry, title=entry.title, planned_for=entry.planned_for, status="withdrawn"
    )
    with pytest.raises(DomainError, match="withdrawn"):
        services.work_programme_item_schedule(entry=entry, meeting=next_meeting)


def test_update_rules(entry, commissioner, councillor, other_commissioner):
    with pytest.raises(DomainError, match="Schedule the item onto a meeting"):
        services.work_programme_item_update(
            entry=entry, title="x", planned_for=TODAY, status="scheduled"
        )
    with pytest.raises(DomainError, match="item's title"):
        services.work_programme_item_update(
            entry=entry, title="", planned_for=TODAY, status="planned"
        )
    with pytest.raises(DomainError, match="month"):
        services.work_programme_item_update(
            entry=entry, title="x", planned_for="next March", status="planned"
        )
    for user in (councillor, other_commissioner):
        with pytest.raises(NotAllowed):
            services.work_programme_item_update(
                entry=entry, title="x", planned_for=TODAY, status="planned", by=user
            )
    services.work_programme_item_update(
        entry=entry, title="Award outcome", planned_for=TODAY, status="done", by=commissioner
    )
    entry.refresh_from_db()
    assert entry.status == "done" and entry.planned_for == TODAY.replace(day=1)
    assert entry not in queries.work_programme_upcoming(commissioner)


def test_upcoming_leaves_out_past_months(committee, commissioner):
    services.work_programme_item_add(
        committee=committee, title="Old", planned_for=TODAY - dt.timedelta(days=70)
    )
    new = services.work_programme_item_add(
        committee=committee, title="New", planned_for=TODAY + dt.timedelta(days=70)
    )
    assert list(queries.work_programme_upcoming(commissioner, committee=committee)) == [new]
    assert len(queries.work_programme_of(committee)) == 2


def test_a_meeting_in_the_past_can_still_be_added_as_scheduled(committee):
    meeting = services.meeting_create(committee=committee, starts_at=at(-1))
    assert meeting.status == "scheduled"
