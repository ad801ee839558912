import datetime as dt

import pytest

from tendercare.core.errors import DomainError, NotAllowed
from tendercare.core.models import AuditLog
from tendercare.programmes import services
from tendercare.programmes.models import Milestone, MilestoneRevision, RevisionIsPermanent

from .conftest import make_contract

D = dt.date


def audit(obj):
    return AuditLog.objects.filter(
        object_type=f"programmes.{obj._meta.model_name}", object_id=str(obj.pk)
    )


def test_programme_create_is_audited(programme, commissioner):
    entry = audit(programme).get()
    assert entry.action == "create" and entry.user == commissioner


def test_programme_needs_a_commissioning_owner(db, provider_org):
    with pytest.raises(DomainError, match="commissioning body"):
        services.programme_create(owner=provider_org, name="Not allowed")


def test_programme_target_after_start(db, council):
    with pytest.raises(DomainError, match="target date"):
        services.programme_create(
            owner=council, name="Backwards", start_date=D(2026, 1, 1), target_date=D(2025, 1, 1)
        )


def test_commissioner_cannot_create_a_programme_for_another_council(
    db, commissioner, other_council
):
    with pytest.raises(NotAllowed):
        services.programme_create(owner=other_council, name="Theirs", by=commissioner)


def test_milestone_starts_on_its_baseline(milestone):
    assert milestone.current_date == milestone.baseline_date == D(2026, 3, 2)
    assert audit(milestone).get().action == "create"


def test_revision_keeps_baseline_and_records_reason_who_and_when(milestone, commissioner):
    revision = services.milestone_revise(
        milestone=milestone,
        new_date=D(2026, 4, 13),
        reason="Six-week delay for NHS England assurance",
        by=commissioner,
    )
    milestone.refresh_from_db()
    assert milestone.baseline_date == D(2026, 3, 2)
    assert milestone.current_date == D(2026, 4, 13)
    assert revision.previous_date == D(2026, 3, 2)
    assert revision.reason == "Six-week delay for NHS England assurance"
    assert revision.revised_by == commissioner and revision.revised_at is not None
    assert milestone.slip.days == 42 and milestone.slip.working_days == 28
    update = audit(milestone).get(action="update")
    assert "NHS England assurance" in update.summary
    assert update.before["current_date"] == "2026-03-02"
    assert update.after["current_date"] == "2026-04-13"
    assert audit(revision).get().action == "create"


def test_second_revision_starts_from_the_first(milestone, commissioner):
    services.milestone_revise(
        milestone=milestone, new_date=D(2026, 4, 13), reason="Assurance", by=commissioner
    )
    second = services.milestone_revise(
        milestone=milestone, new_date=D(2026, 3, 30), reason="Assurance came early", by=commissioner
    )
    assert second.previous_date == D(2026, 4, 13)
    milestone.refresh_from_db()
    assert milestone.current_date == D(2026, 3, 30)
    assert milestone.revisions.count() == 2


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_revision_needs_a_reason(milestone, commissioner, reason):
    with pytest.raises(DomainError, match="reason"):
        services.milestone_revise(
            milestone=milestone, new_date=D(2026, 5, 1), reason=reason, by=commissioner
        )
    assert not MilestoneRevision.objects.exists()
    assert Milestone.objects.get(pk=milestone.pk).current_date == D(2026, 3, 2)


def test_revision_to_the_same_date_is_refused(milestone, commissioner):
    with pytest.raises(DomainError, match="same"):
        services.milestone_revise(
            milestone=milestone, new_date=D(2026, 3, 2), reason="No change", by=commissioner
        )


def test_revisions_cannot_be_edited_or_deleted(milestone, commissioner):
    revision = services.milestone_revise(
        milestone=milestone, new_date=D(2026, 4, 13), reason="Assurance", by=commissioner
    )
    revision.reason = "Something kinder"
    with pytest.raises(RevisionIsPermanent):
        revision.save()
    with pytest.raises(RevisionIsPermanent):
        revision.delete()
    assert MilestoneRevision.objects.get().reason == "Assurance"


def test_councillor_and_other_council_cannot_revise(milestone, councillor, other_commissioner):
    for user in (councillor, other_commissioner):
        with pytest.raises(NotAllowed):
            services.milestone_revise(
                milestone=milestone, new_date=D(2026, 5, 1), reason="Try", by=user
            )


