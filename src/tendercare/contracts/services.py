"""Writes to the contract register. Each is one transaction and leaves an audit record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from tendercare.core.audit import Auditor, snapshot
from tendercare.core.errors import DomainError
from tendercare.organisations import services as organisation_services
from tendercare.organisations.models import Organisation

from . import register_rules as rr
from .models import (
    COMPETITIVE_ROUTES,
    Baseline,
    Contract,
    ContractCommissioner,
    ContractStatus,
    ContractVariation,
    Novation,
    ProcurementRoute,
    ServiceGroup,
    ServiceLine,
)

Shares = list[tuple[Organisation, Decimal]]

# Fields a caller may change with contract_update; the rest have their own use cases.
UPDATABLE = frozenset(
    {
        "title",
        "provider",
        "service",
        "annual_value",
        "whole_life_value",
        "start_date",
        "end_date",
        "extension_months",
        "procurement_route",
        "last_competed_on",
        "status",
        "notes",
    }
)


def _check_contract(contract: Contract) -> None:
    if not contract.reference.strip():
        raise DomainError("Enter the contract reference")
    if not contract.title.strip():
        raise DomainError("Enter the contract title")
    if contract.end_date < contract.start_date:
        raise DomainError("The end date must be on or after the start date")
    if contract.annual_value < 0:
        raise DomainError("The annual value cannot be negative")
    if contract.procurement_route not in ProcurementRoute.values:
        raise DomainError(f"'{contract.procurement_route}' is not a procurement route")
    if contract.status not in ContractStatus.values:
        raise DomainError(f"'{contract.status}' is not a contract status")


def _check_shares(shares: Shares) -> None:
    if not shares:
        raise DomainError("Name at least one commissioner")
    for organisation, _ in shares:
        if not organisation.is_commissioner:
            raise DomainError(f"{organisation} is not a commissioning body")
    try:
        rr.check_shares([(o.name, Decimal(p)) for o, p in shares])
    except ValueError as exc:
        raise DomainError(str(exc)) from None


def service_line_get_or_create(*, name: str, group: str | None = None, by=None):
    """The service line with this name (any case), created when new; returns (line, created)."""
    name = " ".join(name.split())
    existing = ServiceLine.objects.filter(name__iexact=name).first()
    if existing:
        return existing, False
    group = group or rr.service_group_for(name)
    if group not in ServiceGroup.values:
        raise DomainError(f"'{group}' is not a service group")
    with transaction.atomic():
        line = ServiceLine.objects.create(name=name, group=group)
        Auditor(by=by).created(line)
    return line, True


def contract_create(
    *,
    reference: str,
    title: str,
    provider: Organisation,
    service: ServiceLine,
    annual_value: Decimal,
    start_date: dt.date,
    end_date: dt.date,
    procurement_route: str,
    shares: Shares,
    extension_months: int = 0,
    status: str = ContractStatus.ACTIVE,
    last_competed_on: dt.date | None = None,
    whole_life_value: Decimal | None = None,
    notes: str = "",
    by=None,
) -> Contract:
    """A new contract with its commissioners' shares (which must add up to 100%).
    Whole-life value is calculated unless given; last_competed_on defaults to the start date
    when the route was competitive."""
    reference = reference.strip()
    if Contract.objects.filter(reference=reference).exists():
        raise DomainError(f"There is already a contract with reference {reference}")
    if last_competed_on is None and procurement_route in COMPETITIVE_ROUTES:
        last_competed_on = start_date
    contract = Contract(
        reference=reference,
        title=title.strip(),
        provider=provider,
        service=service,
        annual_value=Decimal(annual_value),
        start_date=start_date,
        end_date=end_date,
        extension_months=extension_months,
        procurement_route=procurement_route,
        status=status,
        last_competed_on=last_competed_on,
        notes=notes,
        whole_life_value=Decimal(0),
    )
    _check_contract(contract)
    _check_shares(shares)
    contract.whole_life_value = (
        Decimal(whole_life_value)
        if whole_life_value is not None
        else rr.contract_whole_life_value(
            contract.annual_value, start_date, end_date, extension_months
        )
    )
    auditor = Auditor(by=by)
    with transaction.atomic():
        contract.save()
        auditor.created(contract)
        for organisation, percent in shares:
            share = ContractCommissioner.objects.create(
                contract=contract, organisation=organisation, share_percent=Decimal(percent)
            )
            auditor.created(share)
    return contract


def contract_update(*, contract: Contract, by=None, **fields) -> Contract:
    """Change some fields. Whole-life value is recalculated when the value or term changes,
    unless a whole_life_value is given."""
    unknown = set(fields) - UPDATABLE
    if unknown:
        raise DomainError(f"These cannot be changed here: {', '.join(sorted(unknown))}")
    before = snapshot(contract)
    for name, value in fields.items():
        setattr(contract, name, value)
    _check_contract(contract)
    terms = {"annual_value", "start_date", "end_date", "extension_months"}
    if "whole_life_value" not in fields and terms & set(fields):
        contract.whole_life_value = rr.contract_whole_life_value(
            contract.annual_value, contract.start_date, contract.end_date, contract.extension_months
        )
    with transaction.atomic():
        contract.save()
        Auditor(by=by).updated(contract, before=before)
    return contract


def contract_vary(
    *,
    contract: Contract,
    effective_on: dt.date,
    annual_value_change: Decimal,
    reason: str,
    by=None,
) -> ContractVariation:
    """A variation: the annual value changes from a date, and the whole-life value by the
    change over the months left (including extension options)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Give the reason for the variation")
    change = Decimal(annual_value_change)
    if (
        not change.is_finite()
        or change != change.quantize(rr.PENCE)
        or abs(contract.annual_value + change) >= Decimal("1e12")
    ):
        raise DomainError("Give the change to the annual value in pounds and pence, like -25000.00")
    if not (contract.start_date <= effective_on <= contract.end_date):
        raise DomainError(
            f"The variation must take effect between the contract's start "
            f"({contract.start_date:%d/%m/%Y}) and end ({contract.end_date:%d/%m/%Y})"
        )
    if contract.annual_value + change < 0:
        raise DomainError(
            f"The annual value would become negative: it is GBP {contract.annual_value:,.2f}"
        )
    months_left = rr.term_months(effective_on, contract.end_date)
    whole_life_change = rr.whole_life_value(change, months_left, contract.extension_months)
    before = snapshot(contract)
    auditor = Auditor(by=by)
    with transaction.atomic():
        variation = ContractVariation.objects.create(
            contract=contract,
            effective_on=effective_on,
            annual_value_change=change,
            whole_life_value_change=whole_life_change,
            reason=reason,
            recorded_by=auditor.by,
        )
        contract.annual_value += change
        contract.whole_life_value = max(Decimal(0), contract.whole_life_value + whole_life_change)
        contract.save(update_fields=["annual_value", "whole_life_value", "updated_at"])
        auditor.created(variation)
        auditor.updated(
            contract, before=before, summary=f"Varied from {effective_on:%d/%m/%Y}: {reason}"[:500]
        )
    return variation


