"""Scenario writes: versions keep old values, every change has a source and a reason, each is
audited, bad values are refused with a message a person can act on, and scoping holds."""

import datetime as dt
from decimal import Decimal

import pytest

from tendercare.core.errors import DomainError, NotAllowed
from tendercare.core.models import AuditLog
from tendercare.organisations.models import Role
from tendercare.pricing import cost_model, defaults, queries, services
from tendercare.pricing.services import Change, ChangeRefused
from tests.factories import UserFactory

# The date of every changed value's source (every parameter has a date).
SOURCE_DATE = dt.date(2025, 6, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(council, commissioner):
    return services.scenario_create(owner=council, name="Medway 2025/26", by=commissioner)


def values(scenario, number=None):
    version = scenario.versions.get(number=number) if number else queries.current_version(scenario)
    return queries.version_values(version)


def rate(scenario, number=None) -> Decimal:
    return cost_model.build_up(cost_model.resolve(values(scenario, number))).rate


def test_create_starts_from_the_hca_defaults_with_sources(scenario, commissioner):
    version = queries.current_version(scenario)
    assert version.number == 1 and version.created_by == commissioner
    assert values(scenario) == defaults.as_values((*defaults.HCA_2025, *defaults.BAND_TRAVEL))
    pay = version.params.get(key="pay_rate", band="")
    assert pay.source == defaults.NLW_SOURCE and pay.unit == "GBP per hour"
    assert pay.source_date == dt.date(2025, 4, 1)
    assert rate(scenario) == Decimal("32.15")  # HCA 2025/26: 32.14, within 1%
    logged = AuditLog.objects.filter(object_type="pricing.scenario", object_id=str(scenario.pk))
    assert logged.get().user == commissioner


def test_real_living_wage_start(council, commissioner):
    scenario = services.scenario_create(
        owner=council,
        name="RLW",
        by=commissioner,
        starting_values=services.starting_values(services.REAL_LIVING_WAGE),
    )
    pay = queries.current_version(scenario).params.get(key="pay_rate", band="")
    assert pay.value == defaults.RLW_2025 and pay.source == defaults.RLW_SOURCE
    assert rate(scenario) > defaults.HCA_MINIMUM_PRICE_2025
    with pytest.raises(DomainError, match="Choose where the scenario starts from"):
        services.starting_values("anything else")


def test_revise_makes_a_new_version_and_keeps_the_old_one(scenario, commissioner):
    version = services.scenario_revise(
        scenario=scenario,
        by=commissioner,
        changes=[
            Change(
                "pay_rate", "12.60", "Living Wage Foundation", source_date=dt.date(2024, 10, 22)
            ),
            Change("travel_minutes", "25", "Travel run 4", band="rural", source_date=SOURCE_DATE),
        ],
        reason="Real Living Wage and measured rural travel",
    )
    assert version.number == 2 and version.created_by == commissioner
    assert values(scenario, 1)[("pay_rate", "")] == Decimal("12.21")
    assert values(scenario, 2)[("pay_rate", "")] == Decimal("12.60")
    assert values(scenario, 2)[("travel_minutes", "rural")] == Decimal("25")
    # Everything not changed is carried over, with its source.
    assert len(values(scenario, 2)) == len(values(scenario, 1))
    kept = version.params.get(key="employer_ni_rate", band="")
    assert kept.source == defaults.NI_SOURCE
    assert rate(scenario, 2) > rate(scenario, 1)


def test_revise_is_audited_on_the_version_and_the_scenario(scenario, commissioner):
    version = services.scenario_revise(
        scenario=scenario,
        by=commissioner,
        changes=[Change("overheads", "9", "Open book 2025", source_date=SOURCE_DATE)],
        reason="Open-book overheads",
    )
    on_version = AuditLog.objects.get(
        object_type="pricing.scenarioversion", object_id=str(version.pk)
    )
    assert on_version.user == commissioner
    assert "Back-office overheads = 9.0000" in on_version.summary
    assert "Open-book overheads" in on_version.summary
    on_scenario = AuditLog.objects.filter(
        object_type="pricing.scenario", object_id=str(scenario.pk), action="event"
    ).get()
    assert on_scenario.after == {"version": 2}


def test_a_reason_is_required(scenario, commissioner):
    with pytest.raises(DomainError, match="Say why the values are changing"):
        services.scenario_revise(
            scenario=scenario,
            by=commissioner,
            changes=[Change("pay_rate", "13", "x", source_date=SOURCE_DATE)],
            reason=" ",
        )
    with pytest.raises(DomainError, match="Change at least one value"):
        services.scenario_revise(scenario=scenario, by=commissioner, changes=[], reason="x")
    assert queries.current_version(scenario).number == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            Change("pay_rate", "abc", "x", source_date=SOURCE_DATE),
            "value",
            "Care worker pay rate must be a number",
        ),
        (Change("pay_rate", "NaN", "x", source_date=SOURCE_DATE), "value", "must be a number"),
        (Change("pay_rate", "-1", "x", source_date=SOURCE_DATE), "value", "cannot be negative"),
        (Change("pay_rate", "1e9", "x", source_date=SOURCE_DATE), "value", "is too large"),
        (
            Change("holiday_pay", "100.5", "x", source_date=SOURCE_DATE),
            "value",
            "must be 100 or less",
        ),
        (
            Change("pay_rate", "13", "x", band="rural", source_date=SOURCE_DATE),
            "band",
            "cannot be set for the 'rural'",
        ),
        (
            Change("miles", "13", "x", band="suburban", source_date=SOURCE_DATE),
            "band",
            "cannot be set",
        ),
        (
            Change("pay_rate", "13", "  ", source_date=SOURCE_DATE),
            "source",
            "Say where the value of Care worker pay",
        ),
        (
            Change("pay_rate", "13", "LWF"),
            "source_date",
            "Enter the date of the source for Care worker pay rate",
        ),
        (
            Change("travel_minutes", "13", "Run 4", band="rural", source_date="2025-06-01"),
            "source_date",
            "Enter the date of the source for Travel time",
        ),
        (
            Change("wage", "13", "x", source_date=SOURCE_DATE),
            "key",
            "There is no parameter called 'wage'",
        ),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(
    scenario, commissioner, change, field, message
):
    with pytest.raises(ChangeRefused, match=message) as refused:
        services.scenario_revise(scenario=scenario, by=commissioner, changes=[change], reason="x")
    assert refused.value.field == field
    assert queries.current_version(scenario).number == 1


