"""Changes ("we did"): linked to what changed, the table's constraint, publishing, and the read
you_said_we_did."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from tendercare.core.errors import DomainError, NotAllowed
from tendercare.core.models import AuditLog
from tendercare.engagement import feedback as services
from tendercare.engagement import queries
from tendercare.engagement.models import Change

from .test_feedback_support import *  # noqa: F403 - fixtures

D = dt.date


def create(programme, by, **links):
    return services.change_create(
        programme=programme,
        you_said="Visits are late",
        we_did="Windows of 30 minutes",
        by=by,
        **links,
    )


def test_the_table_refuses_a_change_linked_to_nothing(programme):
    with pytest.raises(IntegrityError), transaction.atomic():
        Change.objects.create(programme=programme, you_said="x", we_did="y")


def test_the_service_says_so_first(programme, commissioner):
    with pytest.raises(DomainError, match="Say what changed"):
        create(programme, commissioner)
    assert not Change.objects.exists()


def test_change_create_with_each_kind_of_link(
    programme, commissioner, requirement, schedule, decision, item, timeliness
):
    for links in ({"requirement": requirement}, {"kpi_schedule": schedule}, {"decision": decision}):
        change = create(programme, commissioner, **links)
        assert change.created_by == commissioner and not change.published
    change = create(
        programme,
        commissioner,
        requirement=requirement,
        kpi_schedule=schedule,
        decision=decision,
        theme=timeliness,
        feedback=[item, item],
    )
    assert list(change.feedback.all()) == [item]
    log = AuditLog.objects.get(object_type="engagement.change", object_id=str(change.pk))
    assert log.action == "create" and "1 feedback item" in log.summary


def test_links_of_another_council_are_refused(
    programme,
    commissioner,
    other_requirement,
    other_schedule,
    other_decision,
    other_theme,
    other_activity,
    requirement,
):
    with pytest.raises(DomainError, match="requirement"):
        create(programme, commissioner, requirement=other_requirement)
    with pytest.raises(DomainError, match="KPI"):
        create(programme, commissioner, kpi_schedule=other_schedule)
    with pytest.raises(DomainError, match="decision"):
        create(programme, commissioner, decision=other_decision)
    with pytest.raises(DomainError, match="theme"):
        create(programme, commissioner, requirement=requirement, theme=other_theme)
    kent = services.feedback_add(activity=other_activity, text="Kent", received_on=D(2026, 1, 12))
    with pytest.raises(DomainError, match="this programme's activities"):
        create(programme, commissioner, requirement=requirement, feedback=[kent])
    # also for the system, which sees everything: the owner family still holds
    with pytest.raises(DomainError, match="requirement"):
        create(programme, None, requirement=other_requirement)
    assert not Change.objects.exists()


def test_feedback_of_another_programme_of_the_same_council_is_refused(
    council, commissioner, programme, requirement
):
    from tendercare.programmes import services as programme_services

    from .test_feedback_support import make_activity

    second = programme_services.programme_create(owner=council, name="Day care", by=commissioner)
    elsewhere = make_activity(owner=council, programme=second, title="Day care forum")
    said = services.feedback_add(activity=elsewhere, text="x", received_on=D(2026, 1, 12))
    with pytest.raises(DomainError, match="this programme's activities"):
        create(programme, commissioner, requirement=requirement, feedback=[said])


def test_a_decision_of_another_programme_of_the_family_may_be_linked(
    council, commissioner, programme
):
    from tendercare.programmes import services as programme_services

    second = programme_services.programme_create(owner=council, name="Day care", by=commissioner)
    decision = programme_services.decision_record(
        programme=second,
        title="Shared transport",
        decision="x",
        decided_on=D(2026, 3, 1),
        decided_by="Cabinet",
        by=commissioner,
    )
    assert create(programme, commissioner, decision=decision).decision == decision


def test_a_requirement_the_person_cannot_see_is_refused(
    programme, requirement, council, provider_user
):
    """Scoping by who asks: a person outside the owner's family cannot link (nor change)."""
    with pytest.raises(NotAllowed):
        create(programme, provider_user, requirement=requirement)


