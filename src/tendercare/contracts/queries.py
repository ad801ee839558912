"""Reads of the contract register, already scoped to the person asking.

Commissioning staff and councillors see contracts in which their organisation, or a body merged
into it, holds a share; provider users see contracts their organisation provides; everyone else
(evaluators) sees none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from tendercare.organisations.models import Organisation
from tendercare.organisations.queries import organisation_family
from tendercare.organisations.rules import (
    can_edit_register,
    is_commissioning_staff,
    is_councillor,
    is_provider_user,
)

from . import register_rules as rr
from .models import (
    COMPETITIVE_ROUTES,
    Contract,
    ContractCommissioner,
    ContractStatus,
    ContractVariation,
    Novation,
    ProcurementRoute,
    ServiceGroup,
    ServiceLine,
)

ENDED_STATUSES = (ContractStatus.EXPIRED, ContractStatus.TERMINATED)

# Sort keys a person may ask for, and the fields behind them: anything else is ignored.
SORTS = {
    "reference": ("reference",),
    "title": ("title", "reference"),
    "provider": ("provider__name", "reference"),
    "annual_value": ("annual_value", "reference"),
    "whole_life_value": ("whole_life_value", "reference"),
    "end_date": ("end_date", "reference"),
}
SORT_LABELS = {
    "reference": "Reference",
    "title": "Title",
    "provider": "Provider",
    "annual_value": "Annual value",
    "whole_life_value": "Whole-life value",
    "end_date": "End date",
}


def contracts_visible_to(user) -> QuerySet[Contract]:
    if not (user and user.is_authenticated and user.organisation_id):
        return Contract.objects.none()
    if is_commissioning_staff(user) or is_councillor(user):
        family = organisation_family(user.organisation)
        holds = ContractCommissioner.objects.filter(
            contract=OuterRef("pk"), organisation_id__in=family
        )
        return Contract.objects.filter(Exists(holds))
    if is_provider_user(user):
        return Contract.objects.filter(provider_id=user.organisation_id)
    return Contract.objects.none()


def baselines_visible_to(user):
    from .models import Baseline

    return Baseline.objects.filter(contract__in=contracts_visible_to(user))


def with_details(qs: QuerySet[Contract]) -> QuerySet[Contract]:
    return qs.select_related("provider", "service").prefetch_related(
        Prefetch("shares", queryset=ContractCommissioner.objects.select_related("organisation"))
    )


def contract_for(user, reference: str) -> Contract | None:
    return with_details(contracts_visible_to(user)).filter(reference=reference).first()


def contract_variations(contract: Contract) -> QuerySet[ContractVariation]:
    return contract.variations.select_related("recorded_by")


def contract_novations(contract: Contract) -> QuerySet[Novation]:
    return contract.novations.select_related("from_organisation", "to_organisation")


def contract_baseline(contract: Contract):
    from .models import Baseline

    return Baseline.objects.filter(contract=contract).first()


def contract_by_reference(reference: str) -> Contract | None:
    """Unscoped: for imports and services, which check who may change what themselves."""
    return Contract.objects.filter(reference=reference).first()


def service_lines() -> QuerySet[ServiceLine]:
    return ServiceLine.objects.all()


def user_can_edit(user, contract: Contract, family: list[int] | None = None) -> bool:
    if not can_edit_register(user):
        return False
    if family is None:
        family = organisation_family(user.organisation)
    return any(share.organisation_id in family for share in contract.shares.all())


def editing_family(user) -> list[int]:
    """Organisations whose contracts this person may change (empty if read-only)."""
    if not can_edit_register(user):
        return []
    return organisation_family(user.organisation)


# --- the register page -----------------------------------------------------------------------


@dataclass
class RegisterFilters:
    text: str = ""
    group: str = ""
    provider: int | None = None
    commissioner: int | None = None
    status: str = ""
    route: str = ""
    warning: str = ""
    sort: str = "end_date"
    direction: str = "asc"

    @classmethod
    def from_params(cls, params) -> RegisterFilters:
        """From GET parameters; anything unrecognised is ignored rather than an error."""

        def number(name):
            value = (params.get(name) or "").strip()
            return int(value) if value.isdigit() and len(value) < 10 else None

        def one_of(name, allowed, default=""):
            value = (params.get(name) or "").strip()
            return value if value in allowed else default

        return cls(
            text=(params.get("q") or "").strip()[:100],
            group=one_of("group", ServiceGroup.values),
            provider=number("provider"),
            commissioner=number("commissioner"),
            status=one_of("status", ContractStatus.values),
            route=one_of("route", ProcurementRoute.values),
            warning=one_of("warning", rr.WARNING_LABELS),
            sort=one_of("sort", SORTS, "end_date"),
            direction=one_of("direction", ("asc", "desc"), "asc"),
        )

    def as_params(self) -> dict[str, str]:
        values = {
            "q": self.text,
            "group": self.group,
            "provider": str(self.provider or ""),
            "commissioner": str(self.commissioner or ""),
            "status": self.status,
            "route": self.route,
            "warning": self.warning,
        }
        return {k: v for k, v in values.items() if v}


def _live() -> Q:
    return ~Q(status__in=ENDED_STATUSES)


def ending_soon_q(today: dt.date, lead_time_months: int) -> Q:
    """The database form of register_rules.ends_within_lead_time (a test keeps them equal)."""
    return _live() & Q(end_date__gte=today, end_date__lte=rr.add_months(today, lead_time_months))


def not_competed_q(today: dt.date, threshold: Decimal, years: int) -> Q:
    """The database form of register_rules.over_threshold_not_competed."""
    since = rr.add_years(today, -years)
    return (
        _live()
        & Q(whole_life_value__gte=threshold)
        & (Q(last_competed_on__isnull=True) | Q(last_competed_on__lt=since))
    )


def warning_q(code: str, today: dt.date, params: rr.RuleParameters) -> Q:
    if code == rr.ENDING_SOON:
        return ending_soon_q(today, params.lead_time_months)
    return not_competed_q(today, params.threshold, params.years)


def register_search(
    user,
    filters: RegisterFilters,
    *,
    params: rr.RuleParameters = rr.RuleParameters(),
    today: dt.date | None = None,
) -> QuerySet[Contract]:
    today = today or dt.date.today()
    qs = contracts_visible_to(user)
    if filters.text:
        qs = qs.filter(
            Q(reference__icontains=filters.text)
            | Q(title__icontains=filters.text)
            | Q(provider__name__icontains=filters.text)
            | Q(service__name__icontains=filters.text)
        )
    if filters.group:
        qs = qs.filter(service__group=filters.group)
    if filters.provider:
        qs = qs.filter(provider_id=filters.provider)
    if filters.commissioner:
        qs = qs.filter(
            Exists(
                ContractCommissioner.objects.filter(
                    contract=OuterRef("pk"), organisation_id=filters.commissioner
                )
            )
        )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.route:
        qs = qs.filter(procurement_route=filters.route)
    if filters.warning:
        qs = qs.filter(warning_q(filters.warning, today, params))
    prefix = "-" if filters.direction == "desc" else ""
    return with_details(qs).order_by(*[prefix + f for f in SORTS[filters.sort]])


def warning_counts(
    qs: QuerySet[Contract], *, params: rr.RuleParameters, today: dt.date
) -> dict[str, int]:
    return {code: qs.filter(warning_q(code, today, params)).count() for code in rr.WARNING_LABELS}


def facts_for(contract: Contract) -> rr.ContractFacts:
    return rr.ContractFacts(
        reference=contract.reference,
        end_date=contract.end_date,
        whole_life_value=contract.whole_life_value,
        last_competed_on=contract.last_competed_on,
        is_live=contract.status not in ENDED_STATUSES,
    )


@dataclass
class RegisterRow:
    contract: Contract
    warnings: list[rr.RegisterWarning] = field(default_factory=list)
    can_edit: bool = False

    @property
    def shares(self) -> list[ContractCommissioner]:
        return list(self.contract.shares.all())


def register_rows(
    user, contracts, *, params: rr.RuleParameters, today: dt.date | None = None
) -> list[RegisterRow]:
    today = today or dt.date.today()
    family = editing_family(user)
    rows = []
    for contract in contracts:
        rows.append(
            RegisterRow(
                contract=contract,
                warnings=rr.warnings_for(facts_for(contract), today=today, params=params),
                can_edit=bool(family) and user_can_edit(user, contract, family),
            )
        )
    return rows


def filter_options(user) -> dict[str, list[tuple[str, str]]]:
    """Choices for the register's filter form, limited to what the person can see."""
    visible = contracts_visible_to(user)
    providers = Organisation.objects.filter(contracts_provided__in=visible).distinct()
    commissioners = Organisation.objects.filter(contract_shares__contract__in=visible).distinct()
    return {
        "group": ServiceGroup.choices,
        "provider": [(str(o.pk), o.name) for o in providers.order_by("name")],
        "commissioner": [(str(o.pk), o.name) for o in commissioners.order_by("name")],
        "status": ContractStatus.choices,
        "route": ProcurementRoute.choices,
        "warning": list(rr.WARNING_LABELS.items()),
    }


