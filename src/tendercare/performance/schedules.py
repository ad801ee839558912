"""Writes for KPI schedules and community-health KPI returns: each a keyword-only function in a
transaction, audited. A contract's schedule says which KPIs apply, their target, the amber
threshold (beyond it is red) and their weight.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db import transaction

from tendercare.contracts.models import Contract
from tendercare.core import imports
from tendercare.core.audit import Auditor, snapshot
from tendercare.core.errors import DomainError, NotAllowed
from tendercare.organisations.rules import is_provider_user

from . import kpi_engine, kpis, queries, rules
from .models import KpiDefinition, KpiReturn, KpiSchedule

RETURN_COLUMNS = imports.Columns(required=("contract", "kpi", "month", "numerator", "denominator"))
MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")


def may_manage(user, contract: Contract) -> bool:
    return bool(
        user is not None
        and not is_provider_user(user)
        and rules.may_manage_monitoring(user)
        and queries.contracts_monitored_by(user).filter(pk=contract.pk).exists()
    )


def _require(by, contract: Contract) -> None:
    if not may_manage(by, contract):
        raise NotAllowed("You cannot change the KPIs of this contract")


def _number(value, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise DomainError(f"The {label} must be a number") from None
    if not number.is_finite():
        raise DomainError(f"The {label} must be a number")
    return number


def schedule_set(
    *,
    contract: Contract,
    kpi: KpiDefinition,
    target,
    amber,
    weight=Decimal(1),
    by,
) -> KpiSchedule:
    """Add a KPI to a contract's schedule, or change its target, amber threshold and weight."""
    _require(by, contract)
    target, amber = _number(target, "target"), _number(amber, "amber threshold")
    weight = _number(weight, "weight")
    problems = kpis.check_thresholds(better=kpi.better, target=target, amber=amber, unit=kpi.unit)
    if weight < 0 or weight > 100:
        problems.append("The weight must be from 0 to 100")
    if problems:
        raise DomainError(". ".join(problems))
    with transaction.atomic():
        schedule = KpiSchedule.objects.filter(contract=contract, kpi=kpi).first()
        auditor = Auditor(by=by)
        if schedule is None:
            schedule = KpiSchedule.objects.create(
                contract=contract, kpi=kpi, target=target, amber=amber, weight=weight
            )
            auditor.created(schedule, summary=f"KPI {kpi.code} added to the schedule")
            return schedule
        before = snapshot(schedule)
        schedule.target, schedule.amber, schedule.weight = target, amber, weight
        schedule.save()
        auditor.updated(schedule, before=before, summary=f"KPI {kpi.code} schedule changed")
        return schedule


def schedule_remove(*, schedule: KpiSchedule, by) -> None:
    _require(by, schedule.contract)
    with transaction.atomic():
        Auditor(by=by).deleted(schedule, summary=f"KPI {schedule.kpi.code} taken off the schedule")
        schedule.delete()


def schedule_add_defaults(*, contract: Contract, kind: str, by) -> int:
    """Every built-in KPI of a kind ("visits" or "return") not yet scheduled, at its defaults."""
    _require(by, contract)
    added = 0
    with transaction.atomic():
        have = set(contract.kpi_schedules.values_list("kpi_id", flat=True))
        for kpi in KpiDefinition.objects.filter(kind=kind).exclude(pk__in=have):
            schedule_set(
                contract=contract,
                kpi=kpi,
                target=kpi.default_target,
                amber=kpi.default_amber,
                by=by,
            )
            added += 1
    return added


# --- community health returns ----------------------------------------------------------------


def parse_month(text: str) -> dt.date:
    """'2025-04', '2025-04-01' (or a date) -> the first day of that month."""
    if isinstance(text, dt.date):
        return text.replace(day=1)
    match = MONTH.match(str(text).strip())
    if not match:
        raise DomainError("Enter the month as YYYY-MM, for example 2025-04")
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise DomainError("Enter a real month, for example 2025-04") from None


def _check_return(kpi: KpiDefinition, numerator: Decimal, denominator: Decimal) -> list[str]:
    problems = []
    if kpi.kind != KpiDefinition.Kind.RETURN:
        problems.append(f"{kpi.code} is worked out from visit records, not entered")
    if numerator < 0:
        problems.append("The numerator must not be negative")
    if denominator <= 0:
        problems.append("The denominator must be more than 0")
    elif kpi.unit == "percent" and numerator > denominator:
        problems.append("The numerator cannot be more than the denominator")
    return problems


