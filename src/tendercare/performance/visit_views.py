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
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tendercare.core.forms import GovukForm, run_service

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
            "status_label": visits.import_status_label,
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
        {
            "vi": vi,
            "running": vi.status in (vi.Status.QUEUED, vi.Status.RUNNING),
            "withdrawn": visits.is_withdrawn(vi),
            "status_label": visits.import_status_label(vi),
            "may_withdraw": vi.status == vi.Status.DONE and visits.may_withdraw(request.user, vi),
        },
    )


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        max_length=visits.WITHDRAW_REASON_MAX,
        error_messages={
            "required": "Say why the import is withdrawn",
            "max_length": "Keep the reason to 500 characters or fewer",
        },
    )
    confirm = forms.BooleanField(
        error_messages={"required": "Confirm that the visits of this import are to be removed"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_withdraw(request, pk: int):
    """Confirm and withdraw an import: commissioning staff who manage monitoring only
    (councillors 403; providers, evaluators and other families 404)."""
    _may_see_imports(request)
    vi = queries.imports_visible_to(request.user).filter(pk=pk).first()
    if vi is None:
        raise Http404("No such visit import")
    if not rules.may_manage_monitoring(request.user):
        raise PermissionDenied("You can read visit imports but not withdraw them")
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: visits.visit_import_withdraw(
                visit_import=vi, by=request.user, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(
                request,
                f"Import {vi.pk} withdrawn: {done.files_removed} "
                f"file{'s' if done.files_removed != 1 else ''} removed"
                + (", KPIs recomputed" if done.kpis_recomputed else ""),
            )
            if done.kpi_problem:
                messages.warning(request, done.kpi_problem)
            return redirect("performance:visit-import", vi.pk)
    blockers = visits.withdraw_blockers(vi) if vi.status == vi.Status.DONE else []
    return render(
        request,
        "performance/visit_import_withdraw.html",
        {
            "vi": vi,
            "form": form,
            "blockers": blockers,
            "withdrawable": vi.status == vi.Status.DONE and not visits.is_withdrawn(vi),
            "status_label": visits.import_status_label(vi),
        },
        status=400 if form.is_bound and form.errors else 200,
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
