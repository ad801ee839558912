"""Reads about engagement, already scoped to the person asking (and, for the public pages,
to what is published)."""

from __future__ import annotations

from django.db.models import QuerySet

from tendercare.organisations.queries import organisation_family

from . import rules
from .models import Activity, Change, FeedbackItem, Theme


def _family(user) -> list[int]:
    return organisation_family(getattr(user, "organisation", None))


def activities_visible_to(user) -> QuerySet[Activity]:
    if not rules.may_see_engagement(user):
        return Activity.objects.none()
    return Activity.objects.filter(owner_id__in=_family(user)).select_related("owner", "programme")


def feedback_visible_to(user) -> QuerySet[FeedbackItem]:
    return FeedbackItem.objects.filter(activity__in=activities_visible_to(user))


def themes_visible_to(user) -> QuerySet[Theme]:
    if not rules.may_see_engagement(user):
        return Theme.objects.none()
    return Theme.objects.filter(owner_id__in=_family(user))


def changes_visible_to(user) -> QuerySet[Change]:
    if not rules.may_see_engagement(user):
        return Change.objects.none()
    return Change.objects.filter(programme__owner_id__in=_family(user)).select_related("programme")


def published_activities() -> QuerySet[Activity]:
    """For the public pages: published activities only."""
    return Activity.objects.filter(published=True).select_related("owner", "programme")


def published_changes() -> QuerySet[Change]:
    return Change.objects.filter(published=True).select_related("programme")
