"""Every parameter has a value, unit, source and date (issue 4, point 1): the starting points,
copies, changes through the service and the form, the demo's scenarios, and rows saved before
the date was required (the data migration)."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tendercare.core.errors import DomainError
from tendercare.demo import pricing as demo_pricing
from tendercare.pricing import defaults, forms, queries, services
from tendercare.pricing.models import Parameter, Scenario
from tendercare.pricing.services import Change, ChangeRefused

pytestmark = pytest.mark.django_db


def undated(scenario) -> list[str]:
    return [
        f"{scenario.name} v{version.number}: {p.key} {p.band}".strip()
        for version in scenario.versions.all()
        for p in version.params.all()
        if not isinstance(p.source_date, dt.date)
    ]


@pytest.mark.parametrize("point", [services.HCA_NLW, services.REAL_LIVING_WAGE])
def test_every_starting_row_has_a_date(point):
    rows = services.starting_values(point)
    assert rows and all(isinstance(row.source_date, dt.date) for row in rows), [
        row.key for row in rows if not isinstance(row.source_date, dt.date)
    ]


def test_the_real_living_wage_pay_rate_is_dated_from_defaults():
    pay = next(
        r for r in services.starting_values(services.REAL_LIVING_WAGE) if r.key == "pay_rate"
    )
    assert pay.value == defaults.RLW_2025
    rlw_default = getattr(defaults, "RLW_2025_DEFAULT", None)
    if rlw_default is not None and rlw_default.source_date is not None:
        assert pay.source_date == rlw_default.source_date
    else:  # until defaults.py dates the RLW, it takes the NLW row's date (same pay year)
        nlw = next(r for r in defaults.HCA_2025 if (r.key, r.band) == ("pay_rate", ""))
        assert pay.source_date == nlw.source_date


def test_every_parameter_of_every_starting_point_and_copy_is_dated(council, commissioner):
    nlw = services.scenario_create(
        owner=council,
        name="NLW",
        by=commissioner,
        starting_values=services.starting_values(services.HCA_NLW),
    )
    rlw = services.scenario_create(
        owner=council,
        name="RLW",
        by=commissioner,
        starting_values=services.starting_values(services.REAL_LIVING_WAGE),
    )
    copy = services.scenario_copy(
        owner=council, name="Copy", from_version=queries.current_version(rlw), by=commissioner
    )
    for scenario in (nlw, rlw, copy):
        assert Parameter.objects.filter(version__scenario=scenario).count() > 20
        assert undated(scenario) == []
    copied = queries.current_version(copy).params.get(key="pay_rate", band="")
    original = queries.current_version(rlw).params.get(key="pay_rate", band="")
    assert copied.source_date == original.source_date


def test_the_demo_scenarios_are_dated_in_every_version(council, provider_org):
    summary = demo_pricing.build(
        as_of=dt.date(2026, 11, 23), medway=council, providers=[provider_org], with_geography=False
    )
    assert summary.scenarios == [demo_pricing.NLW_SCENARIO, demo_pricing.RLW_SCENARIO]
    for name in summary.scenarios:
        scenario = Scenario.objects.get(name=name)
        assert scenario.versions.count() >= 2
        assert undated(scenario) == []


def test_a_change_without_a_date_is_refused_naming_the_field(council, commissioner):
    scenario = services.scenario_create(owner=council, name="S", by=commissioner)
    with pytest.raises(
        ChangeRefused, match="Enter the date of the source for Back-office overheads"
    ) as no:
        services.scenario_revise(
            scenario=scenario,
            by=commissioner,
            changes=[Change("overheads", "9", "Open book 2025")],
            reason="x",
        )
    assert no.value.field == "source_date"
    assert queries.current_version(scenario).number == 1
    version = services.scenario_revise(
        scenario=scenario,
        by=commissioner,
        changes=[Change("overheads", "9", "Open book 2025", source_date=dt.date(2025, 6, 5))],
        reason="x",
    )
    assert version.params.get(key="overheads").source_date == dt.date(2025, 6, 5)


def test_a_starting_point_with_an_undated_row_writes_nothing(council, commissioner):
    rows = list(services.starting_values(services.HCA_NLW))
    rows[0] = defaults.Default(rows[0].key, rows[0].value, rows[0].unit, rows[0].source, None)
    with pytest.raises(DomainError, match="needs the date of its source: Care worker pay rate"):
        services.scenario_create(
            owner=council, name="Undated", by=commissioner, starting_values=rows
        )
    assert not Scenario.objects.filter(name="Undated").exists()


def test_the_database_refuses_an_undated_parameter(council):
    scenario = services.scenario_create(owner=council, name="S")
    version = queries.current_version(scenario)
    with pytest.raises(IntegrityError), transaction.atomic():
        Parameter.objects.create(
            version=version, key="x", value=1, unit="u", source="s", source_date=None
        )


def test_the_change_form_requires_the_date():
    data = {"key": "pay_rate", "band": "", "value": "12.60", "source": "LWF", "reason": "RLW"}
    form = forms.ChangeValueForm(data)
    assert not form.is_valid()
    assert form.errors["source_date-day"] == ["Enter the date of the source"]
    dated = forms.ChangeValueForm(
        {**data, "source_date-day": "22", "source_date-month": "10", "source_date-year": "2024"}
    )
    assert dated.is_valid(), dated.errors
    assert dated.cleaned_data["source_date"] == dt.date(2024, 10, 22)
    # A refusal from the service naming source_date lands on the date input, not a 500.
    dated.add_error("source_date", "Enter the date of the source for Care worker pay rate")
    assert dated.errors["source_date-day"] == [
        "Enter the date of the source for Care worker pay rate"
    ]


@pytest.mark.django_db(transaction=True)
def test_the_migration_dates_old_rows_from_their_version(council):
    scenario = services.scenario_create(owner=council, name="Before dates")
    version = queries.current_version(scenario)
    kept = version.params.get(key="pay_rate", band="")
    executor = MigrationExecutor(connection)
    executor.migrate([("pricing", "0002_travel_run_checks")])
    try:
        old = executor.loader.project_state([("pricing", "0002_travel_run_checks")]).apps
        OldParameter = old.get_model("pricing", "Parameter")
        OldParameter.objects.filter(version_id=version.pk, key="overheads").update(source_date=None)
        assert OldParameter.objects.filter(source_date__isnull=True).count() == 1
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    version.refresh_from_db()
    filled = version.params.get(key="overheads", band="")
    assert filled.source_date == timezone.localtime(version.created_at).date()
    assert version.params.get(pk=kept.pk).source_date == kept.source_date
    assert not Parameter.objects.filter(source_date__isnull=True).exists()
