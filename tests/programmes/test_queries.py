import datetime as dt

from tendercare.programmes import queries, services

from .conftest import make_contract

D = dt.date


def test_commissioners_and_councillors_of_the_family_see_the_programme(
    programme, other_programme, commissioner, councillor, other_commissioner
):
    assert list(queries.programmes_visible_to(commissioner)) == [programme]
    assert list(queries.programmes_visible_to(councillor)) == [programme]
    assert list(queries.programmes_visible_to(other_commissioner)) == [other_programme]


def test_providers_and_evaluators_see_no_programmes(programme, provider_user, evaluator):
    assert not queries.programmes_visible_to(provider_user).exists()
    assert not queries.programmes_visible_to(evaluator).exists()


def test_only_editing_roles_of_the_family_can_edit(
    programme, commissioner, councillor, other_commissioner, provider_user
):
    assert queries.can_edit(commissioner, programme)
    assert not queries.can_edit(councillor, programme)
    assert not queries.can_edit(other_commissioner, programme)
    assert not queries.can_edit(provider_user, programme)


def test_successor_body_sees_programmes_of_bodies_merged_into_it(db):
    from tendercare.organisations import services as org_services
    from tendercare.organisations.models import Role
    from tests.factories import UserFactory

    ccg = org_services.organisation_create(name="NHS Medway CCG", kind="ccg")
    icb = org_services.organisation_create(name="NHS Kent and Medway ICB", kind="icb")
    programme = services.programme_create(owner=ccg, name="Community services re-procurement")
    org_services.organisations_merge(predecessors=[ccg], successor=icb, on=D(2022, 7, 1))
    icb_user = UserFactory(role=Role.PROCUREMENT_LEAD, organisation=icb)
    assert list(queries.programmes_visible_to(icb_user)) == [programme]
    assert queries.can_edit(icb_user, programme)


def test_milestone_rows(programme, milestone, commissioner):
    services.milestone_revise(
        milestone=milestone,
        new_date=D(2026, 4, 13),
        reason="Six-week delay for NHS England assurance",
        by=commissioner,
    )
    services.milestone_add(
        programme=programme, name="Go live", baseline_date=D(2026, 11, 2), by=commissioner
    )
    rows = queries.milestone_rows(programme, today=D(2026, 1, 5))
    award, live = rows
    assert (award.baseline, award.current) == (D(2026, 3, 2), D(2026, 4, 13))
    assert (award.slip_days, award.slip_working_days) == (42, 28)
    assert award.rag == "amber" and award.revision_count == 1
    assert award.latest_reason == "Six-week delay for NHS England assurance"
    assert (live.slip_days, live.rag, live.revision_count, live.latest_reason) == (
        0,
        "green",
        0,
        "",
    )
    # After its current date has passed without completion a milestone is overdue.
    assert queries.milestone_rows(programme, today=D(2026, 5, 1))[0].rag == "overdue"


def test_contracts_in_scope_only_shows_the_family_s_contracts(
    programme, commissioner, council, provider_org
):
    contract = make_contract(reference="MED-001", commissioner=council, provider=provider_org)
    services.programme_set_contracts(programme=programme, contracts=[contract])
    assert list(queries.contracts_in_scope(commissioner, programme)) == [contract]
    assert list(queries.contracts_choosable(commissioner, programme)) == [contract]
