"""Writes for payments: a contract's payment terms and rules, monthly statements, disputes.
Each a keyword-only function in one transaction, audited. The arithmetic is payments.py.

    terms_set(contract=c, rates={...}, monthly_hours={...}, penalty_cap_percent=5,
              reward_cap_percent=2, rules={schedule_id: {"red": "-2", ...}}, by=user)
    statement_issue(contract=c, month="2025-04", by=user)      # builds or replaces the month
    dispute_raise(statement=s, adjustment=a, reason="...", by=provider_user)
    dispute_resolve(dispute=d, outcome="upheld", resolution="...", by=user)
    statement_accept(statement=s, by=provider_user)            # issued/resolved -> accepted
    statement_note_add(statement=s, note="...", adjustment=a, by=user)
    adjustment_remove(adjustment=a, reason="...", by=user)

The lifecycle: issued -> disputed (the provider) -> dispute resolved (commissioning staff) ->
accepted (the provider), or issued -> accepted. A disputed statement cannot be accepted until
its dispute is resolved; an accepted statement cannot be changed (no re-issue, dispute, note or
removal). Every transition is audited and listed on the statement page (statement_trail).

A statement pays delivered contact hours (from the visit store: electronic call monitoring)
at each band's rate, plus penalties and rewards as a percent of the commissioned value.
Re-issuing a month replaces its figures in place (same statement, so its history page shows
both) unless a dispute is open. Disputes survive a re-issue: each is pointed at the new
adjustment for the same KPI result and rule, and an upheld one keeps its adjustment removed.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tendercare.contracts.models import Contract
from tendercare.core.audit import Auditor, history_for, snapshot
from tendercare.core.errors import DomainError, NotAllowed
from tendercare.core.models import AuditLog
from tendercare.organisations.rules import is_provider_user

from . import kpis, payments, queries, rules
from .models import (
    Adjustment,
    Dispute,
    KpiResult,
    KpiSchedule,
    PaymentRule,
    PaymentTerms,
    ProviderStatus,
    Statement,
    StatementLine,
)

MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
NOTES_SUMMARY = "Statement figures"
# Audit events on a statement that carry data the page shows (no model field holds them).
NOTE_SUMMARY = "Note added"
REMOVAL_SUMMARY = "Adjustment removed"
NOTE_MAX = 2000
ACCEPTED_TEXT = "This statement has been accepted: it cannot be changed"


# --- who may ---------------------------------------------------------------------------------


def may_manage(user, contract: Contract) -> bool:
    """Commissioning staff who edit the register, of a family that commissions the contract."""
    return bool(
        user is not None
        and not is_provider_user(user)
        and rules.may_manage_monitoring(user)
        and queries.contracts_monitored_by(user).filter(pk=contract.pk).exists()
    )


def may_dispute(user, statement: Statement) -> bool:
    return bool(rules.is_the_provider(user, statement))


def may_accept(user, statement: Statement) -> bool:
    """The provider paid by the statement accepts it: it is the party the statement is put
    to, as it is the party that may dispute it. Commissioning staff issue and resolve."""
    return bool(rules.is_the_provider(user, statement))


def may_note(user, statement: Statement) -> bool:
    """Both parties to a statement may add notes: the provider and commissioning staff who
    manage the contract."""
    return bool(may_dispute(user, statement) or may_manage(user, statement.contract))


def _refuse_if_accepted(statement: Statement) -> None:
    if statement.status == Statement.Status.ACCEPTED:
        raise DomainError(ACCEPTED_TEXT)


def _locked(statement: Statement) -> Statement:
    """The statement re-read under a row lock, so two transitions cannot cross."""
    return Statement.objects.select_for_update().get(pk=statement.pk)


def _require_manager(by, contract: Contract, what: str) -> None:
    if not may_manage(by, contract):
        raise NotAllowed(f"You cannot {what} for this contract")


def parse_month(value) -> dt.date:
    if isinstance(value, dt.date):
        return value.replace(day=1)
    match = MONTH.match(str(value).strip())
    if not match:
        raise DomainError("Enter the month as YYYY-MM, for example 2025-04")
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise DomainError("Enter a real month, for example 2025-04") from None


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


# --- terms and rules -------------------------------------------------------------------------


def _clean_bands(mapping, label: str) -> dict[str, str]:
    out = {}
    for band, value in (mapping or {}).items():
        if value is None or str(value).strip() == "":
            continue
        try:
            out[band] = str(payments.decimal_of(value, f"{band} {label}"))
        except ValueError:
            out[band] = str(value)  # check_terms reports it
    return out


def terms_set(
    *,
    contract: Contract,
    rates: dict,
    monthly_hours: dict,
    penalty_cap_percent,
    reward_cap_percent,
    rules: dict | None = None,
    by,
) -> PaymentTerms:
    """Set a contract's band rates, commissioned hours, caps and (optionally) the penalty and
    reward percent per rating of each scheduled KPI ({schedule_id: {"red": "-2", ...}}; a
    blank percent removes the rule). All checked first; nothing is saved if anything is wrong."""
    _require_manager(by, contract, "change the payment terms")
    rates, monthly_hours = _clean_bands(rates, "rate"), _clean_bands(monthly_hours, "hours")
    problems = payments.check_terms(
        rates=rates,
        monthly_hours=monthly_hours,
        penalty_cap_percent=penalty_cap_percent,
        reward_cap_percent=reward_cap_percent,
    )
    schedules = {s.pk: s for s in KpiSchedule.objects.filter(contract=contract)}
    wanted: list[tuple[KpiSchedule, str, Decimal | None]] = []
    for schedule_id, by_rating in (rules or {}).items():
        schedule = schedules.get(int(schedule_id))
        if schedule is None:
            problems.append("A KPI rule names a schedule that is not this contract's")
            continue
        for rating, percent in by_rating.items():
            if percent is None or str(percent).strip() == "":
                wanted.append((schedule, rating, None))
                continue
            found = payments.check_rule(rating=rating, percent=percent)
            problems.extend(f"{schedule.kpi.name}, {rating}: {p}" for p in found)
            if not found:
                wanted.append((schedule, rating, payments.decimal_of(percent, "percent")))
    if problems:
        raise DomainError(". ".join(problems))
    auditor = Auditor(by=by)
    with transaction.atomic():
        terms = PaymentTerms.objects.filter(contract=contract).first()
        values = {
            "rates": rates,
            "monthly_hours": monthly_hours,
            "penalty_cap_percent": payments.decimal_of(penalty_cap_percent, "penalty cap"),
            "reward_cap_percent": payments.decimal_of(reward_cap_percent, "reward cap"),
        }
        if terms is None:
            terms = PaymentTerms.objects.create(contract=contract, **values)
            auditor.created(terms, summary="Payment terms set")
        else:
            before = snapshot(terms)
            for name, value in values.items():
                setattr(terms, name, value)
            terms.save()
            auditor.updated(terms, before=before, summary="Payment terms changed")
        for schedule, rating, percent in wanted:
            _rule_set(schedule, rating, percent, auditor)
    return terms


def _rule_set(schedule, rating, percent, auditor) -> None:
    rule = PaymentRule.objects.filter(schedule=schedule, rating=rating).first()
    label = f"{schedule.kpi.code} {rating}"
    if percent is None:
        if rule is not None:
            auditor.deleted(rule, summary=f"Payment rule {label} removed")
            rule.delete()
        return
    if rule is None:
        rule = PaymentRule.objects.create(schedule=schedule, rating=rating, percent=percent)
        auditor.created(rule, summary=f"Payment rule {label}: {percent}%")
    elif rule.percent != percent:
        before = snapshot(rule)
        rule.percent = percent
        rule.save()
        auditor.updated(rule, before=before, summary=f"Payment rule {label}: {percent}%")


# --- delivered hours -------------------------------------------------------------------------


def contract_zones(contract: Contract, month: dt.date) -> list[ProviderStatus]:
    """The provider's statuses in zones under this contract during the month."""
    end = _next_month(month)
    return list(
        ProviderStatus.objects.filter(
            contract=contract, provider_id=contract.provider_id, since__lt=end
        )
        .exclude(until__lt=month)
        .select_related("zone")
    )


