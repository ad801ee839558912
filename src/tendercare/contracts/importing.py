"""Importing a contract register from CSV or XLSX, through core/imports.py.

The template (header row, these names, any order):

    reference,title,commissioner,provider,service,annual_value_gbp,start_date,end_date,
    extension_months,procurement_route,status

and optionally whole_life_value_gbp, last_competed_on, service_group (an export has them all,
so an export can be imported again).

* commissioner: one name (it holds 100%), or joint commissioners with their shares separated by
  semicolons: "Medway Council 60%; NHS Kent and Medway ICB 40%". Shares must add up to 100.
  A name not yet known is created when it says what kind of body it is ("Council", "ICB" or
  "Integrated Care Board", "CCG"); otherwise the row is an error.
* provider: matched by name (any case); a new name is created as an independent provider, or an
  NHS trust when it says "NHS ... Trust".
* service: matched by name; a new one is created in the group its name clearly says, else Other.
* procurement_route and status: the code or the label, any case. A blank status means active.
* dates: YYYY-MM-DD or DD/MM/YYYY. extension_months: whole months, blank means 0.
* whole_life_value_gbp: blank means annual value x (term months + extension months) / 12.
* last_competed_on: blank means the start date when the route was competitive, else never.
* a reference already in the register updates that contract (and replaces its shares).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from tendercare.core.audit import Auditor, snapshot
from tendercare.core.imports import (
    CellError,
    Columns,
    ImportResult,
    Invalid,
    Row,
    RowError,
    Written,
    run_import,
)
from tendercare.organisations.models import Organisation
from tendercare.organisations.queries import organisation_family
from tendercare.organisations.rules import can_edit_register

from . import register_rules as rr
from .models import (
    COMPETITIVE_ROUTES,
    Contract,
    ContractCommissioner,
    ContractImport,
    ContractStatus,
    ProcurementRoute,
    ServiceGroup,
    ServiceLine,
)

COLUMNS = Columns(
    required=(
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
    ),
    optional=("whole_life_value_gbp", "last_competed_on", "service_group"),
)
TEMPLATE_HEADER = ",".join(COLUMNS.required)


@dataclass
class ContractRow:
    reference: str
    title: str
    shares: list[tuple[str, Decimal]]  # names as written; matched or created when writing
    provider: str
    service: str
    service_group: str
    annual_value: Decimal
    start_date: dt.date
    end_date: dt.date
    extension_months: int
    procurement_route: str
    status: str
    whole_life_value: Decimal
    last_competed_on: dt.date | None


class _Lookups:
    """Everything the validator needs, loaded once (a file may have 50,000 rows)."""

    def __init__(self, by):
        self.organisations = {o.name.casefold(): o for o in Organisation.objects.all()}
        self.services = {s.name.casefold(): s for s in ServiceLine.objects.all()}
        self.contracts = {
            c.reference: c for c in Contract.objects.prefetch_related("shares").only("reference")
        }
        self.by = by
        self.restricted = bool(by is not None and getattr(by, "is_authenticated", False))
        self.family = set(organisation_family(by.organisation)) if self.restricted else set()


def _validator(lookups: _Lookups):
    def text(row: Row, column: str, errors: list, max_length: int) -> str:
        value = " ".join(row.get(column, "").split())
        if not value:
            errors.append(CellError(column, f"Enter the {column.replace('_', ' ')}"))
        elif len(value) > max_length:
            errors.append(CellError(column, f"Must be {max_length} characters or fewer"))
        return value

    def parsed(row: Row, column: str, errors: list, parse, *args, **kwargs):
        try:
            return parse(row.get(column, ""), *args, **kwargs)
        except ValueError as exc:
            errors.append(CellError(column, str(exc)))
            return None

    def validate(row: Row):
        errors: list[CellError] = []
        reference = text(row, "reference", errors, 50)
        title = text(row, "title", errors, 300)
        provider = text(row, "provider", errors, 200)
        service = text(row, "service", errors, 200)
        shares = parsed(row, "commissioner", errors, rr.parse_shares)
        for name, _ in shares or []:
            known = lookups.organisations.get(name.casefold())
            if known is not None and not known.is_commissioner:
                errors.append(
                    CellError("commissioner", f"{known.name} is a provider, not a commissioner")
                )
            elif known is not None and not known.is_active:
                errors.append(
                    CellError(
                        "commissioner",
                        f"{known.name} merged into {known.merged_into} on "
                        f"{known.merged_on:%d/%m/%Y}; name {known.merged_into} instead",
                    )
                )
            elif known is None and rr.commissioner_kind_for(name) is None:
                errors.append(
                    CellError(
                        "commissioner",
                        f"'{name}' is not a known commissioner. Check the spelling, or for a new "
                        "one give its full name including 'Council', 'ICB' or 'CCG'",
                    )
                )
            if len(name) > 200:
                errors.append(CellError("commissioner", "A name is over 200 characters"))
        if shares and lookups.restricted:
            held = [lookups.organisations.get(n.casefold()) for n, _ in shares]
            if not any(o is not None and o.pk in lookups.family for o in held):
                errors.append(
                    CellError(
                        "commissioner",
                        "Your organisation must be one of the commissioners of a contract you "
                        "import",
                    )
                )
        annual_value = parsed(row, "annual_value_gbp", errors, rr.parse_money)
        start_date = parsed(row, "start_date", errors, rr.parse_date)
        end_date = parsed(row, "end_date", errors, rr.parse_date)
        if start_date and end_date and end_date < start_date:
            errors.append(CellError("end_date", "The end date must be on or after the start date"))
        extension_months = parsed(row, "extension_months", errors, rr.parse_whole_number)
        route = parsed(row, "procurement_route", errors, rr.choice_for, ProcurementRoute.choices)
        status = ContractStatus.ACTIVE
        if row.get("status"):
            status = parsed(row, "status", errors, rr.choice_for, ContractStatus.choices)
        group = ""
        if row.get("service_group"):
            group = parsed(row, "service_group", errors, rr.choice_for, ServiceGroup.choices)
        whole_life = None
        if row.get("whole_life_value_gbp"):
            whole_life = parsed(row, "whole_life_value_gbp", errors, rr.parse_money)
        last_competed_on = None
        if row.get("last_competed_on"):
            last_competed_on = parsed(row, "last_competed_on", errors, rr.parse_date)
        existing = lookups.contracts.get(reference)
        if existing is not None and lookups.restricted:
            holders = {s.organisation_id for s in existing.shares.all()}
            if not (can_edit_register(lookups.by) and holders & lookups.family):
                errors.append(
                    CellError(
                        "reference",
                        f"A contract {reference} is already in the register and you cannot "
                        "change it; use another reference",
                    )
                )
        if errors:
            return Invalid(errors)
        if whole_life is None:
            whole_life = rr.contract_whole_life_value(
                annual_value, start_date, end_date, extension_months
            )
        if last_competed_on is None and route in COMPETITIVE_ROUTES:
            last_competed_on = start_date
        return ContractRow(
            reference=reference,
            title=title,
            shares=shares,
            provider=provider,
            service=service,
            service_group=group,
            annual_value=annual_value,
            start_date=start_date,
            end_date=end_date,
            extension_months=extension_months,
            procurement_route=route,
            status=status,
            whole_life_value=whole_life,
            last_competed_on=last_competed_on,
        )

    return validate


def _no_duplicates(pairs: list[tuple[Row, ContractRow]]):
    first_seen: dict[str, int] = {}
    for row, cleaned in pairs:
        if cleaned.reference in first_seen:
            yield RowError(
                row.number,
                "reference",
                f"{cleaned.reference} is also on row {first_seen[cleaned.reference]}; "
                "each reference may appear once",
            )
        else:
            first_seen[cleaned.reference] = row.number


def _names(items: list[str]) -> str:
    return ", ".join(items)


def _writer(lookups: _Lookups, *, filename: str, by, rows_read: list[int]):
    def write(rows: list[ContractRow]) -> Written:
        from tendercare.organisations.services import organisation_create

        from .services import service_line_get_or_create

        auditor = Auditor(by=by)
        new_providers, new_commissioners, new_services = [], [], []

        def organisation(name: str, kind: str, created: list[str]) -> Organisation:
            key = name.casefold()
            if key not in lookups.organisations:
                lookups.organisations[key] = organisation_create(name=name, kind=kind, by=by)
                created.append(name)
            return lookups.organisations[key]

        new_contracts: list[Contract] = []
        new_shares: list[tuple[Contract, list]] = []
        updated = 0
        for row in rows:
            provider = organisation(row.provider, rr.provider_kind_for(row.provider), new_providers)
            shares = [
                (organisation(n, rr.commissioner_kind_for(n), new_commissioners), pct)
                for n, pct in row.shares
            ]
            service = lookups.services.get(row.service.casefold())
            if service is None:
                service, _ = service_line_get_or_create(
                    name=row.service, group=row.service_group or None, by=by
                )
                lookups.services[row.service.casefold()] = service
                new_services.append(f"{service.name} ({service.get_group_display()})")
            values = {
                "title": row.title,
                "provider": provider,
                "service": service,
                "annual_value": row.annual_value,
                "whole_life_value": row.whole_life_value,
                "start_date": row.start_date,
                "end_date": row.end_date,
                "extension_months": row.extension_months,
                "procurement_route": row.procurement_route,
                "status": row.status,
                "last_competed_on": row.last_competed_on,
            }
            existing = None
            if row.reference in lookups.contracts:
                existing = Contract.objects.filter(reference=row.reference).first()
            if existing is None:
                contract = Contract(reference=row.reference, **values)
                new_contracts.append(contract)
                new_shares.append((contract, shares))
                continue
            before = snapshot(existing)
            for name, value in values.items():
                setattr(existing, name, value)
            existing.save()
            auditor.updated(existing, before=before, summary=f"Updated by import of {filename}")
            _replace_shares(existing, shares, auditor, filename)
            updated += 1
        Contract.objects.bulk_create(new_contracts, batch_size=500)
        share_rows = [
            ContractCommissioner(contract=c, organisation=o, share_percent=pct)
            for c, shares in new_shares
            for o, pct in shares
        ]
        ContractCommissioner.objects.bulk_create(share_rows, batch_size=500)
        summary = f"Imported from {filename}"
        auditor.bulk_created(new_contracts, summary=summary)
        auditor.bulk_created(share_rows, summary=summary)
        notes = []
        for label, plural, names in [
            ("provider", "providers", new_providers),
            ("commissioner", "commissioners", new_commissioners),
            ("service line", "service lines", new_services),
        ]:
            if names:
                noun = label if len(names) == 1 else plural
                notes.append(f"created {len(names)} new {noun}: {_names(names)}")
        record = ContractImport.objects.create(
            filename=filename[:255],
            rows=rows_read[0],
            created=len(new_contracts),
            updated=updated,
            notes="\n".join(notes),
            imported_by=auditor.by,
        )
        auditor.event(
            record,
            summary=f"Imported {filename}: {len(new_contracts)} contracts created, "
            f"{updated} updated",
            data={
                "rows": rows_read[0],
                "created": [c.reference for c in new_contracts][:1000],
                "updated": updated,
                "notes": notes,
            },
        )
        return Written(created=len(new_contracts), updated=updated, notes=notes)

    return write


def _replace_shares(contract: Contract, shares, auditor: Auditor, filename: str) -> None:
    wanted = {o.pk: pct for o, pct in shares}
    current = {s.organisation_id: s for s in contract.shares.all()}
    if {k: v.share_percent for k, v in current.items()} == wanted:
        return
    for share in current.values():
        auditor.deleted(share, summary=f"Shares replaced by import of {filename}")
    ContractCommissioner.objects.filter(contract=contract).delete()
    for organisation, pct in shares:
        share = ContractCommissioner.objects.create(
            contract=contract, organisation=organisation, share_percent=pct
        )
        auditor.created(share, summary=f"Imported from {filename}")


def run_contract_import(*, file, filename: str, by=None, dry_run=False, progress=None):
    lookups = _Lookups(by)
    rows_read = [0]

    def counted(rows):
        rows_read[0] = len(rows)
        return writer(rows)

    writer = _writer(lookups, filename=filename, by=by, rows_read=rows_read)
    result: ImportResult = run_import(
        file,
        filename=filename,
        columns=COLUMNS,
        validate=_validator(lookups),
        write=counted,
        check_all=_no_duplicates,
        dry_run=dry_run,
        progress=progress,
    )
    return result
