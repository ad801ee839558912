"""Thin views: parse, call a query or service, render."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from tendercare.core.forms import run_service
from tendercare.core.history import history_url

from . import export, forms, queries, schedule, services


def contract_url(contract) -> str:
    # The register addresses contracts by reference (which may contain "/").
    try:
        return reverse("contracts:detail", kwargs={"reference": contract.reference})
    except NoReverseMatch:
        return f"/contracts/{contract.pk}/"


def _programme(request, pk: int):
    return get_object_or_404(queries.programmes_visible_to(request.user), pk=pk)


def _editable(request, programme):
    if not queries.can_edit(request.user, programme):
        raise PermissionDenied("You can read this programme but not change it")
    return programme


def _base(request, programme, **extra):
    return {
        "programme": programme,
        "can_edit": queries.can_edit(request.user, programme),
        "history_url": history_url,
        **extra,
    }


@login_required
def programme_list(request):
    return render(
        request,
        "programmes/list.html",
        {
            "programmes": queries.programme_list(request.user),
            "can_create": queries.can_create(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request):
    if not queries.can_create(request.user) or not request.user.organisation:
        raise PermissionDenied("Only commissioning staff can start a programme")
    form = forms.ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        programme = run_service(
            form,
            lambda: services.programme_create(
                owner=request.user.organisation,
                name=data["name"],
                summary=data["summary"],
                status=data["status"],
                start_date=data["start_date"],
                target_date=data["target_date"],
                by=request.user,
            ),
        )
        if programme:
            messages.success(request, f"Programme '{programme.name}' created")
            return redirect("programmes:detail", programme.pk)
    return render(request, "programmes/programme_form.html", {"form": form})


@login_required
def programme_edit(request, pk: int):
    programme = _editable(request, _programme(request, pk))
    form = forms.ProgrammeForm(
        request.POST or None,
        initial={"name": programme.name, "summary": programme.summary, "status": programme.status},
    )
    form.date_initial("start_date", programme.start_date)
    form.date_initial("target_date", programme.target_date)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        updated = run_service(
            form,
            lambda: services.programme_update(
                programme=programme,
                name=data["name"],
                summary=data["summary"],
                status=data["status"],
                start_date=data["start_date"],
                target_date=data["target_date"],
                by=request.user,
            ),
        )
        if updated:
            messages.success(request, "Programme details saved")
            return redirect("programmes:detail", programme.pk)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": programme})


@login_required
def programme_detail(request, pk: int):
    programme = _programme(request, pk)
    rows = queries.milestone_rows(programme)
    timeline = schedule.timeline_svg(
        queries.timeline_items(rows),
        title=f"Timeline of {programme.name}: baseline and current milestone dates",
    )
    risks = list(queries.risks_for(programme).exclude(status="closed"))
    return render(
        request,
        "programmes/detail.html",
        _base(
            request,
            programme,
            rows=rows,
            timeline=timeline,
            contracts=[
                (c, contract_url(c)) for c in queries.contracts_in_scope(request.user, programme)
            ],
            open_risks=risks,
            red_after=schedule.RED_AFTER_DAYS,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_contracts(request, pk: int):
    programme = _editable(request, _programme(request, pk))
    choosable = list(queries.contracts_choosable(request.user, programme))
    choices = [(str(c.pk), f"{c.reference} {c.title} ({c.provider})") for c in choosable]
    form = forms.ContractsForm(
        request.POST or None,
        choices=choices,
        initial={"contracts": [str(pk) for pk in programme.contracts.values_list("pk", flat=True)]},
    )
    if request.method == "POST" and form.is_valid():
        chosen = {int(v) for v in form.cleaned_data["contracts"]}
        done = run_service(
            form,
            lambda: services.programme_set_contracts(
                programme=programme,
                contracts=[c for c in choosable if c.pk in chosen],
                by=request.user,
            ),
        )
        if done:
            messages.success(request, "Contracts in scope saved")
            return redirect("programmes:detail", programme.pk)
    return render(request, "programmes/contracts_form.html", _base(request, programme, form=form))


@login_required
def milestones_export(request, pk: int, fmt: str):
    programme = _programme(request, pk)
    if fmt not in export.CONTENT_TYPES:
        raise Http404("Unknown format")
    body = export.milestone_table(queries.milestone_rows(programme), fmt)
    response = HttpResponse(body, content_type=export.CONTENT_TYPES[fmt])
    name = slugify(programme.name) or "programme"
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-milestones-{dt.date.today():%Y-%m-%d}.{fmt}"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def milestone_add(request, pk: int):
    programme = _editable(request, _programme(request, pk))
    form = forms.MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        milestone = run_service(
            form,
            lambda: services.milestone_add(
                programme=programme,
                name=form.cleaned_data["name"],
                baseline_date=form.cleaned_data["baseline_date"],
                by=request.user,
            ),
        )
        if milestone:
            messages.success(request, f"Milestone '{milestone.name}' added")
            return redirect("programmes:detail", programme.pk)
    return render(request, "programmes/milestone_form.html", _base(request, programme, form=form))


@login_required
@require_http_methods(["GET", "POST"])
def milestone_detail(request, pk: int, milestone_id: int):
    programme = _programme(request, pk)
    milestone = get_object_or_404(programme.milestones, pk=milestone_id)
    action = request.POST.get("action", "revise") if request.method == "POST" else None
    revise = forms.ReviseForm(request.POST if action == "revise" else None)
    complete = forms.CompleteForm(request.POST if action == "complete" else None)
    if action is not None:
        _editable(request, programme)
        if action == "complete":
            done = complete.is_valid() and run_service(
                complete,
                lambda: services.milestone_complete(
                    milestone=milestone, on=complete.cleaned_data["completed_on"], by=request.user
                ),
            )
            if done:
                messages.success(request, f"'{milestone.name}' marked complete")
                return redirect("programmes:milestone", programme.pk, milestone.pk)
        elif action == "revise":
            done = revise.is_valid() and run_service(
                revise,
                lambda: services.milestone_revise(
                    milestone=milestone,
                    new_date=revise.cleaned_data["new_date"],
                    reason=revise.cleaned_data["reason"],
                    by=request.user,
                ),
            )
            if done:
                messages.success(request, f"'{milestone.name}' revised")
                return redirect("programmes:milestone", programme.pk, milestone.pk)
        else:
            raise Http404("Unknown action")
    milestone.refresh_from_db()
    row = next(r for r in queries.milestone_rows(programme) if r.pk == milestone.pk)
    return render(
        request,
        "programmes/milestone.html",
        _base(
            request,
            programme,
            milestone=milestone,
            row=row,
            revisions=milestone.revisions.select_related("revised_by"),
            revise=revise,
            complete=complete,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def risks(request, pk: int):
    programme = _programme(request, pk)
    form = forms.RiskForm(request.POST or None)
    if request.method == "POST":
        _editable(request, programme)
        if form.is_valid():
            data = form.cleaned_data
            risk = run_service(
                form,
                lambda: services.risk_add(
                    programme=programme,
                    title=data["title"],
                    description=data["description"],
                    likelihood=data["likelihood"],
                    impact=data["impact"],
                    owner_name=data["owner_name"],
                    mitigation=data["mitigation"],
                    status=data["status"],
                    by=request.user,
                ),
            )
            if risk:
                messages.success(request, f"Risk '{risk.title}' added")
                return redirect("programmes:risks", programme.pk)
    return render(
        request,
        "programmes/risks.html",
        _base(
            request,
            programme,
            risks=queries.risks_for(programme),
            form=form,
            bands=schedule.RISK_BANDS,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def risk_detail(request, pk: int, risk_id: int):
    programme = _programme(request, pk)
    risk = get_object_or_404(queries.risks_for(programme), pk=risk_id)
    form = forms.RiskReviewForm(
        request.POST or None,
        initial={
            "likelihood": risk.likelihood,
            "impact": risk.impact,
            "status": risk.status,
            "mitigation": risk.mitigation,
        },
    )
    if request.method == "POST":
        _editable(request, programme)
        if form.is_valid():
            data = form.cleaned_data
            review = run_service(
                form,
                lambda: services.risk_update(
                    risk=risk,
                    likelihood=data["likelihood"],
                    impact=data["impact"],
                    status=data["status"],
                    mitigation=data["mitigation"],
                    note=data["note"],
                    by=request.user,
                ),
            )
            if review:
                messages.success(request, f"Risk '{risk.title}' reviewed")
                return redirect("programmes:risk", programme.pk, risk.pk)
    return render(
        request,
        "programmes/risk.html",
        _base(request, programme, risk=risk, reviews=risk.reviews.all(), form=form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def decisions(request, pk: int):
    programme = _programme(request, pk)
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST":
        _editable(request, programme)
        if form.is_valid():
            data = form.cleaned_data
            decision = run_service(
                form,
                lambda: services.decision_record(
                    programme=programme,
                    title=data["title"],
                    decision=data["decision"],
                    decided_on=data["decided_on"],
                    decided_by=data["decided_by"],
                    rationale=data["rationale"],
                    by=request.user,
                ),
            )
            if decision:
                messages.success(request, f"Decision '{decision.title}' recorded")
                return redirect("programmes:decisions", programme.pk)
    return render(
        request,
        "programmes/decisions.html",
        _base(request, programme, decisions=programme.decisions.all(), form=form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def lessons(request, pk: int):
    programme = _programme(request, pk)
    form = forms.LessonForm(request.POST or None)
    if request.method == "POST":
        _editable(request, programme)
        if form.is_valid():
            data = form.cleaned_data
            lesson = run_service(
                form,
                lambda: services.lesson_record(
                    programme=programme,
                    title=data["title"],
                    what_happened=data["what_happened"],
                    recommendation=data["recommendation"],
                    recorded_on=data["recorded_on"],
                    by=request.user,
                ),
            )
            if lesson:
                messages.success(request, f"Lesson '{lesson.title}' recorded")
                return redirect("programmes:lessons", programme.pk)
    return render(
        request,
        "programmes/lessons.html",
        _base(request, programme, lessons=programme.lessons.all(), form=form),
    )