DELIVERED_SQL = """
SELECT band,
       SUM(MINUTES(actual_start, actual_end) * (CASE WHEN double_up THEN 2 ELSE 1 END)) / 60.0
FROM visits
WHERE provider_id = ? AND zone_id IN ({zones})
  AND actual_start IS NOT NULL AND actual_end IS NOT NULL AND actual_end > actual_start
  AND planned_start >= ? AND planned_start < ?
  AND CAST(date_trunc('month', LOCAL(planned_start)) AS DATE) = ?
GROUP BY band
"""


def delivered_hours(*, contract: Contract, month: dt.date) -> dict[str, Decimal]:
    """Delivered contact hours by band for the contract's provider in the contract's zones,
    from the visit store: actual start to actual end (ECM), a double-up counting twice (two
    carers are paid). Visits with no band ('') are reported under "" and not paid."""
    from . import kpi_engine  # reads the store through visit_store.connect once it exists

    statuses = contract_zones(contract, month)
    if not statuses:
        return {}
    zone_ids = sorted({s.zone_id for s in statuses})
    owner_ids = sorted({s.zone.owner_id for s in statuses})
    con = kpi_engine.connect(owner_ids)
    # UTC bounds a day either side of the London month, for partition pruning.
    since = dt.datetime.combine(month - dt.timedelta(days=1), dt.time())
    before = dt.datetime.combine(_next_month(month) + dt.timedelta(days=1), dt.time())
    sql = kpis.render(DELIVERED_SQL.replace("{zones}", ", ".join(str(int(z)) for z in zone_ids)))
    rows = con.execute(sql, [contract.provider_id, since, before, month]).fetchall()
    return {
        (band or ""): Decimal(str(round(hours or 0, 4))).quantize(payments.PENNY)
        for band, hours in rows
    }


