"""Budget impact and open-book pages: parse, call budget/open_book/submissions, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tendercare.core import formats
from tendercare.core.charts import Bar, bar_chart
from tendercare.core.forms import run_service
from tendercare.organisations.rules import is_provider_user

from . import budget, cost_model, open_book, queries, rules, submissions
from .book_forms import FileForm, SubmissionForm, WhatIfForm
from .models import BANDS

BAND_LABELS = dict(BANDS)


def _pk(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


def _choose_scenario(request):
    """The scenario asked for in ?scenario=, else the first one the person may see."""
    scenarios = list(queries.scenarios_visible_to(request.user))
    wanted = _pk(request.GET.get("scenario"))
    chosen = next((s for s in scenarios if s.pk == wanted), scenarios[0] if scenarios else None)
    return scenarios, chosen


def _values(scenario):
    version = queries.current_version(scenario) if scenario else None
    return (queries.version_values(version) if version else None), version


# --- budget impact ---------------------------------------------------------------------------


def _chart(impact: budget.Impact):
    bars = []
    for group in impact.groups:
        bars.append(
            Bar(
                f"{group.label}: modelled", float(group.modelled), formats.gbp_whole(group.modelled)
            )
        )
        bars.append(
            Bar(
                f"{group.label}: now",
                float(group.current_spend),
                formats.gbp_whole(group.current_spend),
            )
        )
    return bar_chart(
        bars,
        chart_id="budget-by-zone",
        title="Modelled cost and current spend by zone",
        description="For each zone, two bars: the yearly cost of the commissioned hours at the "
        "scenario's band rates, and what is spent on them now.",
        label_width=230,
        value_width=110,
    )


@login_required
@require_GET
def budget_page(request):
    user = request.user
    if not rules.may_see_pricing(user):
        raise Http404
    scenarios, scenario = _choose_scenario(request)
    values, version = _values(scenario)
    years = submissions.hours_years(user)
    wanted_year = _pk(request.GET.get("year"))
    year = wanted_year if wanted_year in years else (years[0] if years else None)
    rows = [
        budget.Hours(
            band=h.band,
            hours=h.hours,
            current_spend=h.current_spend,
            zone=h.zone,
            locality=h.locality.name if h.locality else "",
        )
        for h in queries.commissioned_hours_visible_to(user).filter(year=year)
    ]
    context = {
        "scenarios": scenarios,
        "scenario": scenario,
        "version": version,
        "years": years,
        "year": year,
        "year_label": open_book.financial_year(year) if year else "",
        "has_hours": bool(rows),
        "band_labels": BAND_LABELS,
        "may_import": bool(rules.may_edit_pricing(user)),
        "problem": None,
        "what_if": None,
    }
    form = WhatIfForm(request.GET if "parameter" in request.GET else None)
    context["form"] = form
    if values is not None and rows:
        try:
            context["rates"] = budget.rates_by_band(values)
            context["by_zone"] = budget.impact(rows, values, by="zone")
            context["by_locality"] = budget.impact(rows, values, by="locality")
            context["chart"] = _chart(context["by_zone"])
        except (cost_model.ParameterMissing, ValueError, ArithmeticError) as error:
            context["problem"] = f"The scenario's rates cannot be worked out: {error}"
        if form.is_bound and form.is_valid() and not context["problem"]:
            data = form.cleaned_data
            try:
                context["what_if"] = budget.what_if(
                    rows, values, key=data["parameter"], value=data["value"], band=data["band"]
                )
            except (cost_model.ParameterMissing, ValueError, ArithmeticError) as error:
                form.add_error("value", f"That value cannot be costed: {error}")
    return render(request, "pricing/budget_index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def budget_import(request):
    user = request.user
    if not rules.may_see_pricing(user):
        raise Http404
    if not rules.may_edit_pricing(user):
        raise PermissionDenied("Your role cannot import commissioned hours")
    posted = request.method == "POST"
    form = FileForm(request.POST if posted else None, request.FILES if posted else None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = run_service(
            form,
            lambda: submissions.commissioned_hours_import(
                file=upload,
                filename=upload.name,
                owner=user.organisation,
                by=user,
                dry_run=form.cleaned_data["dry_run"],
            ),
        )
    return render(
        request,
        "pricing/budget_import.html",
        {"form": form, "result": result, "columns": submissions.HOURS_COLUMNS},
    )


# --- open book -------------------------------------------------------------------------------


def _may_use_open_book(user) -> bool:
    return bool(is_provider_user(user) or rules.may_see_pricing(user))


@login_required
@require_GET
def submission_list(request):
    if not _may_use_open_book(request.user):
        raise Http404
    return render(
        request,
        "pricing/book_list.html",
        {
            "submissions": queries.submissions_visible_to(request.user),
            "may_upload": submissions.may_upload(request.user),
        },
    )


@login_required
@require_GET
def submission_detail(request, pk):
    user = request.user
    submission = queries.submissions_visible_to(user).filter(pk=pk).first()
    if submission is None:
        raise Http404
    scenarios, scenario = _choose_scenario(request)
    values, version = _values(scenario)
    lines = submissions.lines_of(submission)
    comparison = open_book.compare(
        lines,
        values,
        year=submission.year,
        source=submission.source,
        bid_prices=submissions.bid_prices_for(user, submission),
    )
    return render(
        request,
        "pricing/book_submission.html",
        {
            "submission": submission,
            "scenarios": scenarios,
            "scenario": scenario,
            "version": version,
            "comparison": comparison,
            "line_count": len(lines),
            "band_labels": BAND_LABELS,
            "year_label": open_book.financial_year(submission.year),
            "nlw": open_book.legal_minimum(submission.year),
            "nlw_source": open_book.NLW_SOURCE,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def submission_upload(request):
    user = request.user
    if not _may_use_open_book(user):
        raise Http404
    if not submissions.may_upload(user):
        raise PermissionDenied("Your role cannot upload cost submissions")
    posted = request.method == "POST"
    form = SubmissionForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        user=user,
        bids=submissions.linkable_bids(user),
    )
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        provider = form.provider_org()
        if provider is None:
            form.add_error("provider", "Choose the provider")
        else:
            outcome = run_service(
                form,
                lambda: submissions.cost_submission_import(
                    file=upload,
                    filename=upload.name,
                    by=user,
                    provider=provider,
                    commissioner=form.bodies[data["commissioner"]],
                    source=data["source"],
                    year=data["year"],
                    bid_id=data["bid"] or None,
                ),
            )
            if outcome is not None:
                result = outcome.result
                if outcome.submission is not None:
                    messages.success(request, result.summary())
                    return redirect("pricing:submission", pk=outcome.submission.pk)
    return render(
        request,
        "pricing/book_upload.html",
        {"form": form, "result": result, "items": open_book.ITEMS},
    )
