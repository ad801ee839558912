"""Writes about programmes. Each is one transaction and leaves an audit record.

The `by` user, when given, must be allowed to edit the programme (commissioning staff of the
owner's family); `by=None` is the system (the demo generator, management commands).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.db import transaction

from tendercare.contracts.models import Contract
from tendercare.core.audit import Auditor, snapshot
from tendercare.core.errors import DomainError, NotAllowed
from tendercare.organisations.models import Organisation
from tendercare.organisations.queries import organisation_family

from . import rules, schedule
from .models import (
    Decision,
    Lesson,
    Milestone,
    MilestoneRevision,
    MilestoneStatus,
    Programme,
    ProgrammeStatus,
    Risk,
    RiskReview,
    RiskStatus,
)


def _label(by) -> str:
    return (by.get_full_name() or by.username) if by is not None else "system"


def _require_edit(by, programme: Programme) -> None:
    if by is not None and not rules.can_edit_programme(by, programme):
        raise NotAllowed("You cannot change this programme")


def _text(value: str | None, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message)
    return value


def _scale(value, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 5:
        raise DomainError(f"{name} must be a whole number from 1 to 5")
    return number


# ---------------------------------------------------------------------------------------------
# Programmes


def programme_create(
    *,
    owner: Organisation,
    name: str,
    summary: str = "",
    status: str = ProgrammeStatus.PLANNING,
    start_date: dt.date | None = None,
    target_date: dt.date | None = None,
    ref: str = "",
    by=None,
) -> Programme:
    name = _text(name, "Enter the programme's name")
    ref = _ref(ref)
    if not owner.is_commissioner:
        raise DomainError("A programme belongs to a commissioning body (council, CCG or ICB)")
    if status not in ProgrammeStatus.values:
        raise DomainError(f"'{status}' is not a programme status")
    if start_date and target_date and target_date < start_date:
        raise DomainError("The target date must be on or after the start date")
    if by is not None and not (
        rules.may_create_programmes(by) and owner.pk in organisation_family(by.organisation)
    ):
        raise NotAllowed("You cannot create programmes for that organisation")
    if Programme.objects.filter(owner=owner, name__iexact=name).exists():
        raise DomainError(f"{owner} already has a programme called {name}")
    with transaction.atomic():
        programme = Programme.objects.create(
            owner=owner,
            name=name,
            summary=summary.strip(),
            status=status,
            start_date=start_date,
            target_date=target_date,
            ref=ref or None,
        )
        if not ref:
            programme.ref = f"PRG-{programme.pk}"
            programme.save(update_fields=["ref"])
        Auditor(by=by).created(programme)
    return programme


REF_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,39}$")


def _ref(ref: str) -> str:
    """A programme reference: capital letters, digits and hyphens, unique."""
    ref = (ref or "").strip().upper()
    if not ref:
        return ""
    if not REF_PATTERN.match(ref):
        raise DomainError(
            "A programme reference uses capital letters, digits and hyphens (2 to 40), "
            "like MED-HC-2026"
        )
    if Programme.objects.filter(ref=ref).exists():
        raise DomainError(f"Another programme already has the reference {ref}")
    return ref


def programme_set_places(*, programme: Programme, places, by=None) -> Programme:
    """The local authority areas the programme's services serve (engagement reach uses their
    population)."""
    if by is not None and not rules.can_edit_programme(by, programme):
        raise NotAllowed("You cannot change this programme")
    with transaction.atomic():
        before = sorted(programme.places.values_list("code", flat=True))
        programme.places.set(places)
        after = sorted(programme.places.values_list("code", flat=True))
        Auditor(by=by).event(
            programme, summary="Areas served set", data={"before": before, "after": after}
        )
    return programme


def programme_update(
    *,
    programme: Programme,
    name: str,
    summary: str = "",
    status: str,
    start_date: dt.date | None = None,
    target_date: dt.date | None = None,
    by=None,
) -> Programme:
    """Change a programme's own details. Milestone dates change only by revision."""
    _require_edit(by, programme)
    name = _text(name, "Enter the programme's name")
    if status not in ProgrammeStatus.values:
        raise DomainError(f"'{status}' is not a programme status")
    if start_date and target_date and target_date < start_date:
        raise DomainError("The target date must be on or after the start date")
    clash = Programme.objects.filter(owner=programme.owner, name__iexact=name).exclude(
        pk=programme.pk
    )
    if clash.exists():
        raise DomainError(f"{programme.owner} already has a programme called {name}")
    with transaction.atomic():
        before = snapshot(programme)
        programme.name, programme.summary, programme.status = name, summary.strip(), status
        programme.start_date, programme.target_date = start_date, target_date
        programme.save()
        Auditor(by=by).updated(programme, before=before)
    return programme


