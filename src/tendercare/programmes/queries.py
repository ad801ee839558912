"""Reads about programmes, already scoped to the person asking."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from tendercare.contracts.models import Contract
from tendercare.organisations.queries import organisation_family

from . import rules, schedule
from .models import (
    Decision,
    Lesson,
    Milestone,
    MilestoneRevision,
    Programme,
    Risk,
    RiskReview,
    RiskStatus,
)


def _family(user) -> list[int]:
    return organisation_family(getattr(user, "organisation", None))


def programmes_visible_to(user) -> QuerySet[Programme]:
    if not rules.may_see_programmes(user):
        return Programme.objects.none()
    return Programme.objects.filter(owner_id__in=_family(user)).select_related("owner")


def programme_list(user) -> QuerySet[Programme]:
    return programmes_visible_to(user).annotate(
        milestone_count=Count("milestones", distinct=True),
        open_risk_count=Count("risks", filter=~Q(risks__status=RiskStatus.CLOSED), distinct=True),
    )


def can_edit(user, programme: Programme) -> bool:
    return bool(rules.can_edit_programme(user, programme))


def can_create(user) -> bool:
    return bool(rules.may_create_programmes(user))


def milestones_visible_to(user) -> QuerySet[Milestone]:
    return Milestone.objects.filter(programme__in=programmes_visible_to(user)).select_related(
        "programme"
    )


def revisions_visible_to(user) -> QuerySet[MilestoneRevision]:
    return MilestoneRevision.objects.filter(milestone__in=milestones_visible_to(user))


def risks_visible_to(user) -> QuerySet[Risk]:
    return Risk.objects.filter(programme__in=programmes_visible_to(user)).select_related(
        "programme", "owner_user"
    )


def risk_reviews_visible_to(user) -> QuerySet[RiskReview]:
    return RiskReview.objects.filter(risk__in=risks_visible_to(user))


def decisions_visible_to(user) -> QuerySet[Decision]:
    return Decision.objects.filter(programme__in=programmes_visible_to(user))


def lessons_visible_to(user) -> QuerySet[Lesson]:
    return Lesson.objects.filter(programme__in=programmes_visible_to(user))


def contracts_in_scope(user, programme: Programme) -> QuerySet[Contract]:
    """The programme's contracts that the person may see (those their family commissions)."""
    return (
        programme.contracts.filter(shares__organisation__in=_family(user))
        .select_related("provider")
        .distinct()
        .order_by("end_date", "reference")
    )


def contracts_choosable(user, programme: Programme) -> QuerySet[Contract]:
    """Contracts that may be put in scope: commissioned (in part) by the programme's owner
    family and visible to the person choosing."""
    owner_family = organisation_family(programme.owner)
    return (
        Contract.objects.filter(shares__organisation__in=owner_family)
        .filter(shares__organisation__in=_family(user))
        .select_related("provider")
        .distinct()
        .order_by("end_date", "reference")
    )


def risks_for(programme: Programme) -> QuerySet[Risk]:
    return programme.risks.select_related("owner_user").prefetch_related(
        Prefetch("reviews", queryset=RiskReview.objects.select_related("reviewed_by"))
    )


# ---------------------------------------------------------------------------------------------
# The milestone table: baseline against current, with slip and RAG


@dataclass(frozen=True)
class MilestoneRow:
    milestone: Milestone
    name: str
    baseline: dt.date
    current: dt.date
    completed_on: dt.date | None
    status_label: str
    slip_days: int
    slip_working_days: int
    rag: str
    rag_label: str
    revision_count: int
    latest_reason: str

    @property
    def pk(self) -> int:
        return self.milestone.pk


def milestone_rows(programme: Programme, *, today: dt.date | None = None) -> list[MilestoneRow]:
    today = today or dt.date.today()
    milestones = programme.milestones.prefetch_related(
        Prefetch("revisions", queryset=MilestoneRevision.objects.order_by("revised_at", "id"))
    )
    rows = []
    for m in milestones:
        revisions = list(m.revisions.all())
        s = schedule.slip(m.baseline_date, m.current_date)
        completed = m.completed_on is not None
        status = schedule.rag(
            s.days, completed=completed, overdue=not completed and m.current_date < today
        )
        rows.append(
            MilestoneRow(
                milestone=m,
                name=m.name,
                baseline=m.baseline_date,
                current=m.current_date,
                completed_on=m.completed_on,
                status_label=m.get_status_display(),
                slip_days=s.days,
                slip_working_days=s.working_days,
                rag=status,
                rag_label=schedule.Rag.LABELS[status],
                revision_count=len(revisions),
                latest_reason=revisions[-1].reason if revisions else "",
            )
        )
    return rows


def timeline_items(rows: list[MilestoneRow]) -> list[schedule.TimelineItem]:
    return [
        schedule.TimelineItem(
            label=row.name,
            baseline=row.baseline,
            current=row.current,
            completed=row.completed_on is not None,
        )
        for row in rows
    ]
