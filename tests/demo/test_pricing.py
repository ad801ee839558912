"""The demo county's pricing (issue 4, point 7): two scenarios, all four bands measured from
real geography, and open-book submissions that raise flags."""

import datetime as dt

import pytest
from django.test import override_settings

from tendercare.demo import county
from tendercare.demo.pricing import NLW_SCENARIO, RLW_SCENARIO
from tendercare.organisations.models import User
from tendercare.pricing import cost_model, open_book, queries, submissions
from tendercare.pricing.models import CostSubmission, Scenario, TravelRun

AS_OF = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    store = tmp_path_factory.mktemp("visits")
    with django_db_blocker.unblock(), override_settings(VISIT_STORE=store):
        from django.db import transaction

        with transaction.atomic():
            county.build(as_of=AS_OF, with_geography=True)
            yield
            transaction.set_rollback(True)


def _values(name):
    scenario = Scenario.objects.get(name=name)
    return queries.version_values(queries.current_version(scenario))


def test_travel_by_band_is_measured_on_real_lsoas_for_all_four_bands(db, demo):
    run = TravelRun.objects.get()
    assert run.status == TravelRun.Status.DONE and run.feasible is True
    assert run.visits.count() >= 3000
    assert {r.band for r in run.band_results.all()} == set(cost_model.BANDS)
    scenario = Scenario.objects.get(name=NLW_SCENARIO)
    version = queries.current_version(scenario)
    for band in cost_model.BANDS:
        travel = version.params.get(key="travel_minutes", band=band)
        assert travel.source.startswith(f"Travel run {run.pk}")
        measured = run.band_results.get(band=band).minutes_per_contact_hour
        assert abs(travel.value - measured) < 0.01


def test_the_real_living_wage_scenario_costs_more_in_every_band(db, demo):
    nlw = {(r.band, r.visit_minutes): r.rate for r in cost_model.band_rates(_values(NLW_SCENARIO))}
    rlw = {(r.band, r.visit_minutes): r.rate for r in cost_model.band_rates(_values(RLW_SCENARIO))}
    assert set(nlw) == set(rlw) and all(rlw[key] > nlw[key] for key in nlw)


def test_open_book_submissions_raise_their_flags(db, demo):
    commissioner = User.objects.get(username="commissioner")
    model = _values(NLW_SCENARIO)
    annual = CostSubmission.objects.get(source=CostSubmission.Source.ANNUAL_RETURN)
    kinds = {
        flag.kind
        for flag in open_book.compare(
            submissions.lines_of(annual), model, year=annual.year, source=annual.source
        ).flags
    }
    assert {"travel_unpaid", "overheads_range"} <= kinds
    book = CostSubmission.objects.get(source=CostSubmission.Source.BID)
    prices = submissions.bid_prices_for(commissioner, book)
    assert prices  # the procurement's deadline has passed: the buyer may read the prices
    flags = open_book.compare(
        submissions.lines_of(book), model, year=book.year, source=book.source, bid_prices=prices
    ).flags
    assert "abnormally_low" in {flag.kind for flag in flags}
