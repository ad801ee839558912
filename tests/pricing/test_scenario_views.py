"""Scenario pages: who sees what, the build-up and band tables, changing a value, comparing."""

import datetime as dt
from decimal import Decimal

import pytest

from tendercare.organisations.models import Role
from tendercare.pricing import queries, services
from tendercare.pricing.services import Change
from tests.factories import UserFactory

# The date of every changed value's source (every parameter has a date).
SOURCE_DATE = dt.date(2025, 6, 1)
# The same date as the change form posts it.
DATED = {"source_date-day": "1", "source_date-month": "6", "source_date-year": "2025"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(council):
    return services.scenario_create(owner=council, name="Medway 2025/26")


@pytest.fixture
def contract_manager(council):
    return UserFactory(username="cm", role=Role.CONTRACT_MANAGER, organisation=council)


def page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_list_shows_each_scenario_with_its_rate(signed_in, scenario):
    html = page(signed_in, "/pricing/")
    assert "Medway 2025/26" in html
    assert "£32.15" in html  # the HCA defaults: HCA 32.14, within 1%
    assert "Create a scenario" in html


def test_scenario_page_shows_build_up_bands_check_sensitivity_and_versions(signed_in, scenario):
    html = page(signed_in, f"/pricing/scenarios/{scenario.pk}/")
    # Build-up: every line, the total and its working.
    for label in ("Pay for contact time", "Employer National Insurance", "Return on operations"):
        assert label in html
    assert "£12.21" in html and "£32.15" in html
    assert "100.0%" in html  # shares add up
    # The chart is an accessible SVG with its sentence.
    assert html.count('role="img"') == 2
    assert "build-up-summary" in html and "sensitivity-summary" in html
    # HCA check.
    assert "Homecare Association 2025/26" in html
    assert "+£0.01" in html and "(within 1%)" in html  # 32.15 against the HCA 32.14
    # Band rates: 4 bands x 3 visit lengths, with reasons.
    assert html.count(" minutes</td>") == 12
    assert "in isolated areas for 30-minute visits" in html
    # Parameters with their sources and dates.
    assert "Living Wage" in html and "1 April 2025" in html
    # Versions and history.
    assert "First version" in html
    assert "/history/pricing.scenario/" in html


def test_other_council_provider_and_evaluator_get_404(
    client, scenario, other_commissioner, provider_user, evaluator
):
    for user in (other_commissioner, provider_user, evaluator):
        client.force_login(user)
        for path in (
            f"/pricing/scenarios/{scenario.pk}/",
            f"/pricing/scenarios/{scenario.pk}/change/",
            f"/history/pricing.scenario/{scenario.pk}/",
        ):
            assert client.get(path).status_code == 404, (user.role, path)
    client.force_login(other_commissioner)
    assert "Medway 2025/26" not in page(client, "/pricing/")
    for user in (provider_user, evaluator):
        client.force_login(user)
        assert client.get("/pricing/").status_code == 404
        assert client.get("/pricing/scenarios/new/").status_code == 404
        assert client.get("/pricing/scenarios/compare/").status_code == 404


def test_councillor_and_contract_manager_read_but_cannot_change(
    client, scenario, councillor, contract_manager
):
    for user in (councillor, contract_manager):
        client.force_login(user)
        html = page(client, f"/pricing/scenarios/{scenario.pk}/")
        assert "Change a value" not in html
        assert "Create a scenario" not in page(client, "/pricing/")
        assert client.get(f"/pricing/scenarios/{scenario.pk}/change/").status_code == 403
        response = client.post(
            f"/pricing/scenarios/{scenario.pk}/change/",
            {"key": "pay_rate", "value": "13", "source": "x", "reason": "y"},
        )
        assert response.status_code == 403
        assert client.get("/pricing/scenarios/new/").status_code == 403
    assert queries.current_version(scenario).number == 1


def test_change_a_value_makes_a_version_and_shows_the_new_rate(signed_in, scenario):
    response = signed_in.post(
        f"/pricing/scenarios/{scenario.pk}/change/",
        {
            "key": "pay_rate",
            "band": "",
            "value": "12.60",
            "source": "Living Wage Foundation",
            "source_date-day": "22",
            "source_date-month": "10",
            "source_date-year": "2024",
            "reason": "Pay the Real Living Wage",
        },
        follow=True,
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/pricing/scenarios/{scenario.pk}/"
    version = queries.current_version(scenario)
    assert version.number == 2
    pay = version.params.get(key="pay_rate", band="")
    assert pay.value == Decimal("12.60") and pay.source_date.isoformat() == "2024-10-22"
    assert "Version 2 saved" in html and "(it was £32.15)" in html
    assert "Pay the Real Living Wage" in html
    assert f"?a={version.scenario.versions.get(number=1).pk}&amp;b={version.pk}" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"value": "abc"}, "Enter the new value as a number"),
        ({"value": "-3"}, "Care worker pay rate cannot be negative"),
        ({"key": "holiday_pay", "value": "120"}, "it must be 100 or less"),
        ({"band": "rural"}, "cannot be set for the &#39;rural&#39; band"),
        ({"source": ""}, "Enter where the new value comes from"),
        ({"reason": ""}, "Enter why the value is changing"),
        ({"key": ""}, "Choose the parameter to change"),
        ({"key": "nonsense"}, "Choose a parameter from the list"),
        ({"band": "suburban"}, "Choose a band from the list"),
        ({"value": "12,60"}, "Enter the new value as a number"),
        ({"value": "1e3"}, "Enter the new value as a number"),
        (
            {"source_date-day": "31", "source_date-month": "2", "source_date-year": ""},
            "must include a year",
        ),
        ({"value": "NaN"}, "Enter the new value as a number"),
        (
            {"source_date-day": "", "source_date-month": "", "source_date-year": ""},
            "Enter the date of the source",
        ),
    ],
)
def test_bad_changes_show_an_error_summary_not_a_500(signed_in, scenario, data, message):
    post = {"key": "pay_rate", "band": "", "value": "12.60", "source": "LWF", "reason": "RLW"}
    post.update({"source_date-day": "22", "source_date-month": "10", "source_date-year": "2024"})
    post.update(data)
    response = signed_in.post(f"/pricing/scenarios/{scenario.pk}/change/", post)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and message in html
    assert html.count("Error: ") == 1  # the page title says so
    assert queries.current_version(scenario).number == 1


