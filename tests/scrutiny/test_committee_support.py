"""Fixtures for the scrutiny record tests (no tests here): a committee of the council with
members, a held meeting and a scheduled one, an agenda item about a programme, and the same for
another council."""

import datetime as dt

import pytest
from django.utils import timezone

from tendercare.organisations.models import Role
from tendercare.programmes import services as programme_services
from tendercare.scrutiny import services

from ..factories import UserFactory

D = dt.date


def at(days: int, hour: int = 18) -> dt.datetime:
    """A moment `days` from now (negative: in the past), on the hour, UK time."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.fixture
def programme(db, council, commissioner):
    return programme_services.programme_create(
        owner=council, name="Home care from November 2026", ref="MED-HC-2026", by=commissioner
    )


@pytest.fixture
def other_programme(db, other_council, other_commissioner):
    return programme_services.programme_create(
        owner=other_council, name="Kent community services", by=other_commissioner
    )


@pytest.fixture
def committee(db, council, commissioner):
    return services.committee_create(
        owner=council,
        name="Health and Adult Social Care Overview and Scrutiny Committee",
        remit="Health services and adult social care in Medway",
        by=commissioner,
    )


@pytest.fixture
def other_committee(db, other_council, other_commissioner):
    return services.committee_create(
        owner=other_council, name="Kent Health Overview and Scrutiny", by=other_commissioner
    )


@pytest.fixture
def chair(committee, commissioner):
    return services.member_add(
        committee=committee, name="Cllr Ada Wren", role="chair", by=commissioner
    )


@pytest.fixture
def member(committee, commissioner):
    return services.member_add(committee=committee, name="Cllr Ben Moss", by=commissioner)


@pytest.fixture
def held_meeting(committee, commissioner):
    return services.meeting_create(
        committee=committee,
        starts_at=at(-14),
        venue="Council Chamber",
        status="held",
        by=commissioner,
    )


@pytest.fixture
def next_meeting(committee, commissioner):
    return services.meeting_create(
        committee=committee, starts_at=at(30), venue="Council Chamber", by=commissioner
    )


@pytest.fixture
def item(held_meeting, programme, commissioner):
    return services.agenda_item_add(
        meeting=held_meeting,
        title="Home care re-procurement: update",
        programme=programme,
        by=commissioner,
    )


@pytest.fixture
def other_meeting(other_committee, other_commissioner):
    return services.meeting_create(
        committee=other_committee, starts_at=at(-7), status="held", by=other_commissioner
    )


@pytest.fixture
def procurement_lead(db, council):
    return UserFactory(username="lead", role=Role.PROCUREMENT_LEAD, organisation=council)
