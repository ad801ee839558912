"""Actions: owner, due date and status; every update kept in the audit trail; done needs a
completion date; overdue worked out when read. And programme_scrutiny, which the report uses."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tendercare.core.errors import DomainError, NotAllowed
from tendercare.scrutiny import queries, services
from tendercare.scrutiny.models import Action

from .test_committee_support import *  # noqa: F403 - fixtures
from .test_committee_support import at

TODAY = dt.date.today()


@pytest.fixture
def action(committee, item, commissioner):
    return services.action_add(
        committee=committee,
        item=item,
        description="Provide ward-level data to the member",
        owner_name="Head of commissioning",
        due_on=TODAY - dt.timedelta(days=3),
        by=commissioner,
    )


def test_an_action_from_an_item_is_about_its_programme(action, programme):
    assert action.programme == programme and action.status == "open"


def test_overdue_is_computed_not_stored(action, committee, commissioner):
    row = queries.action_log(commissioner).get(pk=action.pk)
    assert row.overdue is True
    assert not hasattr(Action, "overdue")
    assert list(queries.overdue_actions(commissioner, committee=committee)) == [row]
    earlier = queries.action_log(commissioner, today=TODAY - dt.timedelta(days=10))
    assert earlier.get(pk=action.pk).overdue is False


def test_status_changes_keep_the_update_in_the_audit_trail(action, commissioner):
    services.action_update(
        action=action, status="in_progress", update="Data requested from BI", by=commissioner
    )
    services.action_update(
        action=action,
        status="done",
        update="Sent to Cllr Moss",
        completed_on=TODAY,
        by=commissioner,
    )
    action.refresh_from_db()
    assert action.update == "Sent to Cllr Moss" and action.completed_on == TODAY
    summaries = [entry.summary for entry in queries.action_history(action)]
    assert summaries[1:] == [
        "Open to In progress: Data requested from BI",
        "In progress to Done: Sent to Cllr Moss",
    ]
    assert queries.action_log(commissioner).get(pk=action.pk).overdue is False
    assert not queries.open_actions(commissioner).exists()


def test_done_needs_a_completion_date_not_in_the_future(action):
    with pytest.raises(DomainError, match="date the action was done"):
        services.action_update(action=action, status="done", update="Done")
    with pytest.raises(DomainError, match="cannot be in the future"):
        services.action_update(
            action=action,
            status="done",
            update="Done",
            completed_on=TODAY + dt.timedelta(days=1),
        )
    with pytest.raises(DomainError, match="Enter an update"):
        services.action_update(action=action, status="in_progress", update="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(status="done")


def test_reopening_clears_the_completion_date(action):
    services.action_update(action=action, status="done", update="Done", completed_on=TODAY)
    services.action_update(
        action=action, status="open", update="The member asked for more", due_on=TODAY
    )
    action.refresh_from_db()
    assert action.completed_on is None and action.due_on == TODAY


def test_action_checks(committee, other_meeting, other_programme, commissioner, councillor):
    other_item = services.agenda_item_add(meeting=other_meeting, title="Kent item")
    with pytest.raises(DomainError, match="agenda item of this committee"):
        services.action_add(
            committee=committee, item=other_item, description="x", owner_name="y", due_on=TODAY
        )
    with pytest.raises(DomainError, match="nor serves its area"):
        services.action_add(
            committee=committee,
            programme=other_programme,
            description="x",
            owner_name="y",
            due_on=TODAY,
            by=commissioner,
        )
    with pytest.raises(DomainError, match="who owns"):
        services.action_add(committee=committee, description="x", owner_name="", due_on=TODAY)
    with pytest.raises(DomainError, match="due"):
        services.action_add(committee=committee, description="x", owner_name="y", due_on=None)
    with pytest.raises(NotAllowed):
        services.action_add(
            committee=committee, description="x", owner_name="y", due_on=TODAY, by=councillor
        )


def test_action_log_filters(action, committee, programme, commissioner):
    later = services.action_add(
        committee=committee,
        description="Circulate the revised milestones table",
        owner_name="Programme manager",
        due_on=TODAY + dt.timedelta(days=20),
    )
    assert list(queries.action_log(commissioner, status="overdue")) == [action]
    assert list(queries.action_log(commissioner, status="outstanding")) == [action, later]
    assert list(queries.action_log(commissioner, programme=programme)) == [action]
    assert not queries.action_log(commissioner, status="done").exists()


def test_other_familys_actions_are_not_seen_or_changed(action, other_commissioner, councillor):
    assert not queries.action_log(other_commissioner).exists()
    assert queries.action_log(councillor).count() == 1
    with pytest.raises(NotAllowed):
        services.action_update(
            action=action, status="dropped", update="Not ours", by=other_commissioner
        )
    with pytest.raises(NotAllowed):
        services.action_update(action=action, status="dropped", update="x", by=councillor)


def test_programme_scrutiny(action, item, programme, committee, commissioner, councillor):
    decision = services.decision_record(
        item=item,
        kind="substantial_variation",
        text="Determined",
        is_substantial=True,
        reasons="Four zones replace twelve providers",
    )
    planned = services.work_programme_item_add(
        committee=committee,
        title="Contract award outcome",
        planned_for=TODAY + dt.timedelta(days=40),
        programme=programme,
    )
    result = queries.programme_scrutiny(programme, councillor)
    assert result.agenda_items == [item]
    assert result.decisions == [decision]
    assert [a.pk for a in result.open_actions] == [action.pk]
    assert result.open_actions[0].overdue is True
    assert result.upcoming == [planned]
    assert result.decisions[0].item.meeting.committee == committee


def test_programme_scrutiny_is_empty_outside_scope(
    action, programme, other_commissioner, provider_user
):
    for user in (other_commissioner, provider_user):
        result = queries.programme_scrutiny(programme, user)
        assert (result.agenda_items, result.decisions, result.open_actions, result.upcoming) == (
            [],
            [],
            [],
            [],
        )


def test_meeting_dates_are_uk_days(committee):
    meeting = services.meeting_create(committee=committee, starts_at=at(-2, hour=0))
    assert timezone.localtime(meeting.starts_at).hour == 0
