"""The monitoring overview and the provider status pages: zones with their providers' status
and scores, one zone (status history, scores over time, brokerage order), recommendations and
the decision form, quality evidence. Thin: parse, call queries or status.py, render."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from tendercare.core import charts
from tendercare.core.forms import run_service
from tendercare.core.history import history_url
from tendercare.organisations.queries import organisation_family
from tendercare.organisations.rules import is_provider_user

from . import queries, rules, status
from .models import StatusRecommendation
from .status_forms import AuditForm, CqcForm, DecisionForm, RefreshForm

TAGS = {
    "prime": "govuk-tag--blue",
    "supplementary": "govuk-tag--grey",
    "suspended": "govuk-tag--red",
    "pending": "govuk-tag--yellow",
    "approved": "govuk-tag--green",
    "rejected": "govuk-tag--grey",
}


def _staff_only(user) -> None:
    """Status pages beyond the overview are for commissioning staff and councillors."""
    if is_provider_user(user) or not rules.may_see_monitoring(user):
        raise Http404


def _may_manage_any(user) -> bool:
    return bool(not is_provider_user(user) and rules.may_manage_monitoring(user))


@dataclass
class ZoneRow:
    zone: object
    statuses: list
    scores: dict
    pending: int


@login_required
@require_GET
def overview(request):
    user = request.user
    provider = is_provider_user(user)
    if not provider and not rules.may_see_monitoring(user):
        raise Http404  # evaluators: nothing of monitoring, as on every other monitoring page
    today = timezone.localdate()
    zones = list(queries.zones_visible_to(user).select_related("owner", "lot"))
    pending = defaultdict(int)
    if not provider:
        for rec in queries.recommendations_visible_to(user).filter(
            state=StatusRecommendation.State.PENDING
        ):
            pending[rec.zone_id] += 1
    rows = []
    for zone in zones:
        statuses = status.statuses_on(zone, today)
        if provider:
            statuses = [s for s in statuses if s.provider_id == user.organisation_id]
        rows.append(ZoneRow(zone, statuses, status.latest_scores(zone), pending[zone.pk]))
    return render(
        request,
        "performance/overview.html",
        {
            "rows": rows,
            "tags": TAGS,
            "is_provider": provider,
            "pending_total": sum(pending.values()),
            "today": today,
        },
    )


def _chart_rows(scores):
    """Months (oldest first) and, per provider, {month: QualityScore}."""
    months = sorted({s.month for s in scores})
    by_provider = defaultdict(dict)
    names = {}
    for s in scores:
        by_provider[s.provider_id][s.month] = s
        names[s.provider_id] = s.provider.name
    return months, by_provider, names


@login_required
@require_GET
def zone_detail(request, pk):
    user = request.user
    _staff_only(user)
    zone = queries.zones_visible_to(user).select_related("owner", "lot").filter(pk=pk).first()
    if zone is None:
        raise Http404
    today = timezone.localdate()
    current = status.statuses_on(zone, today)
    latest = status.latest_scores(zone)
    scores = status.score_history(zone)
    months, by_provider, names = _chart_rows(scores)
    charts_ = []
    for index, (provider_id, per_month) in enumerate(
        sorted(by_provider.items(), key=lambda item: names[item[0]])
    ):
        bars = [
            charts.Bar(f"{m:%b %Y}", float(per_month[m].score), f"{per_month[m].score}")
            for m in months
            if m in per_month
        ]
        charts_.append(
            {
                "name": names[provider_id],
                "svg": charts.bar_chart(
                    bars,
                    chart_id=f"scores-{index + 1}",
                    title=f"Rolling quality score of {names[provider_id]} in {zone.name}",
                    description=(
                        f"One bar per month, from {months[0]:%B %Y} to {months[-1]:%B %Y}: the "
                        "mean of the provider's monthly quality scores over the last three "
                        "months, out of 100. The same figures are in the table below."
                    ),
                    maximum=100,
                    label_width=90,
                    value_width=50,
                    bar_height=18,
                    gap=6,
                ),
            }
        )
    table = [
        {
            "month": m,
            "cells": [by_provider[p].get(m) for p in sorted(by_provider, key=lambda p: names[p])],
        }
        for m in months
    ]
    return render(
        request,
        "performance/status_zone.html",
        {
            "zone": zone,
            "current": current,
            "latest": latest,
            "order": status.brokerage_order(zone, today),
            "history": status.status_history(zone),
            "charts": charts_,
            "table": table,
            "providers": [names[p] for p in sorted(by_provider, key=lambda p: names[p])],
            "pending": queries.recommendations_visible_to(user)
            .filter(zone=zone, state=StatusRecommendation.State.PENDING)
            .order_by("-month", "provider__name"),
            "tags": TAGS,
            "today": today,
            "history_url": history_url,
        },
    )


def _refresh_months(today: dt.date) -> list[dt.date]:
    this_month = status.month_start(today)
    return [status.add_months(this_month, -i) for i in range(1, 13)]


@login_required
@require_http_methods(["GET", "POST"])
def recommendations(request):
    user = request.user
    _staff_only(user)
    may_manage = _may_manage_any(user)
    months = _refresh_months(timezone.localdate())
    form = RefreshForm(months=months, initial={"month": months[0].isoformat()})
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied("You can read this but not change it")
        form = RefreshForm(request.POST, months=months)
        if form.is_valid():
            month = dt.date.fromisoformat(form.cleaned_data["month"])
            owners = {z.owner for z in queries.zones_visible_to(user).select_related("owner")}
            made = run_service(
                form,
                lambda: [
                    rec
                    for owner in sorted(owners, key=lambda o: o.pk)
                    for rec in status.recommendations_refresh(owner=owner, month=month, by=user)
                ],
            )
            if made is not None:
                count = len(made)
                messages.success(
                    request,
                    f"Quality scores for {month:%B %Y} computed: "
                    f"{count} new recommendation{'s' if count != 1 else ''}",
                )
                return redirect("performance:recommendations")
    visible = queries.recommendations_visible_to(user).select_related("decided_by")
    return render(
        request,
        "performance/status_recommendations.html",
        {
            "pending": visible.filter(state=StatusRecommendation.State.PENDING).order_by(
                "zone__name", "provider__name"
            ),
            "decided": visible.exclude(state=StatusRecommendation.State.PENDING).order_by(
                "-decided_at", "-pk"
            )[:100],
            "form": form,
            "may_manage": may_manage,
            "tags": TAGS,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_detail(request, pk):
    user = request.user
    _staff_only(user)
    recommendation = (
        queries.recommendations_visible_to(user)
        .select_related("zone__owner", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if recommendation is None:
        raise Http404
    zone = recommendation.zone
    may_decide = (
        status.may_manage(user, zone.owner_id)
        and recommendation.state == StatusRecommendation.State.PENDING
    )
    form = DecisionForm()
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied("You can read this but not change it")
        form = DecisionForm(request.POST)
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            decided = run_service(
                form,
                lambda: status.recommendation_decide(
                    recommendation=recommendation,
                    approve=approve,
                    reason=form.cleaned_data["reason"],
                    by=user,
                ),
            )
            if decided is not None:
                messages.success(
                    request,
                    f"{decided.get_state_display()}: {decided.provider} "
                    + (
                        f"is now {decided.get_recommended_display().lower()} in {zone.name}"
                        if approve
                        else f"stays {decided.get_current_display().lower()} in {zone.name}"
                    ),
                )
                return redirect("performance:zone", pk=zone.pk)
    scores = [s for s in status.score_history(zone) if s.provider_id == recommendation.provider_id]
    handover = status.prime_handover(recommendation) if may_decide else []
    return render(
        request,
        "performance/status_recommendation.html",
        {
            "rec": recommendation,
            "zone": zone,
            "form": form,
            "may_decide": may_decide,
            "scores": scores[-6:],
            "handover": handover,
            "tags": TAGS,
            "history_url": history_url,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def quality(request):
    user = request.user
    _staff_only(user)
    may_manage = _may_manage_any(user)
    zones = queries.zones_visible_to(user)
    statuses = queries.statuses_visible_to(user).filter(zone__in=zones)
    providers = sorted({s.provider for s in statuses}, key=lambda p: p.name)
    locations = status.locations_of(providers)
    audit_form = AuditForm(providers=providers)
    cqc_form = CqcForm(locations=locations)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied("You can read this but not change it")
        if request.POST.get("action") == "cqc":
            cqc_form = CqcForm(request.POST, locations=locations)
            if cqc_form.is_valid():
                data = cqc_form.cleaned_data
                location = next(loc for loc in locations if str(loc.pk) == data["location"])
                saved = run_service(
                    cqc_form,
                    lambda: status.cqc_rating_record(
                        location=location,
                        rating=data["rating"],
                        published_on=data["published_on"],
                        source=data["source"],
                        by=user,
                    ),
                )
                if saved is not None:
                    messages.success(
                        request,
                        f"CQC rating of {location.name} recorded: {saved.get_rating_display()}, "
                        f"from {saved.source}",
                    )
                    return redirect("performance:quality")
        else:
            audit_form = AuditForm(request.POST, providers=providers)
            if audit_form.is_valid():
                data = audit_form.cleaned_data
                provider = next(p for p in providers if str(p.pk) == data["provider"])
                saved = run_service(
                    audit_form,
                    lambda: status.quality_audit_record(
                        provider=provider,
                        owner=user.organisation,
                        audited_on=data["audited_on"],
                        score=data["score"],
                        notes=data["notes"],
                        by=user,
                    ),
                )
                if saved is not None:
                    messages.success(
                        request, f"Quality audit of {provider.name} recorded: {saved.score}"
                    )
                    return redirect("performance:quality")
    family = organisation_family(user.organisation)
    audits = [a for a in status.audits_of(family) if a.provider in providers][:100]
    bad = (audit_form.is_bound and audit_form.errors) or (cqc_form.is_bound and cqc_form.errors)
    return render(
        request,
        "performance/status_quality.html",
        {
            "audits": audits,
            "ratings": status.cqc_ratings_of(providers)[:100],
            "audit_form": audit_form,
            "cqc_form": cqc_form,
            "may_manage": may_manage,
            "has_providers": bool(providers),
            "has_locations": bool(locations),
        },
        status=400 if bad else 200,
    )