def baseline_record(
    *,
    contract: Contract,
    annual_cost: Decimal,
    recorded_on: dt.date,
    activity: Decimal | None = None,
    activity_unit: str = "",
    service_model_notes: str = "",
    by=None,
) -> Baseline:
    """Record (or replace) the due-diligence baseline: cost, activity and service model today."""
    if Decimal(annual_cost) < 0:
        raise DomainError("The annual cost cannot be negative")
    if activity is not None and Decimal(activity) < 0:
        raise DomainError("Activity cannot be negative")
    if activity is not None and not activity_unit.strip():
        raise DomainError("Say what the activity counts, for example 'contacts a year'")
    auditor = Auditor(by=by)
    values = {
        "annual_cost": Decimal(annual_cost),
        "activity": activity,
        "activity_unit": activity_unit.strip(),
        "service_model_notes": service_model_notes.strip(),
        "recorded_on": recorded_on,
    }
    with transaction.atomic():
        baseline = Baseline.objects.filter(contract=contract).first()
        if baseline is None:
            baseline = Baseline.objects.create(contract=contract, **values)
            auditor.created(baseline)
        else:
            before = snapshot(baseline)
            for name, value in values.items():
                setattr(baseline, name, value)
            baseline.save()
            auditor.updated(baseline, before=before)
    return baseline