# --- export ----------------------------------------------------------------------------------

EXPORT_HEADER = [
    "reference",
    "title",
    "commissioner",
    "provider",
    "service",
    "annual_value_gbp",
    "start_date",
    "end_date",
    "extension_months",
    "procurement_route",
    "status",
    "whole_life_value_gbp",
    "last_competed_on",
    "service_group",
]


def export_rows(contracts) -> list[list]:
    """The import template's columns first, so that an export can be imported again."""
    rows = []
    for c in contracts:
        shares = [(s.organisation.name, s.share_percent) for s in c.shares.all()]
        rows.append(
            [
                c.reference,
                c.title,
                rr.format_shares(shares) if shares else "",
                c.provider.name,
                c.service.name,
                c.annual_value,
                c.start_date,
                c.end_date,
                c.extension_months,
                c.procurement_route,
                c.status,
                c.whole_life_value,
                c.last_competed_on,
                c.service.group,
            ]
        )
    return rows


def contracts_for_export(user=None, *, organisation: Organisation | None = None):
    """Contracts to export: a person's visible ones, or (command line) all or one body's."""
    qs = contracts_visible_to(user) if user is not None else Contract.objects.all()
    if organisation is not None:
        family = organisation_family(organisation)
        qs = qs.filter(
            Q(provider_id__in=family)
            | Exists(
                ContractCommissioner.objects.filter(
                    contract=OuterRef("pk"), organisation_id__in=family
                )
            )
        )
    return with_details(qs).order_by("reference")


def is_competitive(route: str) -> bool:
    return route in COMPETITIVE_ROUTES