def test_a_change_that_breaks_the_model_is_refused(scenario, commissioner):
    with pytest.raises(DomainError, match="Paid hours per care worker must be more than 0"):
        services.scenario_revise(
            scenario=scenario,
            by=commissioner,
            changes=[Change("paid_hours_per_year", "0", "x", source_date=SOURCE_DATE)],
            reason="x",
        )
    assert queries.current_version(scenario).number == 1


def test_other_organisation_and_read_only_roles_cannot_revise(
    scenario, other_commissioner, councillor, council
):
    contract_manager = UserFactory(role=Role.CONTRACT_MANAGER, organisation=council)
    for user in (other_commissioner, councillor, contract_manager):
        with pytest.raises(NotAllowed):
            services.scenario_revise(
                scenario=scenario,
                by=user,
                changes=[Change("pay_rate", "13", "x", source_date=SOURCE_DATE)],
                reason="x",
            )
        assert not services.can_edit_scenario(user, scenario)
    assert queries.current_version(scenario).number == 1
    with pytest.raises(NotAllowed):
        services.scenario_create(owner=council, name="Theirs", by=other_commissioner)


def test_names_are_unique_per_owner(scenario, council, other_council, commissioner):
    with pytest.raises(DomainError, match="already a scenario called Medway 2025/26"):
        services.scenario_create(owner=council, name=" Medway 2025/26 ", by=commissioner)
    with pytest.raises(DomainError, match="Enter a name"):
        services.scenario_create(owner=council, name="  ", by=commissioner)
    services.scenario_create(owner=other_council, name="Medway 2025/26")


def test_copy_takes_the_current_version_with_sources(scenario, council, commissioner):
    services.scenario_revise(
        scenario=scenario,
        by=commissioner,
        changes=[Change("overheads", "9.5", "Open book 2025", source_date=SOURCE_DATE)],
        reason="Open book",
    )
    copy = services.scenario_copy(
        owner=council,
        name="Copy",
        from_version=queries.current_version(scenario),
        by=commissioner,
    )
    version = queries.current_version(copy)
    assert version.number == 1
    assert version.reason == "Copied from Medway 2025/26 version 2"
    assert values(copy) == values(scenario)
    assert version.params.get(key="overheads").source == "Open book 2025"


def test_copy_of_an_unseen_scenario_is_refused(other_council, council, commissioner):
    theirs = services.scenario_create(owner=other_council, name="Kent")
    with pytest.raises(DomainError, match="Choose a scenario you can see"):
        services.scenario_copy(
            owner=council,
            name="Copy",
            from_version=queries.current_version(theirs),
            by=commissioner,
        )
