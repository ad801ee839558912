"""Thin views: parse, call a query or service, render.

/award/<ref>/ is the staff page (propose, letters, standstill, representations, confirm);
/award/<ref>/letter/ is a provider's own letter and nothing else."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tendercare.core.errors import DomainError
from tendercare.core.forms import run_service
from tendercare.core.history import history_url

from . import forms, queries, services


def contract_url(contract) -> str:
    try:
        return reverse("contracts:detail", kwargs={"reference": contract.reference})
    except NoReverseMatch:
        return f"/contracts/{contract.reference}/"


def _procurement(request, reference: str):
    procurement = queries.procurement_for_staff(request.user, reference)
    if procurement is None:
        raise Http404("No such procurement")
    return procurement


def _manageable(request, reference: str):
    procurement = _procurement(request, reference)
    if not queries.can_manage(request.user, procurement):
        raise PermissionDenied("You can read this award but not change it")
    return procurement


def _page(request, procurement, *, status=200, **overrides):
    lots = []
    rows = queries.award_rows(procurement)
    closed = queries.bids_closed(procurement)
    for lot in queries.lots_of(procurement):
        bids = queries.lot_bids(lot)
        lots.append(
            {
                "lot": lot,
                "results": (queries.lot_results(lot) if closed else None) or [],
                "blockers": queries.lot_results_blockers(lot) if closed else [],
                "bids": bids,
                "awards": rows.get(lot.pk, []),
                "form": overrides.get(f"ranking_{lot.number}") or forms.RankingForm(bids=bids),
            }
        )
    letters = list(queries.letters_for(procurement))
    representations = list(queries.representations_for(procurement))
    confirm_form = overrides.get("confirm") or forms.ConfirmForm()
    context = {
        "procurement": procurement,
        "can_manage": queries.can_manage(request.user, procurement),
        "closed": closed,
        "lots": lots,
        "has_awards": any(lot["awards"] for lot in lots),
        "letters": letters,
        "representations": representations,
        "representation_form": overrides.get("representation")
        or forms.RepresentationForm(providers=[letter.provider for letter in letters]),
        "response_forms": {
            r.pk: overrides.get(f"response_{r.pk}") or forms.ResponseForm(prefix=f"r{r.pk}")
            for r in representations
        },
        "confirm_form": confirm_form,
        "error": overrides.get("error"),
        "standstill_rule": queries.standstill_rule(procurement),
        "has_standstill": queries.has_standstill(procurement),
        "contract_url": contract_url,
        "history_url": history_url,
    }
    return render(request, "award/detail.html", context, status=status)


@login_required
@require_safe
def index(request):
    return render(
        request,
        "award/index.html",
        {"procurements": queries.procurements_for_staff(request.user).order_by("reference")},
    )


@login_required
@require_safe
def award_page(request, reference: str):
    return _page(request, _procurement(request, reference))


@login_required
@require_POST
def propose(request, reference: str, number: int):
    procurement = _manageable(request, reference)
    lot = queries.lot_of(procurement, number)
    if lot is None:
        raise Http404("No such lot")
    if request.POST.get("from_evaluation"):
        try:
            services.award_propose_from_evaluation(
                procurement=procurement, lot=lot, by=request.user
            )
        except DomainError as exc:
            return _page(request, procurement, status=400, error=exc.message)
        messages.success(request, f"Awards proposed for lot {lot.number} from the evaluation")
        return redirect("award:detail", procurement.reference)
    form = forms.RankingForm(request.POST, bids=queries.lot_bids(lot))
    if form.is_valid():
        done = run_service(
            form,
            lambda: services.award_propose(
                procurement=procurement,
                lot=lot,
                ranked_bids=form.cleaned_data["ranked"],
                by=request.user,
            ),
        )
        if done:
            messages.success(request, f"Awards proposed for lot {lot.number}")
            return redirect("award:detail", procurement.reference)
    return _page(request, procurement, status=400, **{f"ranking_{lot.number}": form})


@login_required
@require_POST
def letters(request, reference: str):
    procurement = _manageable(request, reference)
    try:
        issued = services.letters_issue(procurement=procurement, by=request.user)
    except DomainError as exc:
        return _page(request, procurement, status=400, error=exc.message)
    procurement.refresh_from_db()
    messages.success(
        request,
        f"{len(issued)} letters issued; the standstill ends on "
        f"{procurement.standstill_ends.day} {procurement.standstill_ends:%B %Y}",
    )
    return redirect("award:detail", procurement.reference)


@login_required
@require_POST
def representation_add(request, reference: str):
    procurement = _manageable(request, reference)
    form = forms.RepresentationForm(request.POST, providers=queries.letter_recipients(procurement))
    if form.is_valid():
        done = run_service(
            form,
            lambda: services.representation_record(
                procurement=procurement,
                provider=form.providers[form.cleaned_data["provider"]],
                received_on=form.cleaned_data["received_on"],
                text=form.cleaned_data["text"],
                by=request.user,
            ),
        )
        if done:
            messages.success(request, "Representation recorded")
            return redirect("award:detail", procurement.reference)
    return _page(request, procurement, status=400, representation=form)


@login_required
@require_POST
def representation_respond(request, reference: str, pk: int):
    procurement = _manageable(request, reference)
    representation = queries.representation_for(procurement, pk)
    if representation is None:
        raise Http404("No such representation")
    form = forms.ResponseForm(request.POST, prefix=f"r{pk}")
    if form.is_valid():
        done = run_service(
            form,
            lambda: services.representation_respond(
                representation=representation,
                response=form.cleaned_data["response"],
                outcome=form.cleaned_data["outcome"],
                by=request.user,
            ),
        )
        if done:
            messages.success(request, "Response recorded")
            return redirect("award:detail", procurement.reference)
    return _page(request, procurement, status=400, **{f"response_{pk}": form})


@login_required
@require_POST
def confirm(request, reference: str):
    procurement = _manageable(request, reference)
    form = forms.ConfirmForm(request.POST)
    if form.is_valid():
        contracts = run_service(
            form,
            lambda: services.award_confirm(
                procurement=procurement,
                by=request.user,
                start_date=form.cleaned_data.get("start_date"),
                end_date=form.cleaned_data.get("end_date"),
            ),
        )
        if contracts:
            messages.success(
                request, f"Award confirmed: {len(contracts)} contracts added to the register"
            )
            return redirect("award:detail", procurement.reference)
    return _page(request, procurement, status=400, confirm=form)


@login_required
@require_http_methods(["GET"])
def my_letter(request, reference: str):
    letter = queries.letter_for_provider(request.user, reference)
    if letter is None:
        raise Http404("No letter for you in this procurement")
    paragraphs = [block.split("\n") for block in letter.body.split("\n\n") if block.strip()]
    return render(request, "award/letter.html", {"letter": letter, "paragraphs": paragraphs})