def test_thousands_separators_and_pound_signs_are_understood(signed_in, scenario):
    response = signed_in.post(
        f"/pricing/scenarios/{scenario.pk}/change/",
        {
            "key": "ni_secondary_threshold",
            "value": "£5,500",
            "source": "HMRC",
            "reason": "x",
            **DATED,
        },
    )
    assert response.status_code == 302
    values = queries.version_values(queries.current_version(scenario))
    assert values[("ni_secondary_threshold", "")] == Decimal("5500")


def test_a_band_value_can_be_changed_for_travel(signed_in, scenario):
    response = signed_in.post(
        f"/pricing/scenarios/{scenario.pk}/change/",
        {
            "key": "travel_minutes",
            "band": "rural",
            "value": "25",
            "source": "Run 3",
            "reason": "x",
            **DATED,
        },
    )
    assert response.status_code == 302
    values = queries.version_values(queries.current_version(scenario))
    assert values[("travel_minutes", "rural")] == Decimal("25")


def test_change_link_prefills_the_parameter(signed_in, scenario):
    html = page(signed_in, f"/pricing/scenarios/{scenario.pk}/change/?key=miles&band=rural")
    assert '<option value="miles" selected' in html
    assert '<option value="rural" selected' in html


def test_create_from_each_starting_point(signed_in, scenario, commissioner):
    response = signed_in.post(
        "/pricing/scenarios/new/", {"name": "At the RLW", "starting_point": "rlw"}
    )
    assert response.status_code == 302
    rlw = queries.scenarios_visible_to(commissioner).get(name="At the RLW")
    values = queries.version_values(queries.current_version(rlw))
    assert values[("pay_rate", "")] == Decimal("12.60")
    html = page(signed_in, f"/pricing/scenarios/{rlw.pk}/")
    assert "Real Living Wage 2025/26" in html

    services.scenario_revise(
        scenario=scenario,
        by=commissioner,
        changes=[Change("overheads", "9.50", "Open book 2025", source_date=SOURCE_DATE)],
        reason="Open book",
    )
    response = signed_in.post(
        "/pricing/scenarios/new/",
        {"name": "Copy", "starting_point": "copy", "copy_from": str(scenario.pk)},
    )
    assert response.status_code == 302
    copy = queries.scenarios_visible_to(commissioner).get(name="Copy")
    copied = queries.version_values(queries.current_version(copy))
    assert copied[("overheads", "")] == Decimal("9.50")
    assert queries.current_version(copy).reason == "Copied from Medway 2025/26 version 2"


def test_create_form_errors(signed_in, scenario):
    html = signed_in.post("/pricing/scenarios/new/", {"name": ""}).content.decode()
    assert "Enter a name for the scenario" in html
    assert "Choose where the scenario starts from" in html
    html = signed_in.post(
        "/pricing/scenarios/new/", {"name": "X", "starting_point": "copy"}
    ).content.decode()
    assert "Choose the scenario to copy" in html
    html = signed_in.post(
        "/pricing/scenarios/new/", {"name": "Medway 2025/26", "starting_point": "hca_nlw"}
    ).content.decode()
    assert "There is already a scenario called Medway 2025/26" in html