def programme_set_contracts(
    *, programme: Programme, contracts: Iterable[Contract], by=None
) -> Programme:
    """Replace the contracts in scope. Each must be commissioned, at least in part, by the
    programme's owner or a body merged into it."""
    _require_edit(by, programme)
    contracts = list(contracts)
    family = organisation_family(programme.owner)
    allowed = set(
        Contract.objects.filter(pk__in=[c.pk for c in contracts], shares__organisation__in=family)
        .values_list("pk", flat=True)
        .distinct()
    )
    outside = [c for c in contracts if c.pk not in allowed]
    if outside:
        names = ", ".join(c.reference for c in outside)
        raise DomainError(f"{programme.owner} does not commission {names}")
    with transaction.atomic():
        before = sorted(programme.contracts.values_list("pk", flat=True))
        programme.contracts.set(contracts)
        after = sorted(c.pk for c in contracts)
        Auditor(by=by).event(
            programme,
            summary=f"Contracts in scope set ({len(after)})",
            data={"before": before, "after": after},
        )
    return programme


# ---------------------------------------------------------------------------------------------
# Milestones


def milestone_add(
    *,
    programme: Programme,
    name: str,
    baseline_date: dt.date,
    order: int | None = None,
    by=None,
) -> Milestone:
    _require_edit(by, programme)
    name = _text(name, "Enter the milestone's name")
    if not isinstance(baseline_date, dt.date):
        raise DomainError("Enter the milestone's baseline date")
    if order is None:
        last = programme.milestones.order_by("-order").values_list("order", flat=True).first()
        order = (last or 0) + 10
    with transaction.atomic():
        milestone = Milestone.objects.create(
            programme=programme,
            name=name,
            order=order,
            baseline_date=baseline_date,
            current_date=baseline_date,
        )
        Auditor(by=by).created(milestone, summary=f"Baseline {baseline_date.isoformat()}")
    return milestone


def milestone_revise(
    *, milestone: Milestone, new_date: dt.date, reason: str, by=None
) -> MilestoneRevision:
    """Move a milestone's current date. The baseline never changes; the revision keeps the
    previous and new dates, the reason, who and when."""
    _require_edit(by, milestone.programme)
    reason = _text(reason, "Enter the reason for the new date")
    if not isinstance(new_date, dt.date):
        raise DomainError("Enter the new date")
    if milestone.completed_on is not None:
        raise DomainError("This milestone is complete; its date cannot be revised")
    if new_date == milestone.current_date:
        raise DomainError("The new date is the same as the current date")
    with transaction.atomic():
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        before = snapshot(milestone)
        revision = MilestoneRevision.objects.create(
            milestone=milestone,
            previous_date=milestone.current_date,
            new_date=new_date,
            reason=reason,
            revised_by=by,
            revised_by_label=_label(by),
        )
        milestone.current_date = new_date
        milestone.save(update_fields=["current_date"])
        days = revision.days
        moved = f"{abs(days)} days {'later' if days > 0 else 'earlier'}"
        auditor = Auditor(by=by)
        auditor.created(revision, summary=f"Moved {moved}: {reason}")
        auditor.updated(
            milestone,
            before=before,
            summary=f"Date revised from {revision.previous_date.isoformat()} to "
            f"{new_date.isoformat()} ({moved}): {reason}",
        )
    return revision


def milestone_complete(*, milestone: Milestone, on: dt.date, by=None) -> Milestone:
    _require_edit(by, milestone.programme)
    if not isinstance(on, dt.date):
        raise DomainError("Enter the date the milestone was completed")
    if milestone.completed_on is not None:
        raise DomainError("This milestone is already complete")
    with transaction.atomic():
        before = snapshot(milestone)
        milestone.completed_on = on
        milestone.status = MilestoneStatus.COMPLETE
        milestone.save(update_fields=["completed_on", "status"])
        Auditor(by=by).updated(milestone, before=before, summary=f"Completed on {on.isoformat()}")
    return milestone


# ---------------------------------------------------------------------------------------------
# Risks


