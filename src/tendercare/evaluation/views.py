"""Thin views: parse, call a query or service, render.

Anything a person may not see is 404 (a conflicted bidder's bid, another body's procurement,
everything for providers and councillors); reading without being allowed to change is 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tendercare.core.errors import DomainError
from tendercare.core.forms import run_service
from tendercare.core.history import history_url

from . import forms, queries, scoring, services


def _procurement(request, pk: int):
    return get_object_or_404(queries.procurements_visible_to(request.user), pk=pk)


def _base(request, procurement, **extra):
    user = request.user
    return {
        "procurement": procurement,
        "declaration": queries.declaration_for(user, procurement),
        "can_read": queries.can_read(user, procurement),
        "can_manage": queries.can_manage(user, procurement),
        "deadline_passed": queries.deadline_passed(procurement),
        "prices_visible": queries.prices_visible(user, procurement),
        "history_url": history_url,
        "descriptors": scoring.SCALE_DESCRIPTORS,
        "tie_break": scoring.TIE_BREAK,
        **extra,
    }


def _needs_declaration(request, procurement):
    """Before any access to bids: declare first (a redirect), then wait for the deadline."""
    if queries.declaration_for(request.user, procurement) is None:
        messages.info(request, "Declare your interests before you open any bid")
        return redirect("evaluation:declare", procurement.pk)
    if not queries.deadline_passed(procurement):
        raise DomainError("Bids are sealed until the bid deadline has passed")
    return None


def _staff(request, procurement):
    if not queries.can_read(request.user, procurement):
        raise Http404("Not found")


@login_required
@require_safe
def worklist(request):
    if not queries.may_use_evaluation(request.user):
        raise Http404("Not found")
    return render(
        request,
        "evaluation/worklist.html",
        {"items": queries.evaluator_worklist(request.user)},
    )


@login_required
@require_safe
def procurement_detail(request, pk: int):
    procurement = _procurement(request, pk)
    return render(
        request,
        "evaluation/procurement.html",
        _base(
            request,
            procurement,
            questions=queries.assigned_questions(request.user, procurement),
            tasks=queries.bids_to_score(request.user, procurement),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def declare(request, pk: int):
    procurement = _procurement(request, pk)
    if not queries.may_declare(request.user, procurement):
        raise Http404("Not found")
    existing = queries.declaration_for(request.user, procurement)
    candidates = list(queries.conflict_candidates(procurement))
    form = forms.DeclarationForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and not existing and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: services.declaration_make(
                procurement=procurement,
                evaluator=request.user,
                no_conflicts=data["has_conflicts"] == "no",
                conflicts=form.conflict_pairs() if data["has_conflicts"] == "yes" else [],
                statement=data["statement"],
            ),
        )
        if done:
            messages.success(request, "Declaration of interests recorded")
            return redirect("evaluation:procurement", procurement.pk)
    return render(
        request,
        "evaluation/declare.html",
        _base(request, procurement, form=form, existing=existing, candidates=candidates),
    )


@login_required
@require_http_methods(["GET", "POST"])
def score(request, pk: int, bid_id: int, question_id: int):
    procurement = _procurement(request, pk)
    blocked = _needs_declaration(request, procurement)
    if blocked:
        return blocked
    task = next(
        (
            t
            for t in queries.bids_to_score(request.user, procurement)
            if t.bid.pk == bid_id and t.question.pk == question_id
        ),
        None,
    )
    if task is None:
        raise Http404("Not found")
    initial = (
        {"score": str(int(task.score.score)), "rationale": task.score.rationale}
        if task.score
        else None
    )
    form = forms.ScoreForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.score_record(
                bid=task.bid,
                question=task.question,
                evaluator=request.user,
                score=form.cleaned_data["score"],
                rationale=form.cleaned_data["rationale"],
            ),
        )
        if done:
            messages.success(request, f"Your score for {task.question.number} is saved")
            return redirect("evaluation:procurement", procurement.pk)
    return render(
        request,
        "evaluation/score.html",
        _base(
            request,
            procurement,
            task=task,
            form=form,
            answer=(task.bid.answers or {}).get(str(task.question.pk), ""),
            scale_max=scoring.scale_max(task.question.scale),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignments(request, pk: int):
    procurement = _procurement(request, pk)
    _staff(request, procurement)
    questions = list(queries.scored_questions(procurement))
    people = list(queries.evaluator_choices(procurement))
    form = forms.AssignmentForm(request.POST or None, questions=questions, evaluators=people)
    if request.method == "POST":
        if not queries.can_manage(request.user, procurement):
            raise PermissionDenied("You can read this evaluation but not change it")
        if form.is_valid():
            question = next(q for q in questions if str(q.pk) == form.cleaned_data["question"])
            person = next(u for u in people if str(u.pk) == form.cleaned_data["evaluator"])
            done = run_service(
                form,
                lambda: services.assignment_add(
                    procurement=procurement, question=question, evaluator=person, by=request.user
                ),
            )
            if done:
                messages.success(request, f"{person} assigned to {question.number}")
                return redirect("evaluation:assignments", procurement.pk)
    return render(
        request,
        "evaluation/assignments.html",
        _base(
            request,
            procurement,
            form=form,
            assignments=list(queries.assignments_for(procurement)),
            declarations=list(queries.declarations_for(procurement)),
        ),
    )


@login_required
@require_safe
def moderation(request, pk: int):
    procurement = _procurement(request, pk)
    _staff(request, procurement)
    blocked = _needs_declaration(request, procurement)
    if blocked:
        return blocked
    rows = queries.moderation_sheet(request.user, procurement)
    return render(
        request,
        "evaluation/moderation.html",
        _base(
            request,
            procurement,
            rows=rows,
            flagged=sum(1 for r in rows if r.needs_moderation),
            missing=sum(1 for r in rows if not r.complete),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def moderate(request, pk: int, bid_id: int, question_id: int):
    procurement = _procurement(request, pk)
    _staff(request, procurement)
    blocked = _needs_declaration(request, procurement)
    if blocked:
        return blocked
    row = next(
        (
            r
            for r in queries.moderation_sheet(request.user, procurement)
            if r.bid.pk == bid_id and r.question.pk == question_id
        ),
        None,
    )
    if row is None:
        raise Http404("Not found")
    initial = (
        {"score": str(int(row.moderated.score)), "reason": row.moderated.reason}
        if row.moderated
        else None
    )
    form = forms.ModerationForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not queries.can_manage(request.user, procurement):
            raise PermissionDenied("You can read this evaluation but not change it")
        if form.is_valid():
            done = run_service(
                form,
                lambda: services.moderation_record(
                    bid=row.bid,
                    question=row.question,
                    score=form.cleaned_data["score"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                ),
            )
            if done:
                messages.success(request, f"Consensus score for {row.question.number} saved")
                return redirect("evaluation:moderation", procurement.pk)
    return render(
        request, "evaluation/moderate.html", _base(request, procurement, row=row, form=form)
    )


@login_required
@require_POST
def lock(request, pk: int):
    procurement = _procurement(request, pk)
    _staff(request, procurement)
    services.quality_lock(procurement=procurement, by=request.user)
    messages.success(request, "Quality scores locked: prices are now open to staff")
    return redirect("evaluation:prices", procurement.pk)


@login_required
@require_safe
def prices(request, pk: int):
    procurement = _procurement(request, pk)
    _staff(request, procurement)
    if not queries.prices_visible(request.user, procurement):
        raise DomainError("Prices open after quality scores are locked")
    return render(
        request,
        "evaluation/prices.html",
        _base(
            request,
            procurement,
            lots=queries.price_checks(request.user, procurement),
            conflicted=queries.conflicted_provider_ids(request.user, procurement),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def clarify(request, pk: int, bid_id: int):
    procurement = _procurement(request, pk)
    _staff(request, procurement)
    lots = queries.price_checks(request.user, procurement)
    row = next((r for rows in lots.values() for r in rows if r.bid.pk == bid_id), None)
    if row is None or not row.abnormally_low:
        raise Http404("Not found")
    if row.bid.provider_id in queries.conflicted_provider_ids(request.user, procurement):
        raise Http404("Not found")
    form = forms.ClarificationForm(request.POST or None)
    if request.method == "POST" and not row.clarification:
        if not queries.can_manage(request.user, procurement):
            raise PermissionDenied("You can read this evaluation but not change it")
        if form.is_valid():
            done = run_service(
                form,
                lambda: services.price_clarification_record(
                    bid=row.bid,
                    explanation=form.cleaned_data["explanation"],
                    outcome=form.cleaned_data["outcome"],
                    by=request.user,
                ),
            )
            if done:
                messages.success(request, "Price clarification recorded")
                return redirect("evaluation:prices", procurement.pk)
    return render(
        request, "evaluation/clarify.html", _base(request, procurement, row=row, form=form)
    )


@login_required
@require_safe
def results(request, pk: int):
    procurement = _procurement(request, pk)
    _staff(request, procurement)
    if not queries.prices_visible(request.user, procurement):
        raise DomainError("Results open after quality scores are locked")
    return render(
        request,
        "evaluation/results.html",
        _base(
            request,
            procurement,
            results=queries.results_for(request.user, procurement),
            price_weight=queries.price_weight(procurement),
        ),
    )


def _report(request, pk: int) -> dict:
    procurement = _procurement(request, pk)
    _staff(request, procurement)
    data = queries.report_data(request.user, procurement)
    if data is None:
        raise DomainError("The evaluation report is available once quality scores are locked")
    data.pop("procurement")
    return _base(request, procurement, **data)


@login_required
@require_safe
def report(request, pk: int):
    return render(request, "evaluation/report.html", _report(request, pk))


REPORT_CSS = """
@page { size: A4; margin: 18mm 15mm;
  @bottom-right { content: counter(page) " of " counter(pages); } }
body { font-family: sans-serif; font-size: 9.5pt; color: #0b0c0c; }
h1 { font-size: 18pt; } h2 { font-size: 13pt; margin-top: 14pt; } h3 { font-size: 11pt; }
table { border-collapse: collapse; width: 100%; margin-bottom: 10pt; }
th, td { border-bottom: 1px solid #b1b4b6; padding: 3pt; text-align: left; vertical-align: top; }
caption { text-align: left; font-weight: bold; padding-bottom: 3pt; }
.govuk-visually-hidden { position: absolute; left: -9999px; }
"""


@login_required
@require_safe
def report_pdf(request, pk: int):
    from weasyprint import CSS, HTML

    context = _report(request, pk)
    html = render_to_string("evaluation/report_pdf.html", context, request=request)
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(string=REPORT_CSS)])
    procurement = context["procurement"]
    name = slugify(procurement.reference) or "procurement"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}-evaluation-report.pdf"'
    return response
