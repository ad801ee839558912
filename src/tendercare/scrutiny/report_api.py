"""Reports in the API, under /api/v1/scrutiny: a programme's draft report (the same sections
as the page, counts disclosure-controlled) and its reports for those who may see them;
published reports for anyone, without sign-in."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Router, Schema

from . import report, report_queries, report_services

router = Router()


class TableOut(Schema):
    caption: str
    head: list[str]
    rows: list[list[str]]


class SectionOut(Schema):
    id: str
    title: str
    empty: str | None = None
    paragraphs: list[str]
    facts: list[list[str]]
    items: list[str]
    tables: list[TableOut]


class DraftOut(Schema):
    kind: str
    title: str
    programme: str
    as_of: dt.date
    withheld: int
    sections: list[SectionOut]


class ReportOut(Schema):
    id: int
    programme: str
    programme_ref: str | None
    kind: str
    title: str
    as_of: dt.date
    status: str
    published_at: dt.datetime | None
    pdf_url: str | None


class ReportDetail(ReportOut):
    html: str


def _report(r, *, public: bool) -> dict:
    from django.urls import reverse

    pdf_url = None
    if r.pdf and r.status == "published":
        pdf_url = reverse("public:report_pdf", args=[r.pk]) if public else None
        pdf_url = pdf_url or reverse("scrutiny:report_pdf", args=[r.pk])
    return {
        "id": r.pk,
        "programme": r.programme.name,
        "programme_ref": r.programme.ref,
        "kind": r.kind,
        "title": r.title,
        "as_of": r.as_of,
        "status": r.status,
        "published_at": r.published_at,
        "pdf_url": pdf_url,
    }


@router.get("/reports", response=list[ReportOut], summary="Reports you may see")
def reports(request):
    return [_report(r, public=False) for r in report_queries.reports_visible_to(request.user)]


@router.get("/reports/{report_id}", response=ReportDetail, summary="One report you may see")
def report_detail(request, report_id: int):
    found = report_queries.report_for(request.user, report_id)
    if found is None:
        raise Http404("No such report")
    return {**_report(found, public=False), "html": found.html}


@router.get(
    "/programmes/{programme_id}/report",
    response=DraftOut,
    summary="A programme's draft committee update or engagement briefing, drawn live",
)
def draft(request, programme_id: int, kind: str = "committee_update", as_of: dt.date | None = None):
    programme = report_queries.programme_for_report(request.user, programme_id)
    if programme is None:
        raise Http404("No such programme")
    if kind not in report_services.KINDS:
        raise Http404("No such kind of report")
    doc = report.build(kind, programme, user=request.user, as_of=as_of or dt.date.today())
    return {
        "kind": doc.kind,
        "title": doc.title,
        "programme": programme.name,
        "as_of": doc.as_of,
        "withheld": doc.suppressed,
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                "empty": None if s.has_content else s.empty,
                "paragraphs": s.paragraphs,
                "facts": [[k, v] for k, v in s.facts],
                "items": s.items,
                "tables": [
                    {"caption": t.caption, "head": t.head, "rows": t.rows} for t in s.tables
                ],
            }
            for s in doc.sections
        ],
    }


@router.get(
    "/public/reports", response=list[ReportOut], auth=None, summary="Published reports (public)"
)
def public_reports(request):
    return [_report(r, public=True) for r in report_queries.public_reports()]


@router.get(
    "/public/reports/{report_id}",
    response=ReportDetail,
    auth=None,
    summary="One published report (public)",
)
def public_report(request, report_id: int):
    found = report_queries.published_report(report_id)
    if found is None:
        raise Http404("No such published report")
    return {**_report(found, public=True), "html": found.html}
