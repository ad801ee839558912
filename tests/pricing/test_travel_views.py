"""Travel pages: upload with errors listed, run page with results and check, carer page with
a table and an accessible map, apply to a scenario, access (others 404, councillors read)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tendercare.pricing import services, travel
from tendercare.pricing.models import TravelRun

from .test_travel import MONDAY, carers_file, do_import, dover_bands, visits_file

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def dover(db):
    return dover_bands()


@pytest.fixture
def done_run(council, dover):
    return travel.run_travel(do_import(council, dover).run)


def upload(client, dover, visits=None, **extra):
    data = {
        "zone": "Dover rural lot",
        "week_start-day": "2",
        "week_start-month": "3",
        "week_start-year": "2026",
        "seconds_per_day": "1",
        "visits": SimpleUploadedFile("visits.csv", (visits or visits_file(dover)).read()),
        "carers": SimpleUploadedFile("carers.csv", carers_file(dover).read()),
        **extra,
    }
    return client.post("/pricing/travel/new/", data)


def test_upload_queues_and_runs_the_zone_week(
    signed_in,
    dover,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(signed_in, dover)
    run = TravelRun.objects.get()
    assert response.status_code == 302 and response.url == f"/pricing/travel/{run.pk}/"
    run.refresh_from_db()
    assert run.status == TravelRun.Status.DONE and run.zone == "Dover rural lot"
    page = signed_in.get(response.url).content.decode()
    assert "Travel by band" in page and "Feasibility check" in page and "Passed" in page
    assert f"Travel run {run.pk}: Dover rural lot, week of 02 Mar 2026, run on" in page


def test_a_bad_upload_lists_every_error_and_saves_nothing(signed_in, dover):
    bad = visits_file(dover, extra=["V9,E01999999,2026-03-02T08:00,soon,30,no,no"])
    response = upload(signed_in, dover, visits=bad)
    page = response.content.decode()
    assert response.status_code == 200 and "nothing was saved" in page
    assert "row 7, column lsoa" in page and "row 7, column window_end" in page
    assert TravelRun.objects.count() == 0
    missing = signed_in.post("/pricing/travel/new/", {"zone": ""})
    assert "Choose the visits file" in missing.content.decode()
    assert "Enter the week starting" in missing.content.decode()


def test_a_queued_run_refreshes_and_shows_progress(signed_in, council, dover):
    run = do_import(council, dover).run
    page = signed_in.get(f"/pricing/travel/{run.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page and "<progress" in page


def test_carer_page_has_stops_and_an_accessible_map(signed_in, done_run):
    stop = done_run.carers.filter(stops__isnull=False).first()
    page = signed_in.get(f"/pricing/travel/{done_run.pk}/carers/{stop.pk}/").content.decode()
    assert 'role="img"' in page and "<title" in page and "<desc" in page and "<polyline" in page
    assert "style=" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "Stops in order" in page and "Travel minutes" in page
    for visit_stop in stop.stops.all():
        assert visit_stop.visit.ref in page


def test_apply_makes_a_new_version_and_councillors_cannot(
    client, signed_in, council, commissioner, councillor, done_run
):
    scenario = services.scenario_create(owner=council, name="Dover 2026", by=commissioner)
    page = signed_in.get(f"/pricing/travel/{done_run.pk}/").content.decode()
    assert "Apply to scenario" in page
    response = signed_in.post(
        f"/pricing/travel/{done_run.pk}/apply/", {"scenario": scenario.pk, "reason": "Measured"}
    )
    assert response.status_code == 302
    assert scenario.versions.count() == 2
    refused = signed_in.post(f"/pricing/travel/{done_run.pk}/apply/", {"scenario": ""})
    assert refused.status_code == 400 and "Choose a scenario" in refused.content.decode()
    client.force_login(councillor)
    assert client.get(f"/pricing/travel/{done_run.pk}/").status_code == 200
    assert "Apply to scenario" not in client.get(f"/pricing/travel/{done_run.pk}/").content.decode()
    assert client.post(f"/pricing/travel/{done_run.pk}/apply/", {}).status_code == 403
    assert client.get("/pricing/travel/new/").status_code == 403


@pytest.mark.parametrize("who", ["provider_user", "evaluator", "other_commissioner"])
def test_others_get_404(client, request, who, done_run):
    client.force_login(request.getfixturevalue(who))
    carer = done_run.carers.first()
    assert client.get(f"/pricing/travel/{done_run.pk}/").status_code == 404
    assert client.get(f"/pricing/travel/{done_run.pk}/carers/{carer.pk}/").status_code == 404
    assert client.post(f"/pricing/travel/{done_run.pk}/apply/", {}).status_code == 404
    listing = client.get("/pricing/travel/")
    assert listing.status_code == 404 or f"Travel run {done_run.pk}" not in listing.content.decode()


def test_list_shows_runs(signed_in, done_run):
    page = signed_in.get("/pricing/travel/").content.decode()
    assert f"Travel run {done_run.pk}" in page and "Upload a zone-week" in page
    assert dt.date(2026, 3, 2) == MONDAY
