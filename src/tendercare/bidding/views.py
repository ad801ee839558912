"""Thin views: parse, call a query or service, render. Every bid is read through
queries.bid_for / queries.document_for, which apply the sealing rule."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tendercare.core.errors import DomainError
from tendercare.core.history import history_url
from tendercare.procurement.models import PRICING_BANDS

from . import queries, services
from .forms import AnswerForm, BidForm, DocumentForm, ProviderRegistrationForm, QuestionForm
from .models import Bid


def _procurement(request, reference):
    procurement = queries.procurement_for(request.user, reference)
    if procurement is None:
        raise Http404("No such procurement")
    return procurement


def _bid(request, pk):
    bid = queries.bid_for(request.user, pk)
    if bid is None:
        raise Http404("No such bid")
    return bid


def _opportunity_url(procurement):
    return reverse("bidding:opportunity", kwargs={"reference": procurement.reference})


@require_http_methods(["GET", "POST"])
def provider_register(request):
    if request.user.is_authenticated:
        return redirect("bidding:opportunities")
    form = ProviderRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_register(**form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                f"{form.cleaned_data['organisation_name']} is registered. Sign in with your "
                "username and password to find opportunities",
            )
            return redirect("sign-in")
    return render(request, "bidding/register.html", {"form": form})


@login_required
@require_safe
def opportunities(request):
    rows = [
        {
            "procurement": p,
            "closes": queries.format_moment(p.bid_deadline),
            "clarifications_close": queries.format_moment(p.clarification_deadline)
            if p.clarification_deadline
            else "",
        }
        for p in queries.opportunities(request.user)
    ]
    return render(
        request,
        "bidding/opportunities.html",
        {"rows": rows, "is_provider": request.user.role == "provider"},
    )


def _opportunity_context(request, procurement, question_form=None):
    user = request.user
    lots = list(queries.lots_of(procurement))
    own_bids = {b.lot_id: b for b in queries.bids_for_provider(user, procurement)}
    return {
        "procurement": procurement,
        "lots": [{"lot": lot, "bid": own_bids.get(lot.pk)} for lot in lots],
        "requirements": list(queries.requirements_of(procurement)),
        "questions": list(queries.questions_of(procurement)),
        "published": queries.published_clarifications(procurement),
        "own_questions": [
            c
            for c in queries.clarifications_for(user, procurement)
            if c.asked_by_id == user.organisation_id and user.role == "provider"
        ],
        "interest": queries.interest_of(user, procurement),
        "is_provider": user.role == "provider" and bool(user.organisation_id),
        "is_open": queries.is_open(procurement) and not queries.deadline_passed(procurement),
        "closes": queries.format_moment(procurement.bid_deadline),
        "clarifications_close": queries.format_moment(procurement.clarification_deadline)
        if procurement.clarification_deadline
        else "",
        "is_staff": queries.is_owner_staff(user, procurement),
        "question_form": question_form or QuestionForm(),
    }


@login_required
@require_safe
def opportunity(request, reference):
    procurement = _procurement(request, reference)
    return render(request, "bidding/opportunity.html", _opportunity_context(request, procurement))


@login_required
@require_POST
def interest(request, reference):
    procurement = _procurement(request, reference)
    services.interest_register(procurement=procurement, by=request.user)
    messages.success(request, "Your interest is registered. You can now ask questions and bid")
    return redirect(_opportunity_url(procurement))


@login_required
@require_POST
def ask(request, reference):
    procurement = _procurement(request, reference)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.clarification_ask(
                procurement=procurement, question=form.cleaned_data["question"], by=request.user
            )
        except DomainError as exc:
            form.add_error("question", exc.message)
        else:
            messages.success(
                request,
                "Your question is sent. The answer will be published to every bidder "
                "without saying who asked",
            )
            return redirect(_opportunity_url(procurement))
    context = _opportunity_context(request, procurement, question_form=form)
    return render(request, "bidding/opportunity.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def lot_bid(request, reference, number):
    """A provider's way into its bid for a lot: open it, or start it."""
    procurement = _procurement(request, reference)
    lot = queries.lot_for(procurement, number)
    if lot is None:
        raise Http404("No such lot")
    bid = queries.own_bid_for_lot(request.user, lot)
    if request.method == "POST":
        bid = services.bid_start(lot=lot, by=request.user)
        return redirect("bidding:bid", pk=bid.pk)
    if bid is not None and bid.status != Bid.Status.WITHDRAWN:
        return redirect("bidding:bid", pk=bid.pk)
    return render(
        request,
        "bidding/lot.html",
        {
            "procurement": procurement,
            "lot": lot,
            "bid": bid,
            "questions": list(queries.questions_for_lot(lot)),
            "is_provider": request.user.role == "provider",
            "is_open": queries.is_open(procurement) and not queries.deadline_passed(procurement),
            "closes": queries.format_moment(procurement.bid_deadline),
        },
    )


def _bid_form(bid, data=None, *, prices=None):
    lot = bid.lot
    hours = queries.band_hours(lot)
    if lot.priced_by_band:
        bands = [(b, f"{label} hourly rate", hours.get(b)) for b, label in PRICING_BANDS]
    else:
        bands = [("total", "Total price", None)]
    return BidForm(
        data,
        questions=queries.questions_for_lot(lot),
        bands=bands,
        initial_answers=bid.answers or {},
        initial_prices=prices if prices is not None else {},
    )


