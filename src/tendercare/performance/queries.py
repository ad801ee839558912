"""Reads about monitoring, already scoped to the person asking.

The visit rows themselves are not in the database: visit_store.py reads them from Parquet,
and callers pass it the provider and owner ids these functions allow.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tendercare.contracts.models import Contract
from tendercare.organisations.queries import organisation_family
from tendercare.organisations.rules import is_provider_user

from . import rules
from .models import (
    CqcRating,
    KpiDefinition,
    KpiResult,
    KpiReturn,
    KpiSchedule,
    PaymentTerms,
    ProviderStatus,
    QualityAudit,
    Statement,
    StatusRecommendation,
    VisitImport,
    Zone,
)


def _family(user) -> list[int]:
    return organisation_family(getattr(user, "organisation", None))


def zones_visible_to(user) -> QuerySet[Zone]:
    if is_provider_user(user):
        return Zone.objects.filter(statuses__provider_id=user.organisation_id).distinct()
    if not rules.may_see_monitoring(user):
        return Zone.objects.none()
    return Zone.objects.filter(owner_id__in=_family(user))


def imports_visible_to(user) -> QuerySet[VisitImport]:
    if not rules.may_see_monitoring(user):
        return VisitImport.objects.none()
    return VisitImport.objects.filter(owner_id__in=_family(user))


def contracts_monitored_by(user) -> QuerySet[Contract]:
    """Contracts whose delivery this person may see: the family's, or a provider's own."""
    if is_provider_user(user):
        return Contract.objects.filter(provider_id=user.organisation_id)
    if not rules.may_see_monitoring(user):
        return Contract.objects.none()
    return Contract.objects.filter(shares__organisation_id__in=_family(user)).distinct()


def kpi_definitions() -> QuerySet[KpiDefinition]:
    return KpiDefinition.objects.all()


def schedules_visible_to(user) -> QuerySet[KpiSchedule]:
    return KpiSchedule.objects.filter(contract__in=contracts_monitored_by(user)).select_related(
        "kpi", "contract"
    )


def results_visible_to(user) -> QuerySet[KpiResult]:
    base = KpiResult.objects.select_related("kpi", "provider", "zone")
    if is_provider_user(user):
        return base.filter(provider_id=user.organisation_id)
    if not rules.may_see_monitoring(user):
        return base.none()
    family = _family(user)
    return base.filter(
        Q(zone__owner_id__in=family) | Q(contract__shares__organisation_id__in=family)
    ).distinct()


def returns_visible_to(user) -> QuerySet[KpiReturn]:
    return KpiReturn.objects.filter(contract__in=contracts_monitored_by(user))


def statements_visible_to(user) -> QuerySet[Statement]:
    base = Statement.objects.select_related("contract", "provider")
    if is_provider_user(user):
        # Only statements that pay this provider: after a novation the old provider's
        # statements stay with the old provider.
        return base.filter(provider_id=user.organisation_id)
    return base.filter(contract__in=contracts_monitored_by(user))


def statuses_visible_to(user) -> QuerySet[ProviderStatus]:
    """Staff see every status in their family's zones; a provider sees only its own rows (not
    another provider's status or the reason given for it, even in a zone they share)."""
    statuses = ProviderStatus.objects.filter(zone__in=zones_visible_to(user))
    if is_provider_user(user):
        statuses = statuses.filter(provider_id=user.organisation_id)
    return statuses.select_related("zone", "provider")


def recommendations_visible_to(user) -> QuerySet[StatusRecommendation]:
    if not rules.may_see_monitoring(user):
        return StatusRecommendation.objects.none()
    return StatusRecommendation.objects.filter(zone__owner_id__in=_family(user)).select_related(
        "zone", "provider"
    )


# --- what history pages may show (core's /history/<app.model>/<pk>/) --------------------------


def _staff_may_see(user) -> bool:
    """Commissioning staff and councillors who may see monitoring; not providers."""
    return bool(rules.may_see_monitoring(user)) and not is_provider_user(user)


def zones_for_history(user) -> QuerySet[Zone]:
    """Zones as their pages show them: to the family's staff and councillors, not providers."""
    return zones_visible_to(user) if _staff_may_see(user) else Zone.objects.none()


def terms_visible_to(user) -> QuerySet[PaymentTerms]:
    return PaymentTerms.objects.filter(contract__in=contracts_monitored_by(user))


def quality_audits_visible_to(user) -> QuerySet[QualityAudit]:
    if not _staff_may_see(user):
        return QualityAudit.objects.none()
    return QualityAudit.objects.filter(owner_id__in=_family(user))


def cqc_ratings_visible_to(user) -> QuerySet[CqcRating]:
    """Ratings of the locations of providers that hold a status in the family's zones."""
    if not _staff_may_see(user):
        return CqcRating.objects.none()
    providers = ProviderStatus.objects.filter(zone__owner_id__in=_family(user)).values(
        "provider_id"
    )
    return CqcRating.objects.filter(location__organisation_id__in=providers)
