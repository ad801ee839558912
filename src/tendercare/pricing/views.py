"""Pricing pages: scenarios, band rates, travel runs, budget impact and open book."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import queries


@login_required
def scenario_list(request):
    scenarios = queries.scenarios_visible_to(request.user)
    return render(request, "pricing/scenario_list.html", {"scenarios": scenarios})
