"""Fixtures for the feedback, theme and change tests (no tests here): a programme with an
activity, themes, feedback, and something of each kind a change can be linked to, for the
council and for another council."""

import datetime as dt
from decimal import Decimal

import pytest

from tendercare.contracts.models import Contract, ContractCommissioner, ServiceLine
from tendercare.engagement import feedback as services
from tendercare.engagement.models import Activity
from tendercare.performance.models import KpiDefinition, KpiSchedule
from tendercare.procurement.models import Procurement, Requirement
from tendercare.programmes import services as programme_services

D = dt.date


def make_activity(*, owner, programme, title="Home care listening event", by=None):
    return Activity.objects.create(
        owner=owner,
        programme=programme,
        title=title,
        kind="workshop",
        channel="in_person",
        starts_on=D(2026, 1, 10),
        organiser="Commissioning team",
        created_by=by,
    )


def make_requirement(*, owner, programme, reference, code="R1", title="Visit times"):
    procurement = Procurement.objects.create(
        reference=reference, title="Home care", owner=owner, programme=programme
    )
    return Requirement.objects.create(
        procurement=procurement, code=code, title=title, text="Visits within 30 minutes"
    )


def make_schedule(*, commissioner, provider, reference):
    service, _ = ServiceLine.objects.get_or_create(name="Home care")
    contract = Contract.objects.create(
        reference=reference,
        title="Home care zone 1",
        provider=provider,
        service=service,
        annual_value=Decimal("1000000.00"),
        whole_life_value=Decimal("5000000.00"),
        start_date=D(2026, 11, 1),
        end_date=D(2031, 10, 31),
        procurement_route="open",
    )
    ContractCommissioner.objects.create(contract=contract, organisation=commissioner)
    kpi = KpiDefinition.objects.order_by("code").first()
    return KpiSchedule.objects.create(
        contract=contract, kpi=kpi, target=Decimal("95"), amber=Decimal("90")
    )


@pytest.fixture
def programme(db, council, commissioner):
    return programme_services.programme_create(
        owner=council, name="Home care from November 2026", by=commissioner
    )


@pytest.fixture
def other_programme(db, other_council, other_commissioner):
    return programme_services.programme_create(
        owner=other_council, name="Kent community services", by=other_commissioner
    )


@pytest.fixture
def activity(programme, council, commissioner):
    return make_activity(owner=council, programme=programme, by=commissioner)


@pytest.fixture
def other_activity(other_programme, other_council):
    return make_activity(owner=other_council, programme=other_programme, title="Kent forum")


@pytest.fixture
def timeliness(council, commissioner):
    return services.theme_create(
        owner=council,
        name="Timeliness",
        keywords="late visits\nlate\nwaiting",
        by=commissioner,
    )


@pytest.fixture
def staff(council, commissioner):
    return services.theme_create(
        owner=council, name="Staff", keywords="carers\nstaff", by=commissioner
    )


@pytest.fixture
def other_theme(other_council, other_commissioner):
    return services.theme_create(
        owner=other_council, name="Kent transport", keywords="bus", by=other_commissioner
    )


@pytest.fixture
def item(activity, commissioner):
    return services.feedback_add(
        activity=activity,
        text="My carers are kind but the visits are often late.",
        received_on=D(2026, 1, 10),
        by=commissioner,
    )


@pytest.fixture
def requirement(council, programme):
    return make_requirement(owner=council, programme=programme, reference="MED-HC-1")


@pytest.fixture
def other_requirement(other_council, other_programme):
    return make_requirement(owner=other_council, programme=other_programme, reference="KENT-1")


@pytest.fixture
def schedule(council, provider_org):
    return make_schedule(commissioner=council, provider=provider_org, reference="MED-HC-Z1")


@pytest.fixture
def other_schedule(other_council, provider_org):
    return make_schedule(commissioner=other_council, provider=provider_org, reference="KENT-Z1")


@pytest.fixture
def decision(programme, commissioner):
    return programme_services.decision_record(
        programme=programme,
        title="Visit windows of 30 minutes",
        decision="The specification sets 30-minute windows",
        decided_on=D(2026, 2, 1),
        decided_by="Joint Commissioning Board",
        by=commissioner,
    )


@pytest.fixture
def other_decision(other_programme, other_commissioner):
    return programme_services.decision_record(
        programme=other_programme,
        title="Kent decision",
        decision="Something in Kent",
        decided_on=D(2026, 2, 1),
        decided_by="Kent board",
        by=other_commissioner,
    )


@pytest.fixture
def change(programme, timeliness, item, requirement, commissioner):
    return services.change_create(
        programme=programme,
        you_said="Visits are often late",
        we_did="The new specification requires visits within 30 minutes of the time agreed",
        theme=timeliness,
        feedback=[item],
        requirement=requirement,
        by=commissioner,
    )