def test_councillors_and_other_councils_may_not_change(
    programme, requirement, councillor, other_commissioner, change
):
    for user in (councillor, other_commissioner):
        with pytest.raises(NotAllowed):
            create(programme, user, requirement=requirement)
        with pytest.raises(NotAllowed):
            services.change_publish(change=change, by=user)
        with pytest.raises(NotAllowed):
            services.change_update(
                change=change, you_said="x", we_did="y", requirement=requirement, by=user
            )


def test_change_update_replaces_links_and_is_audited(
    change, commissioner, schedule, staff, item, activity
):
    second = services.feedback_add(activity=activity, text="rude staff", received_on=D(2026, 1, 12))
    services.change_update(
        change=change,
        you_said="Staff were rude",
        we_did="Training in the KPI schedule",
        theme=staff,
        feedback=[second],
        kpi_schedule=schedule,
        by=commissioner,
    )
    change.refresh_from_db()
    assert change.requirement is None and change.kpi_schedule == schedule
    assert list(change.feedback.all()) == [second]
    log = AuditLog.objects.get(
        object_type="engagement.change", object_id=str(change.pk), action="update"
    )
    assert log.before["feedback"] == [item.pk]
    with pytest.raises(DomainError, match="Say what changed"):
        services.change_update(change=change, you_said="x", we_did="y", by=commissioner)
    with pytest.raises(DomainError, match="Enter what was done"):
        services.change_update(
            change=change, you_said="x", we_did=" ", kpi_schedule=schedule, by=commissioner
        )


def test_publish_and_unpublish(change, commissioner):
    services.change_publish(change=change, by=commissioner)
    assert Change.objects.get(pk=change.pk).published
    services.change_publish(change=change, by=commissioner)  # already: nothing written
    services.change_unpublish(change=change, by=commissioner)
    assert not Change.objects.get(pk=change.pk).published
    summaries = list(
        AuditLog.objects.filter(object_type="engagement.change", action="update")
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert summaries == ["Published", "Withdrawn from publication"]


# --- the read: you said, we did -------------------------------------------------------------


def test_you_said_we_did_rows(change, commissioner, councillor, decision, programme):
    second = create(programme, commissioner, decision=decision)
    rows = queries.you_said_we_did(programme, viewer=commissioner)
    assert [r.pk for r in rows] == [change.pk, second.pk]
    first = rows[0]
    assert (first.you_said, first.theme, first.feedback_count) == (
        "Visits are often late",
        "Timeliness",
        1,
    )
    (link,) = first.links
    assert link.kind == "requirement"
    assert link.label == "MED-HC-1: R1 Visit times"
    assert (
        link.url == f"/procurements/{change.requirement.procurement_id}/requirements/#requirements"
    )
    (dlink,) = rows[1].links
    assert dlink.url == f"/programmes/{programme.pk}/decisions/"
    assert rows[1].theme == "" and rows[1].feedback_count == 0
    # a councillor reads the same links
    assert queries.you_said_we_did(programme, viewer=councillor)[0].links[0].url == link.url


def test_you_said_we_did_without_a_viewer_has_labels_but_no_urls(change, programme, schedule):
    services.change_update(
        change=change, you_said="a", we_did="b", kpi_schedule=schedule, requirement=None
    )
    (row,) = queries.you_said_we_did(programme)
    assert row.links[0].label == "MED-HC-Z1: " + schedule.kpi.name + " (target 95.00)"
    assert row.links[0].url == ""


def test_without_a_viewer_an_unpublished_procurement_is_not_named(change, programme):
    (row,) = queries.you_said_we_did(programme)
    assert row.links[0].label == "R1 Visit times" and row.links[0].url == ""


def test_you_said_we_did_published_only(change, programme, commissioner):
    assert queries.you_said_we_did(programme, published_only=True) == []
    services.change_publish(change=change, by=commissioner)
    assert [r.pk for r in queries.you_said_we_did(programme, published_only=True)] == [change.pk]


def test_linked_records_cannot_be_deleted_from_under_a_change(change):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        change.requirement.delete()
