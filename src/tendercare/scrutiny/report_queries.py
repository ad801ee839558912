"""Reads for reports and the public pages, scoped to the person asking (or, for the public, to
what is published). Kept apart from queries.py, which the scrutiny records work extends at the
same time; the functions here read only scrutiny's own tables and other apps' query functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from tendercare.organisations.models import Role
from tendercare.programmes import queries as programme_queries
from tendercare.programmes.models import Programme

from . import queries, rules
from .models import Report


@dataclass(frozen=True)
class OwnerReader:
    """Who a report is read as when nobody is signed in (the command line, publishing): a
    councillor of the programme's owner. The report then holds exactly what the committee may
    read, through the same scoped queries, and nothing a councillor could not see."""

    organisation: object
    role: str = Role.COUNCILLOR
    is_authenticated: bool = True
    is_anonymous: bool = False
    is_active: bool = True
    pk: None = None
    id: None = None

    @property
    def organisation_id(self):
        return self.organisation.pk


def reader_for(programme: Programme, user=None):
    return user if user is not None else OwnerReader(organisation=programme.owner)


def programme_by_ref(ref: str) -> Programme | None:
    """Unscoped, for the command line (an operator's tool): the programme with this reference,
    or PRG-<pk>."""
    ref = (ref or "").strip()
    if not ref:
        return None
    # Through a scoped read as each owner would see it is circular; the programme's reference
    # is unique and public (it is printed on every report).
    found = Programme._default_manager.filter(ref__iexact=ref).select_related("owner").first()
    if found is None and ref.upper().startswith("PRG-") and ref[4:].isdigit():
        found = Programme._default_manager.filter(pk=int(ref[4:])).first()
    return found


def programmes_for_reports(user) -> QuerySet[Programme]:
    """Programmes whose draft reports this person may read."""
    if not rules.may_see_scrutiny(user):
        return Programme._default_manager.none()
    return programme_queries.programmes_visible_to(user)


def may_see_reports(user) -> bool:
    return bool(rules.may_see_scrutiny(user))


def programme_for_report(user, pk: int) -> Programme | None:
    return programmes_for_reports(user).filter(pk=pk).first()


def report_for(user, pk: int) -> Report | None:
    return queries.reports_visible_to(user).filter(pk=pk).first()


def reports_of(user, programme: Programme) -> QuerySet[Report]:
    return queries.reports_visible_to(user).filter(programme=programme)


def published_report(pk: int) -> Report | None:
    return queries.published_reports().filter(pk=pk).first()


def committees_for_publishing(user):
    return queries.committees_visible_to(user).order_by("name")


def committee_for_publishing(user, pk) -> object | None:
    try:
        return committees_for_publishing(user).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def may_publish(user, programme: Programme) -> bool:
    return bool(rules.may_manage_scrutiny(user) and programme_queries.can_edit(user, programme))


# ---------------------------------------------------------------------------------------------
# The public pages: only what is published


def public_activities():
    from tendercare.engagement import queries as engagement_queries

    return engagement_queries.published_activities()


def public_activity(pk: int):
    return public_activities().filter(pk=pk).first()


def public_programme_ids() -> set[int]:
    """Programmes with something published: an activity, a change or a report."""
    from tendercare.engagement import queries as engagement_queries

    ids = set(
        engagement_queries.published_activities()
        .exclude(programme__isnull=True)
        .values_list("programme_id", flat=True)
    )
    ids |= set(engagement_queries.published_changes().values_list("programme_id", flat=True))
    ids |= set(queries.published_reports().values_list("programme_id", flat=True))
    return ids


def public_programmes() -> list[Programme]:
    ids = public_programme_ids()
    return list(Programme._default_manager.filter(pk__in=ids).order_by("name"))


def public_programme(ref: str) -> Programme | None:
    found = programme_by_ref(ref)
    if found is None or found.pk not in public_programme_ids():
        return None
    return found


def public_reports(programme: Programme | None = None) -> QuerySet[Report]:
    reports = queries.published_reports()
    if programme is not None:
        reports = reports.filter(programme=programme)
    return reports.order_by("-published_at", "-pk")


def reports_visible_to(user) -> QuerySet[Report]:
    return queries.reports_visible_to(user).order_by("-as_of", "-pk")