# --- statements ------------------------------------------------------------------------------


def _outcomes(contract: Contract, month: dt.date) -> tuple[list[payments.Outcome], dict]:
    """One outcome per scheduled KPI that has rules and a result this month. A KPI measured in
    several zones is pooled (sum of numerators over sum of denominators); the adjustment then
    names the result with the most activity behind it."""
    schedules = list(
        KpiSchedule.objects.filter(contract=contract)
        .select_related("kpi")
        .prefetch_related("rules")
    )
    results = list(
        KpiResult.objects.filter(
            contract=contract, provider_id=contract.provider_id, month=month
        ).select_related("kpi", "zone")
    )
    outcomes, by_key = [], {}
    for schedule in schedules:
        rules_here = {r.rating: (r.pk, r.percent) for r in schedule.rules.all()}
        if not rules_here:
            continue
        mine = [r for r in results if r.kpi_id == schedule.kpi_id]
        if not mine:
            continue
        main = max(mine, key=lambda r: (r.denominator, -r.pk))
        if len(mine) == 1:
            value = main.value
        else:
            numerator = sum(r.numerator for r in mine)
            denominator = sum(r.denominator for r in mine)
            builtin = kpis.BY_CODE.get(schedule.kpi.code)
            scale = getattr(builtin, "scale", None) or (
                Decimal(100) if schedule.kpi.unit == "percent" else Decimal(1)
            )
            value = (
                (numerator / denominator * Decimal(scale)).quantize(Decimal("0.0001"))
                if denominator
                else None
            )
        name = schedule.kpi.name + (f" (pooled over {len(mine)} zones)" if len(mine) > 1 else "")
        outcomes.append(
            payments.Outcome(
                key=main.pk,
                code=schedule.kpi.code,
                name=name,
                value=value,
                target=schedule.target,
                amber=schedule.amber,
                better=schedule.kpi.better,
                rules=rules_here,
                unit=schedule.kpi.unit,
            )
        )
        by_key[main.pk] = main
    return outcomes, by_key


