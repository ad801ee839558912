"""Reads about scrutiny, already scoped to the person asking (and, for the public pages, to
what is published)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tendercare.organisations.queries import organisation_family

from . import rules
from .models import Action, Committee, Meeting, Report


def _family(user) -> list[int]:
    return organisation_family(getattr(user, "organisation", None))


def committees_visible_to(user) -> QuerySet[Committee]:
    if not rules.may_see_scrutiny(user):
        return Committee.objects.none()
    return Committee.objects.filter(owner_id__in=_family(user)).select_related("owner")


def meetings_visible_to(user) -> QuerySet[Meeting]:
    return Meeting.objects.filter(committee__in=committees_visible_to(user)).select_related(
        "committee"
    )


def actions_visible_to(user) -> QuerySet[Action]:
    return Action.objects.filter(committee__in=committees_visible_to(user))


def reports_visible_to(user) -> QuerySet[Report]:
    if not rules.may_see_scrutiny(user):
        return Report.objects.none()
    family = _family(user)
    return Report.objects.filter(
        Q(programme__owner_id__in=family) | Q(committee__owner_id__in=family)
    ).select_related("programme", "committee")


def published_reports() -> QuerySet[Report]:
    return Report.objects.filter(status=Report.Status.PUBLISHED).select_related("programme")