def contract_set_shares(*, contract: Contract, shares: Shares, by=None) -> list:
    """Replace the commissioners' shares; they must add up to 100%."""
    _check_shares(shares)
    auditor = Auditor(by=by)
    wanted = {o.pk: Decimal(p) for o, p in shares}
    with transaction.atomic():
        for share in list(contract.shares.all()):
            if share.organisation_id not in wanted:
                auditor.deleted(share)
                share.delete()
            elif share.share_percent != wanted[share.organisation_id]:
                before = snapshot(share)
                share.share_percent = wanted[share.organisation_id]
                share.save(update_fields=["share_percent"])
                auditor.updated(share, before=before)
        held = set(contract.shares.values_list("organisation_id", flat=True))
        for organisation, percent in shares:
            if organisation.pk not in held:
                share = ContractCommissioner.objects.create(
                    contract=contract, organisation=organisation, share_percent=Decimal(percent)
                )
                auditor.created(share)
    return list(contract.shares.all())


def contracts_novate_on_merger(
    *, predecessor: Organisation, successor: Organisation, on: dt.date, by=None
) -> list[Novation]:
    """Every share the predecessor holds passes to the successor, one Novation per contract.
    Where the successor already holds a share, the two are added together."""
    if predecessor.pk == successor.pk:
        raise DomainError("A commissioner cannot novate contracts to itself")
    if not successor.is_commissioner:
        raise DomainError(f"{successor} is not a commissioning body")
    auditor = Auditor(by=by)
    novations = []
    reason = f"{predecessor} merged into {successor} on {on:%d/%m/%Y}"
    with transaction.atomic():
        shares = ContractCommissioner.objects.select_related("contract").filter(
            organisation=predecessor
        )
        for share in shares:
            contract = share.contract
            existing = ContractCommissioner.objects.filter(
                contract=contract, organisation=successor
            ).first()
            if existing:
                before = snapshot(existing)
                existing.share_percent += share.share_percent
                existing.save(update_fields=["share_percent"])
                auditor.updated(existing, before=before, summary=reason)
                auditor.deleted(share, summary=reason)
                share.delete()
            else:
                before = snapshot(share)
                share.organisation = successor
                share.save(update_fields=["organisation"])
                auditor.updated(share, before=before, summary=reason)
            novation = Novation.objects.create(
                contract=contract,
                from_organisation=predecessor,
                to_organisation=successor,
                effective_on=on,
                reason=reason[:300],
            )
            auditor.created(novation)
            auditor.event(contract, summary=f"Novated: {reason}")
            novations.append(novation)
    return novations


def commissioners_merge(
    *, predecessors: list[Organisation], successor: Organisation, on: dt.date, by=None
) -> list[Novation]:
    """Predecessors (say eight CCGs) become successor (one ICB) on a date; their contracts
    novate to it. The predecessors stay on record, merged_into the successor."""
    with transaction.atomic():
        organisation_services.organisations_merge(
            predecessors=predecessors, successor=successor, on=on, by=by
        )
        novations = []
        for predecessor in predecessors:
            novations.extend(
                contracts_novate_on_merger(
                    predecessor=predecessor, successor=successor, on=on, by=by
                )
            )
    return novations


def contracts_import(*, file, filename: str, by=None, dry_run: bool = False, progress=None):
    """Import a register from CSV or XLSX: every row checked, all or nothing.
    See contracts/importing.py for the columns and how each is read."""
    from .importing import run_contract_import

    return run_contract_import(
        file=file, filename=filename, by=by, dry_run=dry_run, progress=progress
    )