def statement_issue(*, contract: Contract, month, by, delivered: dict | None = None) -> Statement:
    """Build (or rebuild) the contract's statement for a month. `delivered` (hours by band)
    overrides the visit store, for contracts whose visits are not in it."""
    _require_manager(by, contract, "issue statements")
    month = parse_month(month)
    if contract.provider_id is None:
        raise DomainError("This contract has no provider to pay")
    terms = PaymentTerms.objects.filter(contract=contract).first()
    if terms is None:
        raise DomainError("Set the contract's payment terms (band rates and hours) first")
    hours = (
        delivered_hours(contract=contract, month=month)
        if delivered is None
        else {b: payments.decimal_of(v, f"{b} delivered hours") for b, v in delivered.items()}
    )
    unbanded = hours.pop("", Decimal(0))
    outcomes, results = _outcomes(contract, month)
    calc = payments.calculate(
        rates=terms.rates,
        monthly_hours=terms.monthly_hours,
        delivered_hours=hours,
        outcomes=outcomes,
        penalty_cap_percent=terms.penalty_cap_percent,
        reward_cap_percent=terms.reward_cap_percent,
    )
    notes = list(calc.notes)
    if unbanded:
        notes.append(
            f"{unbanded} delivered hours had no rurality band and are not paid until banded"
        )
    auditor = Auditor(by=by)
    with transaction.atomic():
        statement = (
            Statement.objects.select_for_update().filter(contract=contract, month=month).first()
        )
        figures = {
            "provider_id": contract.provider_id,
            "commissioned_amount": calc.commissioned_amount,
            "delivered_amount": calc.delivered_amount,
            "adjustments_amount": calc.adjustments_amount,
            "total": calc.total,
            "status": Statement.Status.ISSUED,
        }
        carried: dict[tuple[int, int], list[Dispute]] = {}
        removals: dict[tuple[int, int], str] = {}
        if statement is None:
            statement = Statement.objects.create(contract=contract, month=month, **figures)
            auditor.created(statement, summary=f"Statement issued: total {calc.total}")
        else:
            if statement.status == Statement.Status.DISPUTED:
                raise DomainError(
                    "This statement is disputed: resolve the dispute before issuing it again"
                )
            _refuse_if_accepted(statement)
            removals = {(r["kpi_result"], r["rule"]): r["reason"] for r in removals_of(statement)}
            for dispute in statement.disputes.select_related("adjustment"):
                if dispute.adjustment is not None:
                    key = (dispute.adjustment.kpi_result_id, dispute.adjustment.rule_id)
                    carried.setdefault(key, []).append(dispute)
            before = snapshot(statement)
            for old in statement.adjustments.all():
                auditor.deleted(old, summary="Adjustment replaced by the re-issued statement")
            statement.adjustments.all().delete()
            statement.lines.all().delete()
            for name, value in figures.items():
                setattr(statement, name, value)
            statement.save()
            auditor.updated(
                statement, before=before, summary=f"Statement re-issued: total {calc.total}"
            )
        for line in calc.lines:
            StatementLine.objects.create(
                statement=statement,
                band=line.band,
                commissioned_hours=line.commissioned_hours,
                delivered_hours=line.delivered_hours,
                rate=line.rate,
                amount=line.amount,
            )
        removed = Decimal(0)
        for a in calc.adjustments:
            adjustment = Adjustment.objects.create(
                statement=statement,
                kpi_result=results[a.key],
                rule_id=a.rule_key,
                percent=a.percent,
                amount=a.amount,
                reason=a.reason,
            )
            for dispute in carried.get((a.key, a.rule_key), []):
                # The old adjustment is gone (SET_NULL): the dispute follows its KPI result and
                # rule to the new one, and the trail says so.
                dispute_before = snapshot(dispute)
                dispute.adjustment = adjustment
                dispute.save(update_fields=["adjustment"])
                auditor.updated(
                    dispute,
                    before=dispute_before,
                    summary="Dispute carried to the re-issued statement's adjustment",
                )
                if dispute.outcome == Dispute.Outcome.UPHELD and adjustment.amount:
                    removed += _remove(adjustment, dispute)
            why = removals.get((a.key, a.rule_key))
            if why is not None and adjustment.amount:
                removed += _remove(adjustment, None, why=why)
        if removed:
            statement.adjustments_amount -= removed
            statement.total -= removed
            statement.save(update_fields=["adjustments_amount", "total"])
            notes.append("Adjustments removed by upheld disputes or by hand stay removed")
        auditor.event(
            statement,
            summary=NOTES_SUMMARY,
            data={
                "lines": [
                    {
                        "band": line.band,
                        "commissioned_hours": str(line.commissioned_hours),
                        "delivered_hours": str(line.delivered_hours),
                        "rate": str(line.rate),
                        "amount": str(line.amount),
                    }
                    for line in calc.lines
                ],
                "adjustments": [
                    {"kpi_result": a.key, "rule": a.rule_key, "amount": str(a.amount)}
                    for a in calc.adjustments
                ],
                "notes": notes,
            },
        )
    return statement


