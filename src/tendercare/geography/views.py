"""Thin views: parse, call a query or service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tendercare.core.errors import DomainError
from tendercare.core.history import history_url

from . import presenters, queries, services
from .forms import LocalityForm, PostcodeForm, RuralityBandForm


@login_required
@require_GET
def place_list(request):
    return render(
        request,
        "geography/places.html",
        {"places": queries.places(request.user), "latest_load": queries.latest_load()},
    )


@login_required
@require_GET
def place_detail(request, code: str):
    place = queries.place(request.user, code)
    if place is None:
        raise Http404("No such local authority")
    area = queries.place_profile(request.user, place)
    return render(
        request,
        "geography/place.html",
        {
            "place": place,
            "area": area,
            "localities": queries.localities_of(request.user, place),
            "wards": queries.wards_of(request.user, place),
            "may_edit": queries.may_change_localities_of(request.user, place),
            "serving": queries.bodies_serving(place),
            "figures": presenters.area_figures(area, queries.rurality_mapping(request.user)),
        },
    )


@login_required
@require_GET
def locality_detail(request, pk: int):
    locality = queries.locality(request.user, pk)
    if locality is None:
        raise Http404("No such locality")
    area = queries.locality_profile(request.user, locality)
    return render(
        request,
        "geography/area.html",
        {
            "area": area,
            "locality": locality,
            "wards": queries.wards_of_locality(locality),
            "figures": presenters.area_figures(area, queries.rurality_mapping(request.user)),
            "history_url": history_url(locality),
            "may_edit": queries.may_change_localities_of(request.user, locality.place),
        },
    )


@login_required
@require_GET
def ward_detail(request, code: str):
    ward = queries.ward(request.user, code)
    if ward is None:
        raise Http404("No such ward")
    area = queries.ward_profile(request.user, ward)
    return render(
        request,
        "geography/area.html",
        {
            "area": area,
            "ward": ward,
            "localities": queries.localities_of_ward(ward),
            "figures": presenters.area_figures(area, queries.rurality_mapping(request.user)),
        },
    )


@login_required
@require_GET
def postcode_lookup(request):
    form = PostcodeForm(request.GET or None)
    result = None
    if "postcode" in request.GET and form.is_valid():
        result = queries.postcode_lookup(request.user, form.cleaned_data["postcode"])
        if result.error:
            form.add_error("postcode", result.error)
    return render(
        request,
        "geography/postcode.html",
        {"form": form, "result": result, "band_labels": presenters.BAND_LABELS},
    )


@login_required
@require_GET
def rurality_bands(request):
    return render(
        request,
        "geography/bands.html",
        {
            "mapping": queries.rurality_mapping(request.user),
            "may_edit": queries.may_choose_bands(request.user),
            "organisation": request.user.organisation,
            "source": presenters.SOURCE_RUC,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rurality_band_edit(request):
    if not queries.may_choose_bands(request.user):
        raise PermissionDenied(
            "Only an organisation's administrators and commissioners may choose its bands"
        )
    mapping = queries.rurality_mapping(request.user)
    # "Change" on a row of the mapping opens the form on that class and the band it has now.
    chosen = next((m for m in mapping if m.ruc_code == request.GET.get("ruc", "")), None)
    initial = {"ruc_code": chosen.ruc_code, "band": chosen.band} if chosen else {}
    form = RuralityBandForm(request.POST or None, mapping=mapping, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            band = services.organisation_band_set(
                ruc_code=form.cleaned_data["ruc_code"],
                band=form.cleaned_data["band"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"{request.user.organisation} now puts {band.ruc_id} in the "
                f"{band.get_band_display()} band",
            )
            return redirect("geography:bands")
    return render(
        request,
        "geography/band_edit.html",
        {"form": form, "mapping": mapping, "organisation": request.user.organisation},
    )


@login_required
@require_http_methods(["GET", "POST"])
def locality_edit(request, pk: int):
    locality = queries.locality(request.user, pk)
    if locality is None:
        raise Http404("No such locality")
    if not queries.may_change_localities_of(request.user, locality.place):
        # Both checks, role and organisation, say why in words, as a 403 page.
        return render(
            request,
            "geography/locality_not_allowed.html",
            {
                "locality": locality,
                "organisation": request.user.organisation,
                "role_may_edit": queries.may_edit_geography(request.user),
                "serving": queries.bodies_serving(locality.place),
            },
            status=403,
        )
    wards = queries.wards_of(request.user, locality.place)
    initial = {
        "name": locality.name,
        "description": locality.description,
        "wards": [w.code for w in queries.wards_of_locality(locality)],
    }
    form = LocalityForm(
        request.POST or None, initial=initial, ward_choices=[(w.code, w.name) for w in wards]
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.locality_update(
                locality=locality,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                ward_codes=form.cleaned_data["wards"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_error("name", exc.message)
        else:
            messages.success(
                request, f"{locality.name} now has {len(form.cleaned_data['wards'])} wards"
            )
            return redirect("geography:locality", pk=locality.pk)
    return render(request, "geography/locality_edit.html", {"form": form, "locality": locality})
