"""Travel runs, second pass: the measured visit length goes to the scenario with the travel,
visits left unserved are shown and stop a biased run being applied, and the detour factor and
speeds by band can be set on the command and the upload form."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tendercare.core.errors import DomainError
from tendercare.pricing import cost_model, queries, routing, services, travel
from tendercare.pricing.models import TravelRun

from .test_travel import carers_file, do_import, dover_bands, visits_file
from .test_travel_views import upload


@pytest.fixture
def dover(db):
    return dover_bands()


@pytest.fixture
def scenario(council, commissioner):
    return services.scenario_create(owner=council, name="Dover 2026", by=commissioner)


def ran_on(run) -> dt.date:
    return timezone.localtime(run.finished_at).date()


# A rural double-up on Tuesday, when nobody works: always left unserved.
TUESDAY_DOUBLE_UP = "V6,{rural},2026-03-03T09:00,2026-03-03T10:00,45,yes,no"


def run_with_one_unserved(council, dover, by=None):
    extra = [TUESDAY_DOUBLE_UP.format(rural=dover["rural"])]
    run = travel.run_travel(do_import(council, dover, by=by, visits=visits_file(dover, extra)).run)
    assert run.status == TravelRun.Status.DONE and run.feasible, run.message
    assert run.unserved == ["V6"]
    return run


# --- 2. the visit length travel was measured at --------------------------------------------


def test_applying_a_run_sets_the_average_visit_length_it_measured(
    council, commissioner, dover, scenario
):
    run = travel.run_travel(do_import(council, dover, by=commissioner).run)
    results = {r.band: r for r in run.band_results.all()}
    # Urban: 30, 45 and 60-minute visits (45 on average, 2.25 contact hours); rural: two
    # 30-minute visits, one a double-up (30 on average, 1.5 contact hours).
    assert results["urban"].average_visit_minutes == Decimal("45.00")
    assert results["rural"].average_visit_minutes == Decimal("30.00")
    assert not cost_model.SPECS["average_visit_minutes"].by_band
    version = travel.travel_apply(run=run, scenario=scenario, by=commissioner)
    visit = version.params.get(key="average_visit_minutes", band="")
    # Weighted by contact hours: (45 x 2.25 + 30 x 1.5) / 3.75 = 39.
    assert visit.value == Decimal("39.0000")
    assert visit.source == travel.source_line(run) and visit.source_date == ran_on(run)
    before = scenario.versions.get(number=1).params.get(key="average_visit_minutes", band="")
    assert before.value == Decimal("40") and before.source != visit.source


def test_the_visit_length_is_by_band_when_the_parameter_is():
    results = [
        SimpleNamespace(
            band="urban", visits=3, contact_hours=Decimal("2.25"), average_visit_minutes=45
        ),
        SimpleNamespace(
            band="rural", visits=2, contact_hours=Decimal("1.5"), average_visit_minutes=30
        ),
    ]
    date = dt.date(2026, 3, 9)
    (mean,) = travel._visit_length_changes(results, "Run 1", date)
    assert (mean.key, mean.band, mean.value, mean.source_date) == (
        "average_visit_minutes",
        "",
        Decimal("39.00"),
        date,
    )
    spec = cost_model.SPECS["average_visit_minutes"]
    by_band = cost_model.ParameterSpec(spec.key, spec.label, spec.unit, by_band=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(cost_model.SPECS, "average_visit_minutes", by_band)
        changes = travel._visit_length_changes(results, "Run 1", date)
    assert {(c.band, c.value) for c in changes} == {("urban", 45), ("rural", 30)}
    # A run that measured no visit sets nothing.
    assert travel._visit_length_changes([], "Run 1", date) == []


# --- 3. visits left unserved -----------------------------------------------------------------


def test_unserved_visits_and_contact_hours_are_counted_by_band(council, dover):
    run = run_with_one_unserved(council, dover)
    summary = travel.unserved_summary(run)
    assert summary.visits == 6 and summary.total.visits == 1
    (rural,) = summary.bands
    assert (rural.band, rural.visits, rural.contact_hours) == ("rural", 1, Decimal("1.50"))
    assert summary.total.contact_hours == Decimal("1.50")
    assert summary.too_many  # 1 of 6 is 16.7%
    sentence = summary.sentence()
    assert "1 of 6 visits (16.7%), 1.50 contact hours, were left unserved" in sentence
    assert "measured on served visits only" in sentence and "more than 5.0%" in sentence


def test_a_run_leaving_too_many_visits_unserved_cannot_be_applied(
    council, commissioner, dover, scenario
):
    run = run_with_one_unserved(council, dover, by=commissioner)
    with pytest.raises(DomainError, match=r"1 of 6 visits \(16.7%\) were left unserved"):
        travel.travel_apply(run=run, scenario=scenario, by=commissioner)
    assert queries.current_version(scenario).number == 1


def test_a_run_at_the_allowed_share_can_be_applied(
    council, commissioner, dover, scenario, monkeypatch
):
    run = run_with_one_unserved(council, dover, by=commissioner)
    monkeypatch.setattr(travel, "MAX_UNSERVED_SHARE", Decimal(1) / Decimal(6))  # exactly 1 in 6
    version = travel.travel_apply(run=run, scenario=scenario, by=commissioner)
    assert version.number == 2
    monkeypatch.setattr(travel, "MAX_UNSERVED_SHARE", Decimal("0.16"))  # just under 1 in 6
    with pytest.raises(DomainError, match="left unserved"):
        travel.travel_apply(run=run, scenario=scenario, by=commissioner)


def test_the_default_share_is_five_percent():
    assert Decimal("0.05") == travel.MAX_UNSERVED_SHARE


def test_the_run_page_shows_unserved_visits_and_offers_no_apply(signed_in, council, dover):
    services.scenario_create(owner=council, name="Dover 2026")
    run = run_with_one_unserved(council, dover)
    page = signed_in.get(f"/pricing/travel/{run.pk}/").content.decode()
    assert "Visits not served" in page and "Visits left unserved by band" in page
    assert "1 of 6 visits (16.7%), 1.50 contact hours, were left unserved" in page
    assert "measured on served visits only" in page
    assert "This run cannot be applied to a scenario" in page
    assert "Apply to scenario" not in page


def test_the_run_page_says_when_every_visit_was_served(signed_in, council, dover):
    services.scenario_create(owner=council, name="Dover 2026")
    run = travel.run_travel(do_import(council, dover).run)
    page = signed_in.get(f"/pricing/travel/{run.pk}/").content.decode()
    assert "Every visit was served." in page and "Apply to scenario" in page
    assert "Visits left unserved by band" not in page


def test_the_command_prints_unserved_visits_by_band(council, dover, tmp_path, capsys):
    visits, carers = tmp_path / "visits.csv", tmp_path / "carers.csv"
    extra = [TUESDAY_DOUBLE_UP.format(rural=dover["rural"])]
    visits.write_bytes(visits_file(dover, extra).read())
    carers.write_bytes(carers_file(dover).read())
    call_command(
        "travel_run",
        *("--visits", visits, "--carers", carers, "--zone", "Dover"),
        *("--week-start", "2026-03-02", "--seconds-per-day", "1"),
    )
    out = capsys.readouterr().out
    assert "Visits not served by band" in out and "Rural" in out
    assert "1 of 6 visits (16.7%), 1.50 contact hours, were left unserved" in out


# --- 4. detour factor and speeds -------------------------------------------------------------


def test_detour_and_speeds_are_kept_on_the_run(council, dover):
    run = do_import(council, dover, detour="1.5", speeds={"Rural": "40", "urban": 9.5}).run
    assert run.detour_factor == Decimal("1.50")
    assert run.speeds == {"urban": 9.5, "fringe": 18.0, "rural": 40.0, "isolated": 30.0}
    default = do_import(council, dover).run
    assert default.detour_factor == travel.DEFAULT_DETOUR
    assert default.speeds == {band: float(mph) for band, mph in travel.DEFAULT_SPEEDS.items()}


def test_slower_speeds_mean_more_travel(council, dover):
    fast = travel.run_travel(do_import(council, dover).run)
    slow = travel.run_travel(do_import(council, dover, speeds={"rural": 5, "urban": 5}).run)
    assert sum(r.travel_minutes for r in slow.band_results.all()) > sum(
        r.travel_minutes for r in fast.band_results.all()
    )


@pytest.mark.parametrize(
    ("kwargs", "label", "message"),
    [
        ({"detour": "0.9"}, "Detour factor", "must be a number from 1.00 to 3.00"),
        ({"detour": "abc"}, "Detour factor", "must be a number from 1.00 to 3.00"),
        ({"detour": "NaN"}, "Detour factor", "must be a number from 1.00 to 3.00"),
        ({"speeds": {"suburban": 20}}, "Speeds", "There is no band called 'suburban'"),
        ({"speeds": {"rural": 0}}, "Speeds", "rural speed must be a number of miles per hour"),
        ({"speeds": {"rural": "fast"}}, "Speeds", "from 1 to 70"),
        ({"speeds": {"urban": 71}}, "Speeds", "from 1 to 70"),
    ],
)
def test_bad_detour_or_speeds_are_refused_and_nothing_written(
    council, dover, kwargs, label, message
):
    result = do_import(council, dover, **kwargs)
    assert not result.ok and result.run is None
    assert any(lab == label and message in e.message for lab, e in result.errors), result.messages()
    assert TravelRun.objects.count() == 0


def command_args(dover, tmp_path):
    visits, carers = tmp_path / "visits.csv", tmp_path / "carers.csv"
    visits.write_bytes(visits_file(dover).read())
    carers.write_bytes(carers_file(dover).read())
    return [
        *("--visits", visits, "--carers", carers, "--zone", "Dover"),
        *("--week-start", "2026-03-02", "--seconds-per-day", "1"),
    ]


def test_the_command_takes_a_detour_and_speeds(council, dover, tmp_path, capsys):
    args = command_args(dover, tmp_path)
    call_command(
        "travel_run", *args, "--detour", "1.4", "--speed", "rural=35", "--speed", "urban=10"
    )
    run = TravelRun.objects.get()
    assert run.detour_factor == Decimal("1.40")
    assert run.speeds["rural"] == 35.0 and run.speeds["urban"] == 10.0
    assert run.speeds["fringe"] == 18.0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--speed", "rural"], "--speed must be BAND=MPH, like rural=25"),
        (["--speed", "=30"], "--speed must be BAND=MPH"),
        (["--speed", "suburban=30"], "There is no band called 'suburban'"),
        (["--speed", "rural=0"], "The rural speed must be a number of miles per hour from 1"),
        (["--detour", "4"], "The detour factor must be a number from 1.00 to 3.00"),
    ],
)
def test_the_command_refuses_bad_settings(council, dover, tmp_path, capsys, extra, message):
    with pytest.raises(CommandError) as refused:
        call_command("travel_run", *command_args(dover, tmp_path), *extra)
    assert message in str(refused.value) + capsys.readouterr().err
    assert TravelRun.objects.count() == 0


def test_the_upload_form_shows_the_defaults_and_keeps_the_settings(signed_in, dover):
    page = signed_in.get("/pricing/travel/new/").content.decode()
    assert "Detour factor" in page and "Default 1.30." in page
    assert "Rural speed (miles per hour)" in page and "Default 25." in page
    response = upload(signed_in, dover, detour="1.6", speed_isolated="45", speed_urban="")
    assert response.status_code == 302, response.content.decode()
    run = TravelRun.objects.get()
    assert run.detour_factor == Decimal("1.60")
    assert run.speeds["isolated"] == 45.0 and run.speeds["urban"] == 12.0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"detour": "5"}, "The detour factor must be 3.00 or less"),
        ({"detour": "0.5"}, "The detour factor must be 1.00 or more"),
        ({"detour": "far"}, "The detour factor must be a number, like 1.30"),
        ({"speed_rural": "0"}, "The rural speed must be 1 miles per hour or more"),
        ({"speed_urban": "120"}, "The urban speed must be 70 miles per hour or less"),
        ({"speed_fringe": "quick"}, "The fringe speed must be a number of miles per hour"),
    ],
)
def test_the_upload_form_refuses_bad_settings(signed_in, dover, extra, message):
    response = upload(signed_in, dover, **extra)
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page and message in page
    assert TravelRun.objects.count() == 0


# --- 5. the routing docs name only what exists -----------------------------------------------


def test_the_routing_docs_name_only_functions_and_fields_that_exist():
    text = (Path(__file__).parents[2] / "docs" / "routing.md").read_text()
    named = {
        "travel": (travel, set(re.findall(r"`travel\.(\w+)", text))),
        "routing": (routing, set(re.findall(r"`routing\.(\w+)", text))),
    }
    assert named["travel"][1] >= {"travel_import", "MAX_UNSERVED_SHARE", "unserved_summary"}
    for module, names in named.values():
        assert [n for n in names if not hasattr(module, n)] == []
    fields = {f.name for f in TravelRun._meta.get_fields()}
    cited = set(re.findall(r"`TravelRun\.(\w+)", text))
    assert "imported_matrix" in cited and cited <= fields
    assert 'speeds["matrix"]' not in text
    for constant in ("MIN_DETOUR", "MAX_DETOUR", "MIN_SPEED_MPH", "MAX_SPEED_MPH"):
        assert constant in text and hasattr(travel, constant)