def risk_add(
    *,
    programme: Programme,
    title: str,
    likelihood: int,
    impact: int,
    description: str = "",
    owner_name: str = "",
    owner_user=None,
    mitigation: str = "",
    status: str = RiskStatus.OPEN,
    by=None,
) -> Risk:
    _require_edit(by, programme)
    title = _text(title, "Enter the risk's title")
    likelihood = _scale(likelihood, "Likelihood")
    impact = _scale(impact, "Impact")
    if status not in RiskStatus.values:
        raise DomainError(f"'{status}' is not a risk status")
    if owner_user is None and not (owner_name or "").strip():
        raise DomainError("Enter who owns the risk")
    with transaction.atomic():
        risk = Risk.objects.create(
            programme=programme,
            title=title,
            description=description.strip(),
            likelihood=likelihood,
            impact=impact,
            owner_user=owner_user,
            owner_name=(owner_name or "").strip(),
            mitigation=mitigation.strip(),
            status=status,
        )
        RiskReview.objects.create(
            risk=risk,
            likelihood=likelihood,
            impact=impact,
            status=status,
            note="Risk raised",
            reviewed_by=by,
            reviewed_by_label=_label(by),
        )
        score = schedule.risk_score(likelihood, impact)
        Auditor(by=by).created(
            risk, summary=f"Raised, score {score} ({schedule.risk_rating(score)[1]})"
        )
    return risk


def risk_update(
    *,
    risk: Risk,
    note: str,
    likelihood: int | None = None,
    impact: int | None = None,
    status: str | None = None,
    mitigation: str | None = None,
    owner_name: str | None = None,
    by=None,
) -> RiskReview:
    """Review a risk: any of score, status, mitigation or owner may change; the note says why.
    Every review is kept, so the register shows how each risk moved."""
    _require_edit(by, risk.programme)
    note = _text(note, "Enter a note saying what changed and why")
    new_likelihood = risk.likelihood if likelihood is None else _scale(likelihood, "Likelihood")
    new_impact = risk.impact if impact is None else _scale(impact, "Impact")
    new_status = risk.status if status is None else status
    if new_status not in RiskStatus.values:
        raise DomainError(f"'{status}' is not a risk status")
    with transaction.atomic():
        before = snapshot(risk)
        review = RiskReview.objects.create(
            risk=risk,
            likelihood=new_likelihood,
            impact=new_impact,
            status=new_status,
            previous_likelihood=risk.likelihood,
            previous_impact=risk.impact,
            previous_status=risk.status,
            note=note,
            reviewed_by=by,
            reviewed_by_label=_label(by),
        )
        risk.likelihood, risk.impact, risk.status = new_likelihood, new_impact, new_status
        if mitigation is not None:
            risk.mitigation = mitigation.strip()
        if owner_name is not None and owner_name.strip():
            risk.owner_name = owner_name.strip()
        risk.save()
        previous = review.previous_score
        Auditor(by=by).updated(
            risk,
            before=before,
            summary=f"Reviewed: score {previous} to {review.score}, "
            f"{RiskStatus(review.previous_status).label} to {RiskStatus(new_status).label}: {note}",
        )
    return review


# ---------------------------------------------------------------------------------------------
# Decisions and lessons


def decision_record(
    *,
    programme: Programme,
    title: str,
    decision: str,
    decided_on: dt.date,
    decided_by: str,
    rationale: str = "",
    by=None,
) -> Decision:
    _require_edit(by, programme)
    title = _text(title, "Enter the decision's title")
    decision = _text(decision, "Enter what was decided")
    decided_by = _text(decided_by, "Enter who made the decision (a board, committee or person)")
    if not isinstance(decided_on, dt.date):
        raise DomainError("Enter the date of the decision")
    with transaction.atomic():
        record = Decision.objects.create(
            programme=programme,
            title=title,
            decision=decision,
            decided_on=decided_on,
            decided_by=decided_by,
            rationale=rationale.strip(),
            recorded_by=by,
        )
        Auditor(by=by).created(record, summary=f"Decided by {decided_by} on {decided_on}")
    return record


def lesson_record(
    *,
    programme: Programme,
    title: str,
    what_happened: str,
    recommendation: str,
    recorded_on: dt.date | None = None,
    by=None,
) -> Lesson:
    _require_edit(by, programme)
    title = _text(title, "Enter the lesson's title")
    what_happened = _text(what_happened, "Enter what happened")
    recommendation = _text(recommendation, "Enter what should be done next time")
    with transaction.atomic():
        lesson = Lesson.objects.create(
            programme=programme,
            title=title,
            what_happened=what_happened,
            recommendation=recommendation,
            recorded_on=recorded_on or dt.date.today(),
            recorded_by=by,
        )
        Auditor(by=by).created(lesson)
    return lesson
