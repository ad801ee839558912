"""Thin views: parse, call a query or service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tendercare.contracts import queries as contract_queries
from tendercare.core.errors import DomainError
from tendercare.core.forms import run_service
from tendercare.core.history import history_url
from tendercare.geography import queries as geography_queries
from tendercare.programmes import queries as programme_queries

from . import evaluation_model as em
from . import forms, lifecycle, queries, services
from . import routes as r
from .models import PRICING_BANDS, State


def _data(request):
    """The posted data, even if empty (an empty POST is a submitted form with nothing in it)."""
    return request.POST if request.method == "POST" else None


def _procurement(request, pk: int):
    procurement = queries.procurement_for(request.user, pk)
    if procurement is None:
        raise Http404("No such procurement")
    return procurement


def _manageable(request, procurement):
    if not queries.can_manage(request.user, procurement):
        raise PermissionDenied("You can read this procurement but not change it")
    return procurement


def _base(request, procurement, **extra):
    return {
        "procurement": procurement,
        "can_manage": queries.can_manage(request.user, procurement),
        "history_url": history_url,
        "state_labels": lifecycle.STATE_LABELS,
        **extra,
    }


def _pick(queryset, value):
    """The chosen object from a scoped queryset (None if blank)."""
    if value in (None, ""):
        return None
    return queryset.filter(pk=int(value)).first()


def _service_choices():
    return [(str(s.pk), s.name) for s in contract_queries.service_lines()]


@login_required
@require_safe
def procurement_list(request):
    return render(
        request,
        "procurement/list.html",
        {
            "procurements": queries.procurement_list(request.user),
            "can_create": queries.can_create(request.user),
            "state_labels": lifecycle.STATE_LABELS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def procurement_create(request):
    if not queries.can_create(request.user) or not request.user.organisation:
        raise PermissionDenied("Only commissioning staff can start a procurement")
    programmes = programme_queries.programmes_visible_to(request.user)
    contracts = contract_queries.contracts_visible_to(request.user).order_by("reference")
    form = forms.ProcurementForm(
        _data(request),
        programmes=[(str(p.pk), p.name) for p in programmes],
        services=_service_choices(),
        contracts=[(str(c.pk), f"{c.reference} {c.title}") for c in contracts],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        procurement = run_service(
            form,
            lambda: services.procurement_create(
                owner=request.user.organisation,
                reference=data["reference"],
                title=data["title"],
                description=data["description"],
                estimated_value=data["estimated_value"],
                programme=_pick(programmes, data["programme"]),
                service=_pick(contract_queries.service_lines(), data["service"]),
                replaces=list(contracts.filter(pk__in=[int(v) for v in data["replaces"]])),
                by=request.user,
            ),
        )
        if procurement:
            messages.success(request, f"Procurement {procurement.reference} started")
            return redirect("procurement:detail", procurement.pk)
    return render(request, "procurement/create.html", {"form": form})


@login_required
@require_safe
def procurement_detail(request, pk: int):
    procurement = _procurement(request, pk)
    can_manage = queries.can_manage(request.user, procurement)
    moves = [t for t in queries.allowed_transitions(procurement) if t.action != "decide_route"]
    return render(
        request,
        "procurement/detail.html",
        _base(
            request,
            procurement,
            moves=moves if can_manage else [],
            history=queries.state_history(procurement),
            notices=queries.notices_of(procurement),
            decisions=queries.route_decisions_of(procurement),
            lots=queries.lots_of(procurement),
            route=r.ROUTES.get(procurement.route),
            problems=queries.model_problems(procurement),
            stage_form=forms.StageForm(initial={"stage": procurement.stage}),
            can_set_stage="set_stage"
            in lifecycle.allowed_actions(procurement.state, procurement.route),
            direct=queries.is_direct(procurement),
            invitations=queries.offer_invitations_of(procurement),
        ),
    )


@login_required
@require_POST
def procurement_transition(request, pk: int):
    procurement = _manageable(request, _procurement(request, pk))
    form = forms.TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what to do next")
        return redirect("procurement:detail", procurement.pk)
    to_state = form.cleaned_data["to_state"]
    if to_state == State.PUBLISHED:
        if queries.is_direct(procurement) and procurement.state == State.ROUTE_DECIDED:
            return redirect("procurement:invite", procurement.pk)
        return redirect("procurement:publish", procurement.pk)
    try:
        services.procurement_transition(
            procurement=procurement,
            to_state=to_state,
            by=request.user,
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Now: {lifecycle.STATE_LABELS[to_state]}")
    return redirect("procurement:detail", procurement.pk)


@login_required
@require_POST
def stage_set(request, pk: int):
    procurement = _manageable(request, _procurement(request, pk))
    form = forms.StageForm(request.POST)
    if form.is_valid():
        try:
            services.stage_set(
                procurement=procurement, stage=form.cleaned_data["stage"], by=request.user
            )
            messages.success(request, "Stage recorded")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "Enter the stage, 100 characters at most")
    return redirect("procurement:detail", procurement.pk)


@login_required
@require_http_methods(["GET", "POST"])
def route_advisor(request, pk: int):
    procurement = _procurement(request, pk)
    if not queries.can_read_internal(request.user, procurement):
        raise Http404("No such page")  # bidders and evaluators do not see the buyer's reasoning
    advice = None
    decide = None
    if request.method == "POST":
        _manageable(request, procurement)
        probe = forms.AdvisorForm(request.POST)
        routes = []
        if probe.is_valid():
            advice = r.advise(r.Answers.from_dict(probe.answers()))
            routes = [(c, r.ROUTES[c].name) for c in advice.allowed_routes]
        decide = forms.DecideForm(request.POST, routes=routes)
        form = probe
        if decide.is_valid():
            done = run_service(
                decide,
                lambda: services.route_decide(
                    procurement=procurement,
                    answers=decide.answers(),
                    chosen_route=decide.cleaned_data["chosen_route"],
                    rationale=decide.cleaned_data["rationale"],
                    by=request.user,
                ),
            )
            if done:
                messages.success(request, f"Route decided: {r.ROUTES[done.chosen_route].name}")
                return redirect("procurement:detail", procurement.pk)
    else:
        initial = {"estimated_value": procurement.estimated_value}
        form = forms.AdvisorForm(request.GET or None, initial=initial)
        if request.GET and form.is_valid():
            advice = r.advise(r.Answers.from_dict(form.answers()))
            routes = [(c, r.ROUTES[c].name) for c in advice.allowed_routes]
            decide = forms.DecideForm(
                initial={**request.GET.dict(), "chosen_route": advice.recommended_route},
                routes=routes,
            )
    return render(
        request,
        "procurement/route.html",
        _base(
            request,
            procurement,
            form=form,
            decide=decide,
            advice=advice,
            routes=r.ROUTES,
            facts=request.GET.getlist("facts") or request.POST.getlist("facts"),
            may_decide="decide_route"
            in lifecycle.allowed_actions(procurement.state, procurement.route),
        ),
    )


def _lot_form(request, data=None, initial=None):
    localities = geography_queries.localities_visible_to(request.user)
    return forms.LotForm(
        data,
        initial=initial,
        localities=[(str(loc.pk), f"{loc.name} ({loc.place.name})") for loc in localities],
        services=_service_choices(),
    ), localities


def _lot_args(request, form, localities):
    data = form.cleaned_data
    return {
        "title": data["title"],
        "kind": data["kind"],
        "locality": _pick(localities, data["locality"]),
        "service": _pick(contract_queries.service_lines(), data["service"]),
        "in_scope": data["in_scope"],
        "excluded": data["excluded"],
        "annual_value": data["annual_value"] or 0,
        "priced_by_band": data["priced_by_band"],
        "band_hours": form.band_hours(),
        "by": request.user,
    }


@login_required
@require_http_methods(["GET", "POST"])
def lots(request, pk: int):
    procurement = _procurement(request, pk)
    form, localities = _lot_form(request, _data(request))
    if request.method == "POST":
        _manageable(request, procurement)
        if form.is_valid():
            lot = run_service(
                form,
                lambda: services.lot_add(
                    procurement=procurement,
                    number=form.cleaned_data["number"],
                    **_lot_args(request, form, localities),
                ),
            )
            if lot:
                messages.success(request, f"{lot} added")
                return redirect("procurement:lots", procurement.pk)
    return render(
        request,
        "procurement/lots.html",
        _base(
            request,
            procurement,
            lots=queries.lots_of(procurement),
            form=form,
            bands=PRICING_BANDS,
            editable="edit_setup"
            in lifecycle.allowed_actions(procurement.state, procurement.route),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def lot_edit(request, pk: int, lot_id: int):
    procurement = _manageable(request, _procurement(request, pk))
    lot = queries.lot_of(procurement, lot_id)
    if lot is None:
        raise Http404("No such lot")
    hours = queries.lot_band_hours(lot)
    initial = {
        "number": lot.number,
        "title": lot.title,
        "kind": lot.kind,
        "locality": lot.locality_id or "",
        "service": lot.service_id or "",
        "in_scope": lot.in_scope,
        "excluded": lot.excluded,
        "annual_value": lot.annual_value,
        "priced_by_band": lot.priced_by_band,
        **{f"hours_{band}": value for band, value in hours.items()},
    }
    form, localities = _lot_form(request, _data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form, lambda: services.lot_update(lot=lot, **_lot_args(request, form, localities))
        )
        if done:
            messages.success(request, f"{lot} saved")
            return redirect("procurement:lots", procurement.pk)
    return render(
        request, "procurement/lot_edit.html", _base(request, procurement, lot=lot, form=form)
    )


@login_required
@require_http_methods(["GET", "POST"])
def requirements(request, pk: int):
    procurement = _procurement(request, pk)
    lots_qs = queries.lots_of(procurement)
    form = forms.RequirementForm(_data(request), lots=[(str(lot.pk), str(lot)) for lot in lots_qs])
    if request.method == "POST":
        _manageable(request, procurement)
        if form.is_valid():
            data = form.cleaned_data
            requirement = run_service(
                form,
                lambda: services.requirement_add(
                    procurement=procurement,
                    code=data["code"],
                    title=data["title"],
                    text=data["text"],
                    lot=_pick(lots_qs, data["lot"]),
                    by=request.user,
                ),
            )
            if requirement:
                messages.success(request, f"Requirement {requirement.code} added")
                return redirect("procurement:requirements", procurement.pk)
    return render(
        request,
        "procurement/requirements.html",
        _base(
            request,
            procurement,
            requirements=queries.requirements_of(procurement).prefetch_related("questions"),
            form=form,
            editable="edit_setup"
            in lifecycle.allowed_actions(procurement.state, procurement.route),
        ),
    )


@login_required
@require_safe
def evaluation_model(request, pk: int):
    procurement = _procurement(request, pk)
    return render(
        request,
        "procurement/model.html",
        _base(
            request,
            procurement,
            tree=queries.criteria_tree(procurement),
            problems=queries.model_problems(procurement),
            descriptors=em.DESCRIPTORS,
            formula_text=em.FORMULA_TEXT,
            key_criteria=r.PSR_KEY_CRITERIA,
            editable="edit_setup"
            in lifecycle.allowed_actions(procurement.state, procurement.route),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def criterion_add(request, pk: int):
    procurement = _manageable(request, _procurement(request, pk))
    criteria = queries.criteria_of(procurement)
    form = forms.CriterionForm(_data(request), parents=[(str(c.pk), c.name) for c in criteria])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        criterion = run_service(
            form,
            lambda: services.criterion_add(
                procurement=procurement,
                name=data["name"],
                kind=data["kind"],
                weight=data["weight"],
                parent=_pick(criteria, data["parent"]),
                psr_key_criterion=data["psr_key_criterion"],
                by=request.user,
            ),
        )
        if criterion:
            messages.success(request, f"Criterion '{criterion.name}' added")
            return redirect("procurement:model", procurement.pk)
    return render(
        request, "procurement/criterion_form.html", _base(request, procurement, form=form)
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_add(request, pk: int):
    procurement = _manageable(request, _procurement(request, pk))
    criteria = queries.criteria_of(procurement)
    reqs = queries.requirements_of(procurement)
    lots_qs = queries.lots_of(procurement)
    form = forms.QuestionForm(
        _data(request),
        criteria=[(str(c.pk), c.name) for c in criteria],
        requirements=[(str(q.pk), f"{q.code} {q.title}") for q in reqs],
        lots=[(str(lot.pk), str(lot)) for lot in lots_qs],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        criterion = _pick(criteria, data["criterion"])
        question = criterion and run_service(
            form,
            lambda: services.question_add(
                criterion=criterion,
                number=data["number"],
                text=data["text"],
                scale=data["scale"],
                weight=data["weight"] or 0,
                minimum_score=data["minimum_score"],
                requirements=list(reqs.filter(pk__in=[int(v) for v in data["requirements"]])),
                lots=list(lots_qs.filter(pk__in=[int(v) for v in data["lots"]])),
                by=request.user,
            ),
        )
        if question:
            messages.success(request, f"Question {question.number} added")
            return redirect("procurement:model", procurement.pk)
    return render(
        request,
        "procurement/question_form.html",
        _base(request, procurement, form=form, descriptors=em.DESCRIPTORS),
    )


@login_required
@require_http_methods(["GET", "POST"])
def price_formula(request, pk: int):
    procurement = _manageable(request, _procurement(request, pk))
    form = forms.PriceFormulaForm(
        _data(request),
        initial={
            "formula": procurement.price_formula,
            "floor": procurement.price_floor,
            "ceiling": procurement.price_ceiling,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: services.price_formula_set(
                procurement=procurement,
                formula=data["formula"],
                floor=data["floor"],
                ceiling=data["ceiling"],
                by=request.user,
            ),
        )
        if done:
            messages.success(request, "Price formula saved")
            return redirect("procurement:model", procurement.pk)
    return render(
        request,
        "procurement/price_form.html",
        _base(request, procurement, form=form, formula_text=em.FORMULA_TEXT),
    )


@login_required
@require_http_methods(["GET", "POST"])
def publish(request, pk: int):
    procurement = _manageable(request, _procurement(request, pk))
    form = forms.PublishForm(_data(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        notice = run_service(
            form,
            lambda: services.procurement_publish(
                procurement=procurement,
                bid_deadline=data["bid_deadline"],
                clarification_deadline=data["clarification_deadline"],
                by=request.user,
            ),
        )
        if notice:
            messages.success(request, f"Published: {notice.code} {notice.title}")
            return redirect("procurement:detail", procurement.pk)
    return render(
        request,
        "procurement/publish.html",
        _base(
            request,
            procurement,
            form=form,
            problems=queries.model_problems(procurement),
            route=r.ROUTES.get(procurement.route),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite(request, pk: int):
    """A direct route: invite the provider(s) to make an offer by a deadline."""
    procurement = _manageable(request, _procurement(request, pk))
    form = forms.InviteOfferForm(_data(request), providers=queries.invitable_providers())
    if request.method == "POST" and form.is_valid():
        invitations = run_service(
            form,
            lambda: services.direct_offer_invite(
                procurement=procurement,
                providers=form.chosen(),
                offer_deadline=form.cleaned_data["offer_deadline"],
                by=request.user,
            ),
        )
        if invitations:
            names = ", ".join(i.provider.name for i in invitations)
            messages.success(request, f"Invited to make an offer: {names}")
            return redirect("procurement:detail", procurement.pk)
    return render(
        request,
        "procurement/invite.html",
        _base(
            request,
            procurement,
            form=form,
            problems=queries.model_problems(procurement),
            route=r.ROUTES.get(procurement.route),
            invitations=queries.offer_invitations_of(procurement),
        ),
    )
