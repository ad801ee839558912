"""Writes about pricing. Each is one transaction and leaves an audit record.

`by` must be allowed to edit the owner's pricing (commissioning staff of its family);
`by=None` is the system (demo generator, management commands).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction

from tendercare.core.audit import Auditor
from tendercare.core.errors import DomainError, NotAllowed
from tendercare.organisations.models import Organisation

from . import cost_model, defaults, rules
from .models import Parameter, Scenario, ScenarioVersion


def can_edit_scenario(user, scenario) -> bool:
    """Commissioning staff of the owner's family change scenarios; contract managers read them."""
    return user is not None and bool(rules.can_edit_scenario(user, scenario))


def can_create_scenario(user) -> bool:
    org = getattr(user, "organisation", None)
    return org is not None and can_edit_scenario(user, Scenario(owner=org))


def _require_edit(by, obj) -> None:
    if by is not None and not can_edit_scenario(by, obj):
        raise NotAllowed("You cannot change pricing for this organisation")


@dataclass(frozen=True)
class Change:
    """One parameter's new value, with where it came from."""

    key: str
    value: Decimal | str
    source: str
    band: str = ""
    source_date: dt.date | None = None


class ChangeRefused(DomainError):
    """A change that cannot be made, naming the form field it concerns."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def _decimal(value, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ChangeRefused(f"{label} must be a number", "value") from None
    if not number.is_finite():
        raise ChangeRefused(f"{label} must be a number", "value")
    if number < 0:
        raise ChangeRefused(f"{label} cannot be negative", "value")
    if number >= Decimal("1e8"):
        raise ChangeRefused(f"{label} is too large", "value")
    return number.quantize(Decimal("0.0001"))


def _check_change(change: Change) -> Change:
    spec = cost_model.SPECS.get(change.key)
    if spec is None:
        raise ChangeRefused(f"There is no parameter called {change.key!r}", "key")
    if change.band and (change.band not in cost_model.BANDS or not spec.by_band):
        raise ChangeRefused(
            f"{spec.label} cannot be set for the {change.band!r} band: it applies to all bands",
            "band",
        )
    value = _decimal(change.value, spec.label)
    if spec.key in cost_model.PERCENT_KEYS and value > 100:
        raise ChangeRefused(f"{spec.label} is a percentage: it must be 100 or less", "value")
    source = (change.source or "").strip()
    if not source:
        raise ChangeRefused(f"Say where the value of {spec.label} comes from", "source")
    # Every value carries the date of its source (issue 4: value, unit, source and date).
    if not isinstance(change.source_date, dt.date):
        raise ChangeRefused(f"Enter the date of the source for {spec.label}", "source_date")
    source_date = change.source_date
    if isinstance(source_date, dt.datetime):
        source_date = source_date.date()
    return Change(spec.key, value, source[:300], change.band, source_date)


def _check_rate(values) -> None:
    for band in ("", *cost_model.BANDS):
        try:
            cost_model.build_up(cost_model.resolve(values, band))
        except cost_model.ParameterMissing as error:
            raise DomainError(str(error)) from None
        except ValueError as error:
            raise DomainError(str(error)) from None


# Where a new scenario starts from (the create form offers these).
HCA_NLW = "hca_nlw"
REAL_LIVING_WAGE = "rlw"
COPY = "copy"
STARTING_POINTS = {
    HCA_NLW: "Homecare Association 2025/26 minimum price, at the National Living Wage "
    f"(GBP {defaults.NLW_2025} an hour)",
    REAL_LIVING_WAGE: "The same assumptions at the Real Living Wage "
    f"(GBP {defaults.RLW_2025} an hour)",
    COPY: "A copy of another scenario's current version",
}


def starting_values(point: str) -> tuple[defaults.Default, ...]:
    """The parameter rows a new scenario starts with, for the HCA or Real Living Wage start."""
    rows = (*defaults.HCA_2025, *defaults.BAND_TRAVEL)
    if point == HCA_NLW:
        return rows
    if point == REAL_LIVING_WAGE:
        rlw = rlw_pay_rate()
        return tuple(rlw if (d.key, d.band) == ("pay_rate", "") else d for d in rows)
    raise DomainError("Choose where the scenario starts from")


def rlw_pay_rate() -> defaults.Default:
    """The Real Living Wage pay rate row, dated. defaults.RLW_2025_DEFAULT carries the date of
    the Living Wage Foundation's announcement; without it, the date of the National Living Wage
    row (the same pay year) stands in, so the row is never undated."""
    row = getattr(defaults, "RLW_2025_DEFAULT", None)
    if isinstance(row, defaults.Default) and isinstance(row.source_date, dt.date):
        return row
    nlw = next(d for d in defaults.HCA_2025 if (d.key, d.band) == ("pay_rate", ""))
    return defaults.Default(
        "pay_rate", defaults.RLW_2025, "GBP per hour", defaults.RLW_SOURCE, nlw.source_date
    )


def version_rows(version: ScenarioVersion) -> tuple[defaults.Default, ...]:
    """A version's parameters as rows a new scenario can start from (sources kept)."""
    return tuple(
        defaults.Default(p.key, p.value, p.unit, p.source, p.source_date, p.band)
        for p in version.params.all()
    )