def _remove(adjustment: Adjustment, dispute: Dispute | None, *, why: str = "") -> Decimal:
    """Take an adjustment's effect off (the row stays, at zero, saying why). Returns the
    amount that was removed."""
    amount = adjustment.amount
    adjustment.amount = Decimal("0.00")
    adjustment.percent = Decimal("0.00")
    tail = " [removed: dispute upheld]" if dispute is not None else f" [removed: {why}]"
    adjustment.reason = (adjustment.reason[: max(0, 500 - len(tail))] + tail)[:500]
    adjustment.save(update_fields=["amount", "percent", "reason"])
    return amount


def statement_notes(statement: Statement) -> list[str]:
    """The notes written when the statement was last issued (caps applied, missing values)."""
    entry = history_for(statement).filter(summary=NOTES_SUMMARY).order_by("-pk").first()
    return list((entry.after or {}).get("notes", [])) if entry else []


# --- disputes --------------------------------------------------------------------------------


def dispute_raise(
    *, statement: Statement, adjustment: Adjustment | None = None, reason: str, by
) -> Dispute:
    """The provider disputes its statement, or one adjustment on it."""
    if not may_dispute(by, statement):
        raise NotAllowed("Only the provider paid by this statement can dispute it")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why you dispute the statement")
    if adjustment is not None and adjustment.statement_id != statement.pk:
        raise DomainError("That adjustment is not on this statement")
    auditor = Auditor(by=by)
    with transaction.atomic():
        statement = _locked(statement)
        _refuse_if_accepted(statement)
        if statement.status == Statement.Status.DISPUTED:
            raise DomainError("This statement already has an open dispute")
        dispute = Dispute.objects.create(
            statement=statement, adjustment=adjustment, reason=reason, raised_by=by
        )
        what = f"the adjustment '{adjustment.reason[:80]}'" if adjustment else "the statement"
        auditor.created(dispute, summary=f"Dispute raised on {what}")
        before = snapshot(statement)
        statement.status = Statement.Status.DISPUTED
        statement.save(update_fields=["status"])
        auditor.updated(statement, before=before, summary="Statement disputed")
    return dispute


