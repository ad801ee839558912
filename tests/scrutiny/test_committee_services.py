"""Committees and members: created and changed by commissioning staff of the owner's family,
audited; another family's committee and a councillor are refused."""

import pytest

from tendercare.core.errors import DomainError, NotAllowed
from tendercare.core.models import AuditLog
from tendercare.scrutiny import queries, services
from tendercare.scrutiny.models import Committee

from .test_committee_support import *  # noqa: F403 - fixtures
from .test_committee_support import D


def test_committee_create_is_audited(committee, commissioner):
    assert committee.owner == commissioner.organisation
    log = AuditLog.objects.get(object_type="scrutiny.committee", object_id=str(committee.pk))
    assert log.action == "create" and log.user == commissioner


def test_committee_names_are_unique_per_owner(committee, council, commissioner):
    with pytest.raises(DomainError, match="already has a committee"):
        services.committee_create(owner=council, name=committee.name.upper(), by=commissioner)


def test_committee_needs_a_name_and_a_commissioning_owner(council, provider_org, commissioner):
    with pytest.raises(DomainError, match="Enter the committee's name"):
        services.committee_create(owner=council, name="  ", by=commissioner)
    with pytest.raises(DomainError, match="council or another commissioning body"):
        services.committee_create(owner=provider_org, name="Providers", by=None)


def test_only_managers_of_the_family_create(council, other_council, councillor, commissioner):
    with pytest.raises(NotAllowed):
        services.committee_create(owner=council, name="HOSC", by=councillor)
    with pytest.raises(NotAllowed):
        services.committee_create(owner=other_council, name="HOSC", by=commissioner)
    assert not Committee.objects.filter(name="HOSC").exists()


def test_committee_update_keeps_before_and_after(committee, commissioner):
    services.committee_update(
        committee=committee, name="Health Scrutiny", remit="Health", joint=True, by=commissioner
    )
    committee.refresh_from_db()
    assert committee.name == "Health Scrutiny" and committee.joint
    log = AuditLog.objects.filter(object_type="scrutiny.committee", action="update").get()
    assert log.before["joint"] is False and log.after["joint"] is True


def test_another_familys_committee_cannot_be_changed(
    other_committee, commissioner, councillor, committee
):
    with pytest.raises(NotAllowed):
        services.committee_update(committee=other_committee, name="Mine now", by=commissioner)
    with pytest.raises(NotAllowed):
        services.member_add(committee=other_committee, name="Cllr X", by=commissioner)
    with pytest.raises(NotAllowed):
        services.committee_update(committee=committee, name="Councillor's", by=councillor)


def test_members_and_one_current_chair(committee, chair, member, commissioner):
    assert [m.name for m in queries.members_of(committee)] == ["Cllr Ada Wren", "Cllr Ben Moss"]
    with pytest.raises(DomainError, match="Cllr Ada Wren is the chair"):
        services.member_add(committee=committee, name="Cllr Cy", role="chair", by=commissioner)
    services.member_update(
        member=chair,
        name=chair.name,
        role="chair",
        since=D(2024, 5, 1),
        until=D(2026, 5, 1),
        by=commissioner,
    )
    new_chair = services.member_add(
        committee=committee, name="Cllr Cy", role="chair", since=D(2026, 5, 2), by=commissioner
    )
    assert new_chair.role == "chair"
    assert AuditLog.objects.filter(object_type="scrutiny.member").count() == 4


def test_member_dates_and_role_are_checked(committee, commissioner):
    with pytest.raises(DomainError, match="on or after the date they joined"):
        services.member_add(
            committee=committee,
            name="Cllr D",
            since=D(2026, 1, 2),
            until=D(2026, 1, 1),
            by=commissioner,
        )
    with pytest.raises(DomainError, match="not a committee role"):
        services.member_add(committee=committee, name="Cllr D", role="king", by=commissioner)
    with pytest.raises(DomainError, match="member's name"):
        services.member_add(committee=committee, name="", by=commissioner)


def test_scoped_reads(
    committee, other_committee, commissioner, councillor, provider_user, evaluator
):
    assert list(queries.committees_visible_to(commissioner)) == [committee]
    assert list(queries.committees_visible_to(councillor)) == [committee]
    assert not queries.committees_visible_to(provider_user).exists()
    assert not queries.committees_visible_to(evaluator).exists()
    assert queries.can_manage(commissioner, committee)
    assert not queries.can_manage(councillor, committee)
    assert not queries.can_manage(commissioner, other_committee)
