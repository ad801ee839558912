"""Writes for reports: publishing keeps the disclosure-controlled HTML and the tagged PDF as
they stand, in the Report row; a published report never changes afterwards."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from tendercare.core.audit import Auditor, snapshot
from tendercare.core.errors import DomainError, NotAllowed

from . import pdf, report, report_queries
from .models import Report

KINDS = dict(Report.Kind.choices)


def render_body(doc) -> str:
    return render_to_string("scrutiny/report_body.html", {"doc": doc})


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise DomainError(f"'{kind}' is not a kind of report: choose {', '.join(KINDS)}")
    return kind


def report_publish(
    *,
    programme,
    kind: str,
    as_of: dt.date,
    by,
    committee=None,
    draft: Report | None = None,
) -> Report:
    """Publish the report as it reads now, for the public: only published changes,
    procurements and activities, every count disclosure-controlled. `draft` is an existing
    draft row to publish (it keeps its id); otherwise a new row is made."""
    check_kind(kind)
    if by is not None and not report_queries.may_publish(by, programme):
        raise NotAllowed("You cannot publish reports for this programme")
    if draft is not None and draft.status == Report.Status.PUBLISHED:
        raise DomainError("This report is already published: a published report cannot change")
    if draft is not None and draft.programme_id != programme.pk:
        raise DomainError("That report is for another programme")
    doc = report.build(kind, programme, as_of=as_of, public=True)
    body = render_body(doc)
    content = pdf.render_pdf(doc, body)
    name = f"{slugify(programme.ref or programme.pk)}-{kind.replace('_', '-')}-{as_of}.pdf"
    with transaction.atomic():
        auditor = Auditor(by=by)
        row = draft or Report(programme=programme, kind=kind, committee=committee)
        before = snapshot(row) if row.pk else None
        row.kind = kind
        row.title = doc.title
        row.as_of = as_of
        row.status = Report.Status.PUBLISHED
        row.html = body
        row.published_at = timezone.now()
        if row.created_by_id is None and getattr(by, "is_authenticated", False):
            row.created_by = by
        row.pdf.save(name, ContentFile(content), save=False)
        row.save()
        if before is None:
            auditor.created(row, summary=f"Published {row.get_kind_display().lower()}: {row.title}")
        else:
            auditor.updated(
                row, before=before, summary=f"Published {row.get_kind_display().lower()}"
            )
    return row