def dispute_resolve(*, dispute: Dispute, outcome: str, resolution: str, by) -> Dispute:
    """Uphold (the disputed adjustment's effect is removed and the total recomputed) or reject
    (the statement stands). The dispute, the adjustment row and the audit log keep the trail."""
    statement = dispute.statement
    _require_manager(by, statement.contract, "resolve disputes")
    if outcome not in Dispute.Outcome.values:
        raise DomainError("Choose whether the dispute is upheld or rejected")
    resolution = (resolution or "").strip()
    if not resolution:
        raise DomainError("Say how the dispute was resolved")
    if dispute.outcome:
        raise DomainError("This dispute has already been resolved")
    auditor = Auditor(by=by)
    with transaction.atomic():
        statement = _locked(statement)
        _refuse_if_accepted(statement)
        dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
        if dispute.outcome:
            raise DomainError("This dispute has already been resolved")
        before = snapshot(dispute)
        dispute.outcome, dispute.resolution = outcome, resolution
        dispute.resolved_by, dispute.resolved_at = by, timezone.now()
        dispute.save()
        auditor.updated(dispute, before=before, summary=f"Dispute {dispute.get_outcome_display()}")
        statement_before = snapshot(statement)
        adjustment = dispute.adjustment
        if outcome == Dispute.Outcome.UPHELD and adjustment is not None and adjustment.amount:
            adjustment_before = snapshot(adjustment)
            removed = _remove(adjustment, dispute)
            auditor.updated(
                adjustment, before=adjustment_before, summary="Adjustment removed: dispute upheld"
            )
            statement.adjustments_amount -= removed
            statement.total -= removed
        if not statement.disputes.filter(outcome="").exists():
            statement.status = Statement.Status.RESOLVED
        statement.save()
        auditor.updated(
            statement,
            before=statement_before,
            summary=f"Dispute {outcome}: total {statement.total}",
        )
    return dispute


# --- acceptance, notes and removals ----------------------------------------------------------


def statement_accept(*, statement: Statement, by) -> Statement:
    """The provider accepts its statement (issued, or with its dispute resolved). A disputed
    statement waits for the resolution; an accepted one cannot be changed or accepted again."""
    if not may_accept(by, statement):
        raise NotAllowed("Only the provider paid by this statement can accept it")
    auditor = Auditor(by=by)
    with transaction.atomic():
        statement = _locked(statement)
        if statement.status == Statement.Status.ACCEPTED:
            raise DomainError("This statement has already been accepted")
        if statement.status == Statement.Status.DISPUTED:
            raise DomainError(
                "This statement has an open dispute: it can be accepted once the commissioner "
                "has resolved the dispute"
            )
        before = snapshot(statement)
        statement.status = Statement.Status.ACCEPTED
        statement.save(update_fields=["status"])
        auditor.updated(
            statement, before=before, summary=f"Statement accepted: total {statement.total}"
        )
    return statement


def _adjustment_key(adjustment: Adjustment | None) -> dict:
    if adjustment is None:
        return {"adjustment": None, "kpi_result": None, "rule": None, "about": ""}
    return {
        "adjustment": adjustment.pk,
        "kpi_result": adjustment.kpi_result_id,
        "rule": adjustment.rule_id,
        "about": adjustment.reason[:200],
    }


def statement_note_add(
    *, statement: Statement, note: str, adjustment: Adjustment | None = None, by
) -> None:
    """A note on the statement, or on one of its adjustments, by the provider or commissioning
    staff. Kept as an audit event on the statement (who, when, the text and the adjustment's
    KPI result and rule, so a note stays with the adjustment when the month is re-issued)."""
    if not may_note(by, statement):
        raise NotAllowed("You cannot add notes to this statement")
    note = (note or "").strip()
    if not note:
        raise DomainError("Enter the note")
    if len(note) > NOTE_MAX:
        raise DomainError(f"The note must be {NOTE_MAX:,} characters or fewer")
    if adjustment is not None and adjustment.statement_id != statement.pk:
        raise DomainError("That adjustment is not on this statement")
    with transaction.atomic():
        statement = _locked(statement)
        _refuse_if_accepted(statement)
        Auditor(by=by).event(
            statement,
            summary=NOTE_SUMMARY + (" on an adjustment" if adjustment else ""),
            data={"note": note, **_adjustment_key(adjustment)},
        )


