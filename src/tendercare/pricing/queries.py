"""Reads about pricing, already scoped to the person asking."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from tendercare.organisations.queries import organisation_family
from tendercare.organisations.rules import is_provider_user

from . import rules
from .models import (
    CommissionedHours,
    CostSubmission,
    Parameter,
    Scenario,
    ScenarioVersion,
    TravelRun,
)


def _family(user) -> list[int]:
    return organisation_family(getattr(user, "organisation", None))


def scenarios_visible_to(user) -> QuerySet[Scenario]:
    if not rules.may_see_pricing(user):
        return Scenario.objects.none()
    return Scenario.objects.filter(owner_id__in=_family(user)).select_related("owner")


def scenario_for(user, pk) -> Scenario | None:
    return scenarios_visible_to(user).filter(pk=pk).first()


def versions_visible_to(user) -> QuerySet[ScenarioVersion]:
    return ScenarioVersion.objects.filter(scenario__in=scenarios_visible_to(user)).select_related(
        "scenario", "created_by"
    )


def parameters_visible_to(user) -> QuerySet[Parameter]:
    return Parameter.objects.filter(version__in=versions_visible_to(user))


def scenario_for_monitoring(owner) -> Scenario | None:
    """The scenario the owner's visit KPIs measure travel against: the one it chose, else its
    newest. For the KPI engine, which works for the owner, not for a person."""
    chosen = Scenario.objects.filter(owner=owner, used_for_monitoring=True).first()
    return chosen or Scenario.objects.filter(owner=owner).order_by("-created_at", "-pk").first()


def current_version(scenario: Scenario) -> ScenarioVersion | None:
    return scenario.versions.order_by("-number").first()


def version_values(version: ScenarioVersion) -> dict[tuple[str, str], Decimal]:
    """The (key, band) -> value mapping cost_model works on."""
    return {(p.key, p.band): p.value for p in version.params.all()}


def travel_runs_visible_to(user) -> QuerySet[TravelRun]:
    if not rules.may_see_pricing(user):
        return TravelRun.objects.none()
    return TravelRun.objects.filter(owner_id__in=_family(user)).select_related("owner")


def commissioned_hours_visible_to(user) -> QuerySet[CommissionedHours]:
    if not rules.may_see_pricing(user):
        return CommissionedHours.objects.none()
    return CommissionedHours.objects.filter(owner_id__in=_family(user)).select_related("locality")


def submissions_visible_to(user) -> QuerySet[CostSubmission]:
    base = CostSubmission.objects.select_related("provider", "commissioner", "bid")
    if is_provider_user(user):
        return base.filter(provider_id=user.organisation_id)
    if not rules.may_see_pricing(user):
        return base.none()
    return base.filter(commissioner_id__in=_family(user))
