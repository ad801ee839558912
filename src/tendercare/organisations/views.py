from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from tendercare.core.history import history_url

from . import queries, services
from .forms import PersonForm
from .models import Organisation


@login_required
@require_GET
def organisation_list(request):
    kind = request.GET.get("kind", "")
    if kind not in Organisation.Kind.values:
        kind = ""
    organisations = queries.organisation_search(
        request.user, text=request.GET.get("q", "")[:100], kind=kind
    )
    return render(
        request,
        "organisations/list.html",
        {"organisations": organisations, "kinds": Organisation.Kind.choices, "kind": kind},
    )


@login_required
@require_GET
def organisation_detail(request, pk: int):
    organisation = get_object_or_404(queries.organisations_visible_to(request.user), pk=pk)
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "predecessors": organisation.predecessors.all(),
            "locations": organisation.locations.all(),
            "history_url": history_url(organisation),
        },
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        error_messages={"required": "Enter a name for the token, for example 'Power BI report'"},
    )


@login_required
def api_tokens(request):
    """Each person issues their own bearer tokens; the key is shown once and never stored."""
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _, new_key = services.api_token_issue(
            user=request.user, name=form.cleaned_data["name"], by=request.user
        )
        form = TokenForm()
    return render(
        request,
        "organisations/api_tokens.html",
        {"form": form, "tokens": queries.api_tokens_of(request.user), "new_key": new_key},
    )


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    token = get_object_or_404(queries.api_tokens_of(request.user), pk=pk)
    services.api_token_revoke(token=token, by=request.user)
    return redirect("organisations:api-tokens")


@login_required
def people(request):
    if request.user.role != "administrator":
        raise PermissionDenied("Only administrators manage people")
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = services.user_create(
            username=data["username"],
            password=data["password"],
            role=data["role"],
            organisation=request.user.organisation,
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            job_title=data["job_title"],
            is_lay_evaluator=data["is_lay_evaluator"],
            by=request.user,
        )
        messages.success(request, f"{person.get_full_name()} can now sign in as {person.username}")
        return redirect("organisations:people")
    return render(
        request,
        "organisations/people.html",
        {
            "form": form,
            "people": queries.people_managed_by(request.user).select_related("organisation"),
        },
    )


@login_required
@require_POST
def person_set_active(request, pk: int):
    person = get_object_or_404(queries.people_managed_by(request.user), pk=pk)
    services.user_set_active(user=person, active=request.POST.get("active") == "1", by=request.user)
    return redirect("organisations:people")
