from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from tendercare.core.history import history_url

from . import queries
from .models import Organisation


@login_required
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
