import datetime as dt

import pytest

from tendercare.evaluation.models import Assignment, Declaration
from tendercare.organisations.models import Role
from tendercare.organisations.services import organisations_merge
from tendercare.procurement import queries, services
from tendercare.procurement.models import Question
from tests.factories import UserFactory


@pytest.fixture
def draft(db, other_council, other_commissioner):
    return services.procurement_create(
        owner=other_council,
        reference="KENT-1",
        title="Kent draft",
        estimated_value=1,
        by=other_commissioner,
    )


def refs(qs):
    return sorted(p.reference for p in qs)


def test_staff_and_councillors_see_their_family_only(published, draft, commissioner, councillor):
    assert refs(queries.procurements_visible_to(commissioner)) == ["MED-HC-2026"]
    assert refs(queries.procurements_visible_to(councillor)) == ["MED-HC-2026"]
    assert queries.can_manage(commissioner, published)
    assert not queries.can_manage(councillor, published)


def test_merged_bodies_are_seen_by_the_successor(published, council, other_council):
    organisations_merge(
        predecessors=[council], successor=other_council, on=dt.date(2026, 4, 1), by=None
    )
    kent = UserFactory(role=Role.PROCUREMENT_LEAD, organisation=other_council)
    assert "MED-HC-2026" in refs(queries.procurements_visible_to(kent))
    published.refresh_from_db()
    assert queries.can_manage(kent, published)


def test_providers_see_published_procurements_only(procurement, published, draft, provider_user):
    assert refs(queries.procurements_visible_to(provider_user)) == ["MED-HC-2026"]


def test_providers_see_no_drafts(procurement, provider_user):
    assert refs(queries.procurements_visible_to(provider_user)) == []


def test_evaluators_need_an_assignment_and_a_declaration(published, evaluator):
    assert refs(queries.procurements_visible_to(evaluator)) == []
    question = Question.objects.filter(criterion__procurement=published).first()
    Assignment.objects.create(procurement=published, question=question, evaluator=evaluator)
    assert refs(queries.procurements_assigned_to(evaluator)) == ["MED-HC-2026"]
    assert refs(queries.procurements_visible_to(evaluator)) == []
    Declaration.objects.create(procurement=published, evaluator=evaluator, no_conflicts=True)
    assert refs(queries.procurements_visible_to(evaluator)) == ["MED-HC-2026"]


def test_public_sees_published_and_cancelled_after_notice(procurement, draft, commissioner):
    from tendercare.procurement.models import State

    assert refs(queries.published_procurements()) == []
    services.procurement_transition(
        procurement=procurement, to_state=State.CANCELLED, by=commissioner
    )
    assert refs(queries.published_procurements()) == []  # cancelled before any notice
    assert queries.public_procurement("KENT-1") is None


def test_criteria_tree_is_in_order(ready):
    names = [(n.criterion.name, n.depth) for n in queries.criteria_tree(ready)]
    assert names == [
        ("Quality", 0),
        ("Workforce", 1),
        ("Access", 1),
        ("Price", 0),
        ("Social value", 0),
        ("Mandatory", 0),
    ]
    assert [q.number for q in queries.criteria_tree(ready)[1].questions] == ["Q1"]
