"""Report pages: a programme's draft committee update or engagement briefing note drawn live,
its PDF, publishing it, and published reports. Councillors read, never publish."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST, require_safe
from markupsafe import Markup

from tendercare.core.errors import DomainError

from . import pdf, report, report_queries, report_services


def _programme(request, pk: int):
    programme = report_queries.programme_for_report(request.user, pk)
    if programme is None:
        raise Http404("No such programme")
    return programme


def _kind(kind: str) -> str:
    if kind not in report_services.KINDS:
        raise Http404("No such kind of report")
    return kind


def _as_of(value: str | None) -> tuple[dt.date, str]:
    if not value:
        return dt.date.today(), ""
    try:
        return dt.date.fromisoformat(value.strip()), ""
    except ValueError:
        return dt.date.today(), "Enter the date as year-month-day, for example 2026-03-31"


@login_required
@require_safe
def report_list(request):
    if not report_queries.may_see_reports(request.user):
        raise Http404("Reports are for commissioning staff and councillors")
    programmes = report_queries.programmes_for_reports(request.user).order_by("name")
    rows = [
        (p, [r for r in report_queries.reports_of(request.user, p) if r.status == "published"])
        for p in programmes
    ]
    return render(request, "scrutiny/report_list.html", {"programmes": rows})


@login_required
@require_safe
def report_draft(request, pk: int, kind: str):
    programme = _programme(request, pk)
    as_of, error = _as_of(request.GET.get("as_of"))
    if error:
        messages.error(request, error)
    doc = report.build(_kind(kind), programme, user=request.user, as_of=as_of)
    return render(
        request,
        "scrutiny/report_draft.html",
        {
            "doc": doc,
            "body": Markup(report_services.render_body(doc)),  # noqa: S704 - our template
            "may_publish": report_queries.may_publish(request.user, programme),
            "committees": list(report_queries.committees_for_publishing(request.user)),
        },
    )


@login_required
@require_safe
def report_draft_pdf(request, pk: int, kind: str):
    programme = _programme(request, pk)
    as_of, _ = _as_of(request.GET.get("as_of"))
    doc = report.build(_kind(kind), programme, user=request.user, as_of=as_of)
    content = pdf.render_pdf(doc, report_services.render_body(doc))
    name = f"{slugify(programme.ref or programme.pk)}-{kind.replace('_', '-')}-draft-{as_of}.pdf"
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def report_publish(request, pk: int, kind: str):
    programme = _programme(request, pk)
    _kind(kind)
    if not report_queries.may_publish(request.user, programme):
        raise PermissionDenied("You can read this programme's reports but not publish them")
    as_of, error = _as_of(request.POST.get("as_of"))
    if error:
        messages.error(request, error)
        return redirect("scrutiny:report_draft", pk=pk, kind=kind)
    committee = None
    if request.POST.get("committee"):
        committee = report_queries.committee_for_publishing(request.user, request.POST["committee"])
        if committee is None:
            messages.error(request, "Choose a committee from the list")
            return redirect("scrutiny:report_draft", pk=pk, kind=kind)
    try:
        published = report_services.report_publish(
            programme=programme, kind=kind, as_of=as_of, by=request.user, committee=committee
        )
    except DomainError as e:
        messages.error(request, e.message)
        return redirect("scrutiny:report_draft", pk=pk, kind=kind)
    messages.success(request, f"Published: {published.title}")
    return redirect("scrutiny:report", pk=published.pk)


@login_required
@require_safe
def report_detail(request, pk: int):
    found = report_queries.report_for(request.user, pk)
    if found is None:
        raise Http404("No such report")
    if found.status != "published":
        # A draft row has no snapshot yet: it reads live, like any draft.
        return redirect("scrutiny:report_draft", pk=found.programme_id, kind=found.kind)
    return render(request, "scrutiny/report_detail.html", {"report": found})


def pdf_response(found) -> FileResponse:
    if not found.pdf:
        raise Http404("This report has no PDF")
    name = found.pdf.name.rsplit("/", 1)[-1]
    return FileResponse(
        found.pdf.open("rb"), content_type="application/pdf", as_attachment=True, filename=name
    )


@login_required
@require_safe
def report_pdf(request, pk: int):
    found = report_queries.report_for(request.user, pk)
    if found is None or found.status != "published":
        raise Http404("No such report")
    return pdf_response(found)
