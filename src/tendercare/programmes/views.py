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

from tendercare.core.forms import form_page, run_service
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


def _detail_url(programme) -> str:
    return reverse("programmes:detail", args=[programme.pk])


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
    return form_page(
        request,
        form,
        save=lambda data: services.programme_create(
            owner=request.user.organisation,
            name=data["name"],
            summary=data["summary"],
            status=data["status"],
            start_date=data["start_date"],
            target_date=data["target_date"],
            by=request.user,
        ),
        message=lambda programme: f"Programme '{programme.name}' created",
        success_url=_detail_url,
        template="programmes/programme_form.html",
        context={},
    )


@login_required
def programme_edit(request, pk: int):
    programme = _editable(request, _programme(request, pk))
    form = forms.ProgrammeForm(
        request.POST or None,
        initial={"name": programme.name, "summary": programme.summary, "status": programme.status},
    )
    form.date_initial("start_date", programme.start_date)
    form.date_initial("target_date", programme.target_date)
    return form_page(
        request,
        form,
        save=lambda data: services.programme_update(
            programme=programme,
            name=data["name"],
            summary=data["summary"],
            status=data["status"],
            start_date=data["start_date"],
            target_date=data["target_date"],
            by=request.user,
        ),
        message="Programme details saved",
        success_url=_detail_url(programme),
        template="programmes/programme_form.html",
        context={"programme": programme},
    )


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

    def save(data):
        chosen = {int(v) for v in data["contracts"]}
        return services.programme_set_contracts(
            programme=programme,
            contracts=[c for c in choosable if c.pk in chosen],
            by=request.user,
        )

    return form_page(
        request,
        form,
        save=save,
        message="Contracts in scope saved",
        success_url=_detail_url(programme),
        template="programmes/contracts_form.html",
        context=_base(request, programme),
    )


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
    return form_page(
        request,
        form,
        save=lambda data: services.milestone_add(
            programme=programme,
            name=data["name"],
            baseline_date=data["baseline_date"],
            by=request.user,
        ),
        message=lambda milestone: f"Milestone '{milestone.name}' added",
        success_url=_detail_url(programme),
        template="programmes/milestone_form.html",
        context=_base(request, programme),
    )


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
    return form_page(
        request,
        form,
        save=lambda data: services.risk_add(
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
        message=lambda risk: f"Risk '{risk.title}' added",
        success_url=reverse("programmes:risks", args=[programme.pk]),
        template="programmes/risks.html",
        context=_base(
            request, programme, risks=queries.risks_for(programme), bands=schedule.RISK_BANDS
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
    return form_page(
        request,
        form,
        save=lambda data: services.risk_update(
            risk=risk,
            likelihood=data["likelihood"],
            impact=data["impact"],
            status=data["status"],
            mitigation=data["mitigation"],
            note=data["note"],
            by=request.user,
        ),
        message=f"Risk '{risk.title}' reviewed",
        success_url=reverse("programmes:risk", args=[programme.pk, risk.pk]),
        template="programmes/risk.html",
        context=_base(request, programme, risk=risk, reviews=risk.reviews.all()),
    )


@login_required
@require_http_methods(["GET", "POST"])
def decisions(request, pk: int):
    programme = _programme(request, pk)
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST":
        _editable(request, programme)
    return form_page(
        request,
        form,
        save=lambda data: services.decision_record(
            programme=programme,
            title=data["title"],
            decision=data["decision"],
            decided_on=data["decided_on"],
            decided_by=data["decided_by"],
            rationale=data["rationale"],
            by=request.user,
        ),
        message=lambda decision: f"Decision '{decision.title}' recorded",
        success_url=reverse("programmes:decisions", args=[programme.pk]),
        template="programmes/decisions.html",
        context=_base(request, programme, decisions=programme.decisions.all()),
    )


@login_required
@require_http_methods(["GET", "POST"])
def lessons(request, pk: int):
    programme = _programme(request, pk)
    form = forms.LessonForm(request.POST or None)
    if request.method == "POST":
        _editable(request, programme)
    return form_page(
        request,
        form,
        save=lambda data: services.lesson_record(
            programme=programme,
            title=data["title"],
            what_happened=data["what_happened"],
            recommendation=data["recommendation"],
            recorded_on=data["recorded_on"],
            by=request.user,
        ),
        message=lambda lesson: f"Lesson '{lesson.title}' recorded",
        success_url=reverse("programmes:lessons", args=[programme.pk]),
        template="programmes/lessons.html",
        context=_base(request, programme, lessons=programme.lessons.all()),
    )