@transaction.atomic
def scenario_create(
    *,
    owner: Organisation,
    name: str,
    by=None,
    description: str = "",
    starting_values: Iterable[defaults.Default] | None = None,
    reason: str = "First version",
) -> Scenario:
    name = (name or "").strip()
    if not name:
        raise DomainError("Enter a name for the scenario")
    probe = Scenario(owner=owner, name=name)
    _require_edit(by, probe)
    if Scenario.objects.filter(owner=owner, name=name).exists():
        raise DomainError(f"There is already a scenario called {name}")
    scenario = Scenario.objects.create(owner=owner, name=name[:200], description=description)
    version = ScenarioVersion.objects.create(
        scenario=scenario, number=1, reason=reason[:500], created_by=by
    )
    rows = tuple(starting_values or (*defaults.HCA_2025, *defaults.BAND_TRAVEL))
    undated = [d for d in rows if not isinstance(d.source_date, dt.date)]
    if undated:
        labels = ", ".join(sorted({cost_model.SPECS[d.key].label for d in undated}))
        raise DomainError(f"Every starting value needs the date of its source: {labels} has none")
    Parameter.objects.bulk_create(
        Parameter(
            version=version,
            key=d.key,
            band=d.band,
            value=d.value,
            unit=cost_model.SPECS[d.key].unit,
            source=d.source,
            source_date=d.source_date,
        )
        for d in rows
    )
    auditor = Auditor(by=by)
    auditor.created(scenario, summary=f"Pricing scenario {name} created")
    auditor.created(version, summary=f"{name} version 1: {reason}")
    return scenario


@transaction.atomic
def scenario_use_for_monitoring(*, scenario: Scenario, by) -> Scenario:
    """Make this the scenario the owner's visit KPIs measure travel against (one per owner)."""
    _require_edit(by, scenario)
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    if scenario.used_for_monitoring:
        return scenario
    auditor = Auditor(by=by)
    previous = Scenario.objects.select_for_update().filter(
        owner_id=scenario.owner_id, used_for_monitoring=True
    )
    for row, used, summary in [
        *(
            (p, False, f"{p.name} is no longer used for monitoring: {scenario.name} is")
            for p in previous
        ),
        (scenario, True, f"{scenario.name} is now the scenario monitoring measures travel against"),
    ]:
        row.used_for_monitoring = used
        row.save(update_fields=["used_for_monitoring"])
        auditor.updated(row, before={"used_for_monitoring": not used}, summary=summary)
    return scenario


@transaction.atomic
def scenario_revise(
    *, scenario: Scenario, by=None, changes: Iterable[Change], reason: str
) -> ScenarioVersion:
    """A new version: the current values with the changes applied. Old versions stay as they
    were, so the change can be compared and explained."""
    _require_edit(by, scenario)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the values are changing")
    checked = [_check_change(change) for change in changes]
    if not checked:
        raise DomainError("Change at least one value")
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    current = scenario.versions.order_by("-number").first()
    rows = {(p.key, p.band): p for p in current.params.all()} if current else {}
    for change in checked:
        rows[(change.key, change.band)] = Parameter(
            key=change.key,
            band=change.band,
            value=change.value,
            unit=cost_model.SPECS[change.key].unit,
            source=change.source,
            source_date=change.source_date,
        )
    _check_rate({key: row.value for key, row in rows.items()})
    version = ScenarioVersion.objects.create(
        scenario=scenario,
        number=(current.number + 1) if current else 1,
        reason=reason[:500],
        created_by=by,
    )
    Parameter.objects.bulk_create(
        Parameter(
            version=version,
            key=row.key,
            band=row.band,
            value=row.value,
            unit=row.unit,
            source=row.source,
            source_date=row.source_date,
        )
        for row in rows.values()
    )
    changed = ", ".join(
        f"{cost_model.SPECS[c.key].label}{' (' + c.band + ')' if c.band else ''} = {c.value}"
        for c in checked
    )
    summary = f"{scenario.name} version {version.number}: {changed}. {reason}"
    auditor = Auditor(by=by)
    auditor.created(version, summary=summary)
    # The scenario's own history page lists its versions too.
    auditor.event(scenario, summary=summary, data={"version": version.number})
    return version


@transaction.atomic
def scenario_copy(
    *,
    owner: Organisation,
    name: str,
    from_version: ScenarioVersion,
    by=None,
    description: str = "",
) -> Scenario:
    """A new scenario starting from another scenario's version, values and sources unchanged."""
    source = from_version.scenario
    if by is not None and not rules.can_view_pricing(by, source):
        # Out of scope: do not confirm the other scenario exists.
        raise DomainError("Choose a scenario you can see to copy from")
    return scenario_create(
        owner=owner,
        name=name,
        by=by,
        description=description,
        starting_values=version_rows(from_version),
        reason=f"Copied from {source.name} version {from_version.number}",
    )