def test_complete_milestone_then_no_more_revisions(milestone, commissioner):
    services.milestone_complete(milestone=milestone, on=D(2026, 3, 4), by=commissioner)
    assert milestone.status == "complete"
    with pytest.raises(DomainError, match="complete"):
        services.milestone_revise(
            milestone=milestone, new_date=D(2026, 5, 1), reason="Late", by=commissioner
        )


def test_risk_history(programme, commissioner):
    risk = services.risk_add(
        programme=programme,
        title="Too few bidders for the rural lot",
        likelihood=4,
        impact=4,
        owner_name="Jo Patel, Head of Commissioning",
        mitigation="Market engagement events in each zone",
        by=commissioner,
    )
    assert risk.score == 16 and risk.rating == ("high", "High")
    review = services.risk_update(
        risk=risk,
        likelihood=2,
        status="mitigating",
        note="Six providers came to the rural event",
        by=commissioner,
    )
    risk.refresh_from_db()
    assert risk.score == 8 and risk.rating[0] == "medium" and risk.status == "mitigating"
    assert (review.previous_score, review.score) == (16, 8)
    assert review.previous_status == "open" and review.reviewed_by == commissioner
    notes = list(risk.reviews.values_list("note", flat=True))
    assert notes == ["Risk raised", "Six providers came to the rural event"]
    update = audit(risk).get(action="update")
    assert "16 to 8" in update.summary
    assert update.before["likelihood"] == 4 and update.after["likelihood"] == 2


@pytest.mark.parametrize(("likelihood", "impact"), [(0, 3), (6, 3), (3, "x")])
def test_risk_scale_is_1_to_5(programme, commissioner, likelihood, impact):
    with pytest.raises(DomainError, match="1 to 5"):
        services.risk_add(
            programme=programme,
            title="Bad",
            likelihood=likelihood,
            impact=impact,
            owner_name="Someone",
            by=commissioner,
        )


def test_risk_update_needs_a_note(programme, commissioner):
    risk = services.risk_add(
        programme=programme, title="R", likelihood=1, impact=1, owner_name="A", by=commissioner
    )
    with pytest.raises(DomainError, match="note"):
        services.risk_update(risk=risk, likelihood=5, note=" ", by=commissioner)


def test_decision_and_lesson_are_audited(programme, commissioner):
    decision = services.decision_record(
        programme=programme,
        title="Procure in four zones",
        decision="Home care will be procured in four geographical zones",
        decided_on=D(2025, 6, 12),
        decided_by="Joint Commissioning Board",
        rationale="Rural travel times",
        by=commissioner,
    )
    lesson = services.lesson_record(
        programme=programme,
        title="Start NHS England assurance early",
        what_happened="Assurance added six weeks",
        recommendation="Book the assurance panel at outline business case",
        by=commissioner,
    )
    assert audit(decision).get().action == "create"
    assert audit(lesson).get().action == "create"
    assert lesson.recorded_on == dt.date.today()


def test_contracts_in_scope(programme, commissioner, council, other_council, provider_org):
    ours = make_contract(reference="MED-001", commissioner=council, provider=provider_org)
    theirs = make_contract(reference="KCC-001", commissioner=other_council, provider=provider_org)
    services.programme_set_contracts(programme=programme, contracts=[ours], by=commissioner)
    assert list(programme.contracts.all()) == [ours]
    with pytest.raises(DomainError, match="KCC-001"):
        services.programme_set_contracts(
            programme=programme, contracts=[ours, theirs], by=commissioner
        )
    assert list(programme.contracts.all()) == [ours]
    event = audit(programme).get(action="event")
    assert event.after == {"before": [], "after": [ours.pk]}


def test_contracts_of_a_merged_predecessor_can_be_in_scope(db, provider_org):
    from tendercare.organisations import services as org_services

    ccg = org_services.organisation_create(name="NHS Medway CCG", kind="ccg")
    icb = org_services.organisation_create(name="NHS Kent and Medway ICB", kind="icb")
    org_services.organisations_merge(predecessors=[ccg], successor=icb, on=D(2022, 7, 1))
    contract = make_contract(reference="CCG-001", commissioner=ccg, provider=provider_org)
    programme = services.programme_create(owner=icb, name="Community services re-procurement")
    services.programme_set_contracts(programme=programme, contracts=[contract])
    assert list(programme.contracts.all()) == [contract]
