"""Monitoring overview and provider status pages."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import queries


@login_required
@require_GET
def overview(request):
    zones = queries.zones_visible_to(request.user)
    return render(request, "performance/overview.html", {"zones": zones})
