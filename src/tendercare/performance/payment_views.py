"""Payment pages: statements (list, one statement with its lines, adjustments and disputes),
issuing a month, raising and resolving disputes, and a contract's payment terms. Thin: parse,
call statements.py, render. Provider users see only their own statements and may dispute
them; councillors read; commissioning staff who edit the register issue and resolve. A person
who may read a statement but not do what they asked gets 403; anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tendercare.core.errors import DomainError
from tendercare.core.forms import run_service
from tendercare.core.history import history_url
from tendercare.organisations.rules import is_provider_user

from . import queries, rules, statements
from .models import BANDS, Statement
from .payment_forms import (
    AcceptForm,
    DisputeForm,
    IssueForm,
    NoteForm,
    RemoveForm,
    ResolveForm,
    TermsForm,
)

BAND_ORDER = {band: i for i, (band, _label) in enumerate(BANDS)}
BAND_LABEL = dict(BANDS)
STATUS_TAG = {
    Statement.Status.ISSUED: "govuk-tag--blue",
    Statement.Status.DISPUTED: "govuk-tag--orange",
    Statement.Status.RESOLVED: "govuk-tag--green",
    Statement.Status.ACCEPTED: "govuk-tag--grey",
}


def _may_see(user) -> bool:
    return bool(is_provider_user(user) or rules.may_see_monitoring(user))


def _statement_or_404(user, pk) -> Statement:
    statement = statements.statements_for(user).filter(pk=pk).first()
    if statement is None:
        raise Http404
    return statement


def _list_page(request, issue_form=None, status=200):
    user = request.user
    found = statements.statements_for(user).order_by("-month", "contract__reference")
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    issuable = statements.contracts_to_issue(user)
    return render(
        request,
        "performance/payment_statements.html",
        {
            "page": page,
            "status_tag": STATUS_TAG,
            "issue_form": issue_form or IssueForm(contracts=issuable),
            "may_issue": bool(issuable),
            "is_provider": bool(is_provider_user(user)),
        },
        status=status,
    )


@login_required
@require_GET
def statement_list(request):
    if not _may_see(request.user):
        raise Http404
    return _list_page(request)


@login_required
@require_POST
def statement_issue(request):
    user = request.user
    issuable = statements.contracts_to_issue(user)
    if not issuable:
        raise Http404
    form = IssueForm(request.POST, contracts=issuable)
    if form.is_valid():
        contract = form.contracts.get(form.cleaned_data["contract"])
        issued = run_service(
            form,
            lambda: statements.statement_issue(
                contract=contract, month=form.cleaned_data["month"], by=user
            ),
        )
        if issued is not None:
            messages.success(request, f"Statement for {issued.month:%B %Y} issued")
            return redirect("performance:statement", pk=issued.pk)
    return _list_page(request, issue_form=form, status=400)


def _statement_page(
    request,
    statement,
    *,
    dispute_form=None,
    resolve_form=None,
    accept_form=None,
    note_form=None,
    remove_form=None,
    status=200,
):
    user = request.user
    accepted = statement.status == Statement.Status.ACCEPTED
    lines = sorted(statement.lines.all(), key=lambda line: BAND_ORDER.get(line.band, 99))
    adjustments = list(
        statement.adjustments.select_related("kpi_result__kpi", "kpi_result__zone", "rule")
    )
    disputes = list(statement.disputes.select_related("adjustment", "raised_by", "resolved_by"))
    open_dispute = next((d for d in disputes if not d.outcome), None)
    may_dispute = statements.may_dispute(user, statement) and open_dispute is None and not accepted
    may_resolve = open_dispute is not None and statements.may_manage(user, statement.contract)
    manager = statements.may_manage(user, statement.contract)
    notes_added = statements.statement_notes_added(statement)
    by_adjustment = {}
    for note in notes_added:
        if note.get("kpi_result") is not None:
            key = (note["kpi_result"], note["rule"])
            by_adjustment.setdefault(key, []).append(note)
    return render(
        request,
        "performance/payment_statement.html",
        {
            "statement": statement,
            "lines": lines,
            "band_label": BAND_LABEL,
            "adjustments": adjustments,
            "disputes": disputes,
            "open_dispute": open_dispute,
            "notes": statements.statement_notes(statement),
            "status_tag": STATUS_TAG,
            "may_dispute": may_dispute,
            "may_resolve": may_resolve,
            "may_issue": manager and open_dispute is None and not accepted,
            "may_accept": statements.may_accept(user, statement) and not accepted,
            "may_note": statements.may_note(user, statement) and not accepted,
            "may_remove": manager
            and open_dispute is None
            and not accepted
            and any(a.amount for a in adjustments),
            "accepted": accepted,
            "notes_added": notes_added,
            "adjustment_notes": by_adjustment,
            "trail": statements.statement_trail(statement),
            "dispute_form": dispute_form or DisputeForm(adjustments=adjustments),
            "resolve_form": resolve_form or ResolveForm(),
            "accept_form": accept_form or AcceptForm(),
            "note_form": note_form or NoteForm(adjustments=adjustments),
            "remove_form": remove_form or RemoveForm(adjustments=adjustments),
            "history_url": history_url,
        },
        status=status,
    )


@login_required
@require_GET
def statement_detail(request, pk):
    return _statement_page(request, _statement_or_404(request.user, pk))


@login_required
@require_POST
def statement_reissue(request, pk):
    user = request.user
    statement = _statement_or_404(user, pk)
    if not statements.may_manage(user, statement.contract):
        raise PermissionDenied("You can read this but not change it")
    try:
        issued = statements.statement_issue(
            contract=statement.contract, month=statement.month, by=user
        )
    except DomainError as exc:
        # The button is hidden while a dispute is open; a direct post gets the reason.
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Statement for {issued.month:%B %Y} issued again")
    return redirect("performance:statement", pk=statement.pk)


@login_required
@require_POST
def dispute_raise(request, pk):
    user = request.user
    statement = _statement_or_404(user, pk)
    if not statements.may_dispute(user, statement):
        raise PermissionDenied("You can read this but not change it")
    adjustments = list(statement.adjustments.select_related("kpi_result__kpi"))
    form = DisputeForm(request.POST, adjustments=adjustments)
    if form.is_valid():
        chosen = form.cleaned_data["adjustment"]
        raised = run_service(
            form,
            lambda: statements.dispute_raise(
                statement=statement,
                adjustment=form.adjustments.get(chosen) if chosen else None,
                reason=form.cleaned_data["reason"],
                by=user,
            ),
        )
        if raised is not None:
            messages.success(request, "Dispute raised: the commissioner will resolve it")
            return redirect("performance:statement", pk=statement.pk)
    return _statement_page(request, statement, dispute_form=form, status=400)


@login_required
@require_POST
def dispute_resolve(request, pk):
    user = request.user
    dispute = statements.disputes_visible_to(user).filter(pk=pk).first()
    if dispute is None:
        raise Http404
    if not statements.may_manage(user, dispute.statement.contract):
        raise PermissionDenied("You can read this dispute but not resolve it")
    form = ResolveForm(request.POST)
    if form.is_valid():
        resolved = run_service(
            form,
            lambda: statements.dispute_resolve(
                dispute=dispute,
                outcome=form.cleaned_data["outcome"],
                resolution=form.cleaned_data["resolution"],
                by=user,
            ),
        )
        if resolved is not None:
            messages.success(request, f"Dispute {resolved.get_outcome_display().lower()}")
            return redirect("performance:statement", pk=dispute.statement_id)
    return _statement_page(request, dispute.statement, resolve_form=form, status=400)


def _adjustments(statement) -> list:
    return list(statement.adjustments.select_related("kpi_result__kpi"))


@login_required
@require_POST
def statement_accept(request, pk):
    """The provider accepts its statement. A refused transition (disputed, already accepted)
    shows its reason at the top of the page with status 400; nothing changes."""
    user = request.user
    statement = _statement_or_404(user, pk)
    if not statements.may_accept(user, statement):
        raise PermissionDenied("You can read this but not change it")
    form = AcceptForm(request.POST)
    accepted = run_service(form, lambda: statements.statement_accept(statement=statement, by=user))
    if accepted is not None:
        messages.success(request, f"Statement for {accepted.month:%B %Y} accepted")
        return redirect("performance:statement", pk=statement.pk)
    statement.refresh_from_db()
    return _statement_page(request, statement, accept_form=form, status=400)


@login_required
@require_POST
def note_add(request, pk):
    user = request.user
    statement = _statement_or_404(user, pk)
    if not statements.may_note(user, statement):
        raise PermissionDenied("You can read this but not change it")
    form = NoteForm(request.POST, adjustments=_adjustments(statement))
    if form.is_valid():
        chosen = form.cleaned_data["about"]
        done = run_service(
            form,
            lambda: (
                statements.statement_note_add(
                    statement=statement,
                    note=form.cleaned_data["note"],
                    adjustment=form.adjustments.get(chosen) if chosen else None,
                    by=user,
                )
                or True
            ),
        )
        if done is not None:
            messages.success(request, "Note added")
            return redirect("performance:statement", pk=statement.pk)
    return _statement_page(request, statement, note_form=form, status=400)


@login_required
@require_POST
def adjustment_remove(request, pk):
    user = request.user
    statement = _statement_or_404(user, pk)
    if not statements.may_manage(user, statement.contract):
        raise PermissionDenied("You can read this but not change it")
    form = RemoveForm(request.POST, adjustments=_adjustments(statement))
    if form.is_valid():
        adjustment = form.adjustments[form.cleaned_data["adjustment"]]
        removed = run_service(
            form,
            lambda: statements.adjustment_remove(
                adjustment=adjustment, reason=form.cleaned_data["reason"], by=user
            ),
        )
        if removed is not None:
            messages.success(request, f"Adjustment for {removed.kpi_result.kpi.name} removed")
            return redirect("performance:statement", pk=statement.pk)
    statement.refresh_from_db()
    return _statement_page(request, statement, remove_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def terms(request, contract_pk):
    user = request.user
    contract = queries.contracts_monitored_by(user).filter(pk=contract_pk).first()
    if contract is None:
        raise Http404
    may_edit = statements.may_manage(user, contract)
    current = statements.terms_for(contract)
    schedules = statements.schedules_with_rules(contract)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("You can read this but not change it")
        form = TermsForm(request.POST, schedules=schedules)
        if form.is_valid():
            saved = run_service(
                form,
                lambda: statements.terms_set(
                    contract=contract,
                    rates=form.band_values("rate"),
                    monthly_hours=form.band_values("hours"),
                    penalty_cap_percent=form.cleaned_data["penalty_cap"],
                    reward_cap_percent=form.cleaned_data["reward_cap"],
                    rules=form.rules(),
                    by=user,
                ),
            )
            if saved is not None:
                messages.success(request, "Payment terms saved")
                return redirect("performance:terms", contract_pk=contract.pk)
    else:
        form = TermsForm(initial=_initial(current, schedules), schedules=schedules)
    return render(
        request,
        "performance/payment_terms.html",
        {
            "contract": contract,
            "terms": current,
            "schedules": schedules,
            "bands": BANDS,
            "form": form,
            "may_edit": may_edit,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _initial(current, schedules) -> dict:
    initial = {"penalty_cap": 5, "reward_cap": 2}
    if current is not None:
        initial = {
            "penalty_cap": current.penalty_cap_percent,
            "reward_cap": current.reward_cap_percent,
        }
        for band, _label in BANDS:
            initial[f"rate_{band}"] = current.rates.get(band)
            initial[f"hours_{band}"] = current.monthly_hours.get(band)
    for schedule in schedules:
        for rule in schedule.rules.all():
            initial[f"rule_{schedule.pk}_{rule.rating}"] = rule.percent
    return initial