def _bid_page(request, bid, form=None, document_form=None, problem="", status=200):
    user = request.user
    procurement = bid.lot.procurement
    is_own = user.role == "provider" and user.organisation_id == bid.provider_id
    prices_visible = queries.bid_prices_visible(user, bid)
    prices = queries.prices_of(bid) if prices_visible else {}
    form = form or _bid_form(bid, prices=prices)
    editable = (
        is_own
        and queries.is_open(procurement)
        and not queries.deadline_passed(procurement)
        and bid.status in (Bid.Status.DRAFT, Bid.Status.SUBMITTED)
    )
    return render(
        request,
        "bidding/bid.html",
        {
            "bid": bid,
            "lot": bid.lot,
            "procurement": procurement,
            "form": form,
            "document_form": document_form or DocumentForm(),
            "documents": list(queries.documents_of(bid)),
            "prices_visible": prices_visible,
            "prices": prices,
            "is_own": is_own,
            "editable": editable,
            "withdrawable": is_own
            and not queries.deadline_passed(procurement)
            and bid.status != Bid.Status.WITHDRAWN,
            "missing": services.bid_missing(bid) if is_own else [],
            "closes": queries.format_moment(procurement.bid_deadline),
            "submitted_at": queries.format_moment(bid.submitted_at) if bid.submitted_at else "",
            "history_url": history_url(bid),
            "max_mb": 10,
            "problem": problem,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def bid_page(request, pk):
    bid = _bid(request, pk)
    if request.method == "GET":
        return _bid_page(request, bid)
    if not (request.user.role == "provider" and request.user.organisation_id == bid.provider_id):
        raise PermissionDenied("Only the bidding provider can change a bid")
    form = _bid_form(bid, request.POST, prices=queries.prices_of(bid))
    if form.is_valid():
        was_submitted = bid.status == Bid.Status.SUBMITTED
        try:
            bid = services.bid_save(
                bid=bid, answers=form.answers(), prices=form.prices(), by=request.user
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if was_submitted and bid.status == Bid.Status.DRAFT:
                messages.success(
                    request,
                    "Your changes are saved. Your bid is back in draft: submit it again before "
                    f"{queries.format_moment(bid.lot.procurement.bid_deadline)}",
                )
            else:
                messages.success(request, "Your bid is saved as a draft")
            return redirect("bidding:bid", pk=bid.pk)
    return _bid_page(request, bid, form=form, status=400)


@login_required
@require_POST
def bid_submit(request, pk):
    bid = _bid(request, pk)
    try:
        services.bid_submit(bid=bid, by=request.user)
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _bid_page(request, bid, problem=exc.message, status=400)
    messages.success(
        request,
        f"Your bid is submitted. You can change and resubmit it until "
        f"{queries.format_moment(bid.lot.procurement.bid_deadline)}",
    )
    return redirect("bidding:bid", pk=bid.pk)


@login_required
@require_POST
def bid_withdraw(request, pk):
    bid = _bid(request, pk)
    services.bid_withdraw(bid=bid, by=request.user)
    messages.success(request, "Your bid is withdrawn. You can start it again before the deadline")
    return redirect("bidding:bid", pk=bid.pk)


@login_required
@require_POST
def document_upload(request, pk):
    bid = _bid(request, pk)
    if not (request.user.role == "provider" and request.user.organisation_id == bid.provider_id):
        raise PermissionDenied("Only the bidding provider can add documents to a bid")
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.bid_document_add(
                bid=bid, uploaded_file=form.cleaned_data["document"], by=request.user
            )
        except DomainError as exc:
            if exc.status == 403:
                raise
            form.add_error("document", exc.message)
        else:
            messages.success(request, f"{document.filename} is uploaded")
            return redirect("bidding:bid", pk=bid.pk)
    return _bid_page(request, bid, document_form=form, status=400)


@login_required
@require_safe
def document_download(request, pk):
    document = queries.document_for(request.user, pk)
    if document is None:
        raise Http404("No such document")
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("The file is missing from storage") from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def document_remove(request, pk):
    document = queries.document_for(request.user, pk)
    if document is None:
        raise Http404("No such document")
    bid = document.bid
    services.bid_document_remove(document=document, by=request.user)
    messages.success(request, f"{document.filename} is removed")
    return redirect("bidding:bid", pk=bid.pk)


@login_required
@require_safe
def clarifications_to_answer(request):
    if not (request.user.role in queries.PROCUREMENT_ROLES and request.user.organisation_id):
        raise Http404("No clarifications for you to answer")
    return render(
        request,
        "bidding/clarifications.html",
        {
            "rows": list(queries.clarifications_to_answer(request.user)),
            "procurements": list(queries.procurements_to_run(request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def clarification_answer(request, pk):
    clarification = queries.clarification_for_staff(request.user, pk)
    if clarification is None:
        raise Http404("No such clarification")
    form = AnswerForm(
        request.POST or None,
        initial={"answer": clarification.answer, "publish": clarification.published},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.clarification_answer(
                clarification=clarification,
                answer=form.cleaned_data["answer"],
                publish=form.cleaned_data["publish"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                "Answer published to every bidder"
                if form.cleaned_data["publish"]
                else "Answer saved; it is not published yet",
            )
            return redirect("bidding:clarifications")
    return render(
        request,
        "bidding/answer.html",
        {"clarification": clarification, "form": form, "history_url": history_url(clarification)},
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def bids_received(request, reference):
    procurement = _procurement(request, reference)
    if not queries.is_owner_staff(request.user, procurement):
        raise Http404("No such procurement")
    opened = queries.deadline_passed(procurement)
    bids = list(queries.bids_openable(procurement)) if opened else []
    return render(
        request,
        "bidding/received.html",
        {
            "procurement": procurement,
            "opened": opened,
            "count": queries.bids_received_count(procurement),
            "by_lot": queries.bids_received_by_lot(procurement),
            "bids": bids,
            "closes": queries.format_moment(procurement.bid_deadline),
        },
    )
