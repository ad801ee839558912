"""Public pages, without sign-in: engagement activities (open and past), "you said, we did"
and published reports. Only what is published is reachable; everything else is 404. Counts
of people pass disclosure control (report_engagement.public_participants)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tendercare.engagement import queries as engagement_queries

from . import report_engagement, report_queries
from .disclosure import shown
from .report_views import pdf_response


def _is_open(activity, today: dt.date) -> bool:
    return (activity.ends_on or activity.starts_on) >= today


@require_safe
def index(request):
    return render(
        request,
        "public/index.html",
        {
            "programmes": report_queries.public_programmes(),
            "reports": list(report_queries.public_reports()[:5]),
        },
    )


@require_safe
def activities(request):
    today = dt.date.today()
    found = list(report_queries.public_activities().order_by("-starts_on", "title"))
    counts = report_engagement.public_participants(found)
    rows = [(a, shown(counts.get(a.pk))) for a in found]
    return render(
        request,
        "public/activities.html",
        {
            "open": [(a, n) for a, n in rows if _is_open(a, today)],
            "past": [(a, n) for a, n in rows if not _is_open(a, today)],
        },
    )


@require_safe
def activity(request, pk: int):
    found = report_queries.public_activity(pk)
    if found is None:
        raise Http404("No such activity")
    counts = report_engagement.public_participants([found])
    return render(
        request,
        "public/activity.html",
        {
            "activity": found,
            "participants": shown(counts.get(found.pk)),
            "is_open": _is_open(found, dt.date.today()),
        },
    )


@require_safe
def programme(request, ref: str):
    found = report_queries.public_programme(ref)
    if found is None:
        raise Http404("No such programme")
    return render(
        request,
        "public/programme.html",
        {
            "programme": found,
            "changes": engagement_queries.you_said_we_did(found, published_only=True),
            "activities": list(report_queries.public_activities().filter(programme=found)),
            "reports": list(report_queries.public_reports(found)),
        },
    )


@require_safe
def reports(request):
    return render(request, "public/reports.html", {"reports": report_queries.public_reports()})


@require_safe
def report_page(request, pk: int):
    found = report_queries.published_report(pk)
    if found is None:
        raise Http404("No such report")
    return render(request, "public/report.html", {"report": found})


@require_safe
def report_pdf(request, pk: int):
    found = report_queries.published_report(pk)
    if found is None:
        raise Http404("No such report")
    return pdf_response(found)