def test_cannot_copy_another_councils_scenario(signed_in, other_council):
    theirs = services.scenario_create(owner=other_council, name="Kent secret")
    response = signed_in.post(
        "/pricing/scenarios/new/",
        {"name": "Copy", "starting_point": "copy", "copy_from": str(theirs.pk)},
    )
    assert response.status_code == 200
    assert "Choose a scenario from the list" in response.content.decode()


def test_compare_two_versions_side_by_side(signed_in, scenario, commissioner):
    first = queries.current_version(scenario)
    second = services.scenario_revise(
        scenario=scenario,
        by=commissioner,
        changes=[Change("pay_rate", "12.60", "Living Wage Foundation", source_date=SOURCE_DATE)],
        reason="RLW",
    )
    html = page(signed_in, f"/pricing/scenarios/compare/?a={first.pk}&b={second.pk}")
    assert "1 parameter differs" in html
    assert html.count(">Different<") + html.count("Different\n") >= 1
    assert "12.21" in html and "12.60" in html
    assert "Source: Living Wage Foundation" in html
    assert "Pay for contact time" in html and "+£0.39" in html
    assert html.count(" minutes</td>") == 12


def test_compare_versions_of_two_scenarios(signed_in, scenario, council, commissioner):
    other = services.scenario_create(
        owner=council, name="RLW", starting_values=services.starting_values("rlw")
    )
    a, b = queries.current_version(scenario), queries.current_version(other)
    html = page(signed_in, f"/pricing/scenarios/compare/?a={a.pk}&b={b.pk}")
    assert "Medway 2025/26, version 1 compared with RLW, version 1" in html


def test_compare_refuses_versions_out_of_scope(signed_in, scenario, other_council):
    theirs = queries.current_version(services.scenario_create(owner=other_council, name="Kent"))
    mine = queries.current_version(scenario)
    response = signed_in.get(f"/pricing/scenarios/compare/?a={mine.pk}&b={theirs.pk}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose the second version from the list" in html and "Kent" not in html
    response = signed_in.get("/pricing/scenarios/compare/?a=abc&b=")
    assert response.status_code == 200
    assert "Choose the second version" in response.content.decode()


def test_history_lists_each_revision(signed_in, scenario, commissioner):
    services.scenario_revise(
        scenario=scenario,
        by=commissioner,
        changes=[Change("pay_rate", "12.60", "LWF", source_date=SOURCE_DATE)],
        reason="RLW from April",
    )
    html = page(signed_in, f"/history/pricing.scenario/{scenario.pk}/")
    assert "RLW from April" in html
    version = queries.current_version(scenario)
    assert "RLW from April" in page(signed_in, f"/history/pricing.scenarioversion/{version.pk}/")


def test_presenter_formats_values_and_the_hca_sentence():
    from tendercare.pricing import presenters

    assert presenters.format_value(Decimal("12.6000"), "GBP per hour") == "12.60"
    assert presenters.format_value(Decimal("5000.0000"), "GBP per year") == "5,000.00"
    assert presenters.format_value(Decimal("15.0000"), "percent") == "15"
    assert presenters.format_value(Decimal("0.4500"), "GBP per mile") == "0.45"
    assert presenters.format_value(Decimal("12.0700"), "percent of pay") == "12.07"
    above = presenters.HcaCheck(Decimal("32.83"), Decimal("32.14"), Decimal("0.69"))
    assert "£0.69 above" in above.sentence and not above.within_one_percent
    below = presenters.HcaCheck(Decimal("32.00"), Decimal("32.14"), Decimal("-0.14"))
    assert "£0.14 below" in below.sentence and below.within_one_percent


def test_compare_presenter_marks_only_what_differs(scenario, commissioner):
    from tendercare.pricing import presenters

    first = queries.current_version(scenario)
    second = services.scenario_revise(
        scenario=scenario,
        by=commissioner,
        changes=[Change("miles", "10", "Run 2", band="rural", source_date=SOURCE_DATE)],
        reason="Measured",
    )
    compared = presenters.ComparePresenter(
        presenters.for_version(first), presenters.for_version(second)
    )
    changed = [row for row in compared.parameters if row.changed]
    assert [(row.label, row.band_label, row.a, row.b) for row in changed] == [
        ("Distance driven", "Rural", "9", "10")
    ]
    assert compared.rate.difference == 0  # the all-bands rate does not use rural miles
    rural = [row for band, _, row in compared.band_rates if band == "Rural"]
    assert all(row.difference > 0 for row in rural)
    assert all(row.difference == 0 for band, _, row in compared.band_rates if band != "Rural")