def return_enter(
    *, contract: Contract, kpi: KpiDefinition, month, numerator, denominator, by
) -> KpiReturn:
    """Enter (or correct) a community contract's figure for one KPI and month."""
    _require(by, contract)
    month = parse_month(month)
    numerator, denominator = _number(numerator, "numerator"), _number(denominator, "denominator")
    problems = _check_return(kpi, numerator, denominator)
    if problems:
        raise DomainError(". ".join(problems))
    with transaction.atomic():
        return _save_return(contract, kpi, month, numerator, denominator, by, Auditor(by=by))


def _save_return(contract, kpi, month, numerator, denominator, by, auditor) -> KpiReturn:
    """Save the return and, in the same transaction, its KpiResult (kpi_engine.
    return_result_write: created, or updated in place), so the figure is rated, charted, paid
    and listed like a visit KPI's."""
    existing = KpiReturn.objects.filter(contract=contract, kpi=kpi, month=month).first()
    if existing is None:
        entered = KpiReturn.objects.create(
            contract=contract,
            kpi=kpi,
            month=month,
            numerator=numerator,
            denominator=denominator,
            entered_by=by,
        )
        auditor.created(entered, summary=f"KPI return {kpi.code} {month:%Y-%m} entered")
        kpi_engine.return_result_write(entered, auditor=auditor)
        return entered
    before = snapshot(existing)
    existing.numerator, existing.denominator, existing.entered_by = numerator, denominator, by
    existing.save()
    auditor.updated(
        existing, before=before, summary=f"KPI return {kpi.code} {month:%Y-%m} corrected"
    )
    kpi_engine.return_result_write(existing, auditor=auditor)
    return existing


def returns_import(*, file, filename: str, by, dry_run: bool = False) -> imports.ImportResult:
    """Import returns (contract reference, kpi code, month, numerator, denominator) for the
    contracts this person manages: every row checked first; all or nothing."""
    contracts = {
        c.reference.lower(): c for c in queries.contracts_monitored_by(by) if may_manage(by, c)
    }
    definitions = {d.code: d for d in KpiDefinition.objects.filter(kind=KpiDefinition.Kind.RETURN)}

    def validate(row):
        errors = imports.Invalid()
        contract = contracts.get(row["contract"].strip().lower())
        if contract is None:
            errors.append(
                imports.CellError(
                    "contract", f"No contract you manage has the reference '{row['contract']}'"
                )
            )
        kpi = definitions.get(row["kpi"].strip().lower())
        if kpi is None:
            errors.append(
                imports.CellError(
                    "kpi",
                    f"Unknown KPI '{row['kpi']}'. Use one of: {', '.join(sorted(definitions))}",
                )
            )
        values = {}
        for column, label in (
            ("month", "month"),
            ("numerator", "numerator"),
            ("denominator", "denominator"),
        ):
            try:
                values[column] = (
                    parse_month(row[column]) if column == "month" else _number(row[column], label)
                )
            except DomainError as exc:
                errors.append(imports.CellError(column, exc.message))
        if not errors and kpi is not None:
            for problem in _check_return(kpi, values["numerator"], values["denominator"]):
                column = "numerator" if "numerator" in problem else "denominator"
                errors.append(imports.CellError(column, problem))
        if errors:
            return errors
        return (contract, kpi, values["month"], values["numerator"], values["denominator"])

    def check_all(pairs):
        seen = {}
        for row, (contract, kpi, month, _n, _d) in pairs:
            key = (contract.pk, kpi.pk, month)
            if key in seen:
                yield imports.RowError(
                    row.number, "month", f"The same contract, KPI and month is on row {seen[key]}"
                )
            seen.setdefault(key, row.number)

    def write(cleaned):
        auditor = Auditor(by=by)
        created = updated = 0
        for contract, kpi, month, numerator, denominator in cleaned:
            existed = KpiReturn.objects.filter(contract=contract, kpi=kpi, month=month).exists()
            _save_return(contract, kpi, month, numerator, denominator, by, auditor)
            updated += existed
            created += not existed
        if by is not None and getattr(by, "organisation", None) is not None:
            auditor.event(
                by.organisation,
                summary=f"KPI returns imported from {filename}: {created} new, {updated} corrected",
            )
        return imports.Written(created=created, updated=updated)

    if not contracts:
        result = imports.ImportResult(filename=filename, dry_run=dry_run)
        result.errors.append(
            imports.RowError(0, "", "You do not manage any contract's KPI returns")
        )
        return result
    return imports.run_import(
        file,
        filename=filename,
        columns=RETURN_COLUMNS,
        validate=validate,
        write=write,
        check_all=check_all,
        dry_run=dry_run,
    )