def adjustment_remove(*, adjustment: Adjustment, reason: str, by) -> Adjustment:
    """Commissioning staff take an adjustment off a statement, saying why. The row stays at
    zero with the reason in its text, the total is recomputed, the removal is audited on the
    adjustment and the statement, and it survives a re-issue of the month."""
    statement = adjustment.statement
    _require_manager(by, statement.contract, "remove adjustments")
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError("Say why the adjustment is removed")
    if len(reason) > 300:
        raise DomainError("Keep the reason to 300 characters or fewer")
    auditor = Auditor(by=by)
    with transaction.atomic():
        statement = _locked(statement)
        _refuse_if_accepted(statement)
        if statement.status == Statement.Status.DISPUTED:
            raise DomainError(
                "This statement has an open dispute: resolve it before removing an adjustment"
            )
        adjustment = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
        if not adjustment.amount:
            raise DomainError("This adjustment has already been removed")
        before = snapshot(adjustment)
        statement_before = snapshot(statement)
        data = {**_adjustment_key(adjustment), "amount": str(adjustment.amount), "reason": reason}
        removed = _remove(adjustment, None, why=reason)
        auditor.updated(adjustment, before=before, summary=f"Adjustment removed: {reason}")
        statement.adjustments_amount -= removed
        statement.total -= removed
        statement.save(update_fields=["adjustments_amount", "total"])
        auditor.updated(
            statement,
            before=statement_before,
            summary=f"Adjustment of {removed} removed ({reason}): total {statement.total}",
        )
        auditor.event(statement, summary=REMOVAL_SUMMARY, data=data)
    return adjustment


def removals_of(statement: Statement) -> list[dict]:
    """Adjustments removed by hand: [{kpi_result, rule, amount, reason, about, by, at}]."""
    return [
        {**(e.after or {}), "by": e.user_label, "at": e.at}
        for e in history_for(statement).filter(summary=REMOVAL_SUMMARY).order_by("pk")
    ]


def statement_notes_added(statement: Statement) -> list[dict]:
    """Notes on the statement and its adjustments, oldest first:
    [{note, adjustment, kpi_result, rule, about, by, at}]."""
    return [
        {**(e.after or {}), "by": e.user_label, "at": e.at}
        for e in history_for(statement).filter(summary__startswith=NOTE_SUMMARY).order_by("pk")
    ]


def statement_trail(statement: Statement) -> list[dict]:
    """Every audited change to the statement, its disputes and its adjustments, oldest
    first: [{at, by, what}] (the figures events are left out: the page shows the figures)."""
    entries = list(history_for(statement).exclude(summary__in=[NOTES_SUMMARY, REMOVAL_SUMMARY]))
    entries += list(
        AuditLog.objects.filter(
            object_type="performance.dispute",
            object_id__in=[str(pk) for pk in statement.disputes.values_list("pk", flat=True)],
        )
    )
    entries.sort(key=lambda e: (e.at, e.pk))
    return [
        {
            "at": e.at,
            "by": e.user_label or "system",
            "what": (
                f"{e.summary}: {(e.after or {}).get('note', '')}"
                if e.summary.startswith(NOTE_SUMMARY)
                else e.summary
            ),
        }
        for e in entries
    ]


# --- reads for the payment pages (scoped through queries.py) ---------------------------------


def statements_for(user):
    """Statements this person may see. A provider sees only statements paying it (even on a
    contract since novated to someone else)."""
    found = queries.statements_visible_to(user)
    if is_provider_user(user):
        found = found.filter(provider_id=user.organisation_id)
    return found


def disputes_visible_to(user):
    return Dispute.objects.filter(statement__in=statements_for(user)).select_related(
        "statement", "adjustment", "raised_by", "resolved_by"
    )


def terms_for(contract: Contract) -> PaymentTerms | None:
    return PaymentTerms.objects.filter(contract=contract).first()


def schedules_with_rules(contract: Contract) -> list[KpiSchedule]:
    return list(
        KpiSchedule.objects.filter(contract=contract)
        .select_related("kpi")
        .prefetch_related("rules")
        .order_by("kpi__code")
    )


def contracts_to_issue(user) -> list[Contract]:
    """Contracts with payment terms that this person may issue statements for."""
    return [
        c
        for c in queries.contracts_monitored_by(user).filter(payment_terms__isnull=False)
        if may_manage(user, c)
    ]
