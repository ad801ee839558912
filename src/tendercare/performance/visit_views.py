"""Visit files and visits: the imports list, uploading a file, one import's progress and
problems, and a paged list of the visits a person may see. Thin: parse, call visits.py or
queries.py, render.

Commissioning staff and councillors of the owner's family see imports; only those who may
manage monitoring upload (councillors get 403). A provider sees only its own visits and no
imports. Everyone else gets 404. Clients appear by pseudonym only.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tendercare.core.forms import GovukForm

from . import queries, rules, visits

MONTH = re.compile(r"^\d{4}-\d{2}$")


def _may_see_imports(request) -> None:
    if not rules.may_see_monitoring(request.user):
        raise Http404("No visit imports here")


class UploadForm(GovukForm):
    file = forms.FileField(error_messages={"required": "Choose a visit file"})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx", ".parquet", ".txt")):
            raise forms.ValidationError("The file must be a CSV, an Excel workbook or Parquet")
        return upload


@login_required
@require_GET
def import_list(request):
    _may_see_imports(request)
    return render(
        request,
        "performance/visit_imports.html",
        {
            "imports": list(queries.imports_visible_to(request.user)[:200]),
            "can_upload": bool(rules.may_manage_monitoring(request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    _may_see_imports(request)
    if not rules.may_manage_monitoring(request.user):
        raise PermissionDenied("You can read visit imports but not upload them")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        vi = visits.visit_import_queue(
            file=upload, filename=upload.name, owner=request.user.organisation, by=request.user
        )
        return redirect("performance:visit-import", vi.pk)
    return render(request, "performance/visit_upload.html", {"form": form})


@login_required
@require_GET
def import_detail(request, pk: int):
    _may_see_imports(request)
    vi = queries.imports_visible_to(request.user).filter(pk=pk).first()
    if vi is None:
        raise Http404("No such visit import")
    return render(
        request,
        "performance/visit_import.html",
        {"vi": vi, "running": vi.status in (vi.Status.QUEUED, vi.Status.RUNNING)},
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_GET
def visit_list(request):
    month = request.GET.get("month", "")
    month = month if MONTH.match(month) else ""
    result = visits.visits_page(
        request.user,
        month=month,
        zone_id=_int(request.GET.get("zone")),
        provider_id=_int(request.GET.get("provider")),
        page=_int(request.GET.get("page")) or 1,
    )
    if result is None:
        raise Http404("No visits here")
    return render(
        request,
        "performance/visit_list.html",
        {
            "result": result,
            "month": month,
            "zone": request.GET.get("zone", ""),
            "provider": request.GET.get("provider", ""),
        },
    )
