"""A programme with no data and one with something in every section of the report."""

import datetime as dt
from decimal import Decimal

import pytest

from tendercare.contracts.models import Contract, ContractCommissioner, ServiceLine
from tendercare.engagement import services as engagement_services
from tendercare.engagement.models import Change, FeedbackItem, Theme
from tendercare.performance.kpi_engine import builtin_kpis_ensure
from tendercare.performance.models import KpiDefinition, KpiResult, Zone
from tendercare.procurement.models import Procurement
from tendercare.programmes import services as programme_services
from tendercare.scrutiny.models import (
    Action,
    AgendaItem,
    Committee,
    CommitteeDecision,
    Meeting,
    WorkProgrammeItem,
)

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def empty_programme(db, council, commissioner):
    return programme_services.programme_create(
        owner=council, name="Nothing yet", ref="EMPTY-2026", by=commissioner
    )


def _activity(owner, programme, title, channel, counts, *, published, by):
    activity = engagement_services.activity_create(
        owner=owner,
        programme=programme,
        title=title,
        kind="workshop" if channel == "in_person" else "online",
        channel=channel,
        starts_on=dt.date(2026, 3, 1),
        organiser="Engagement team",
        by=by,
    )
    for dimension, groups in counts.items():
        engagement_services.participation_set(
            activity=activity, dimension=dimension, counts=groups, by=by
        )
    if published:
        engagement_services.activity_publish(activity=activity, by=by)
    return activity


@pytest.fixture
def full_programme(db, council, commissioner, provider_org):
    by = commissioner
    p = programme_services.programme_create(
        owner=council,
        name="Home care from November 2026",
        ref="MED-HC-2026",
        summary="Re-procure home care in four zones.",
        status="active",
        start_date=dt.date(2025, 4, 1),
        target_date=dt.date(2026, 11, 1),
        by=by,
    )
    m = programme_services.milestone_add(
        programme=p, name="Contract award", baseline_date=dt.date(2026, 5, 1), by=by
    )
    programme_services.milestone_revise(
        milestone=m, new_date=dt.date(2026, 6, 15), reason="NHS England assurance", by=by
    )
    programme_services.risk_add(
        programme=p,
        title="Too few bidders in the rural zone",
        likelihood=4,
        impact=4,
        owner_name="Head of Commissioning",
        by=by,
    )
    programme_services.decision_record(
        programme=p,
        title="Route chosen",
        decision="Competitive flexible procedure",
        decided_on=dt.date(2026, 1, 10),
        decided_by="Joint Commissioning Board",
        by=by,
    )
    _activity(
        council,
        p,
        "Hoo workshop",
        "in_person",
        {"age_band": {"65_plus": 3, "50_64": 20, "35_49": 10}},
        published=True,
        by=by,
    )
    _activity(
        council,
        p,
        "Online survey",
        "digital",
        {"age_band": {"65_plus": 6, "25_34": 40, "not_provided": 2}},
        published=True,
        by=by,
    )
    _activity(
        council,
        p,
        "Carers' forum (not yet published)",
        "in_person",
        {"age_band": {"65_plus": 12}},
        published=False,
        by=by,
    )
    activity = p.engagement_activities.first()
    theme = Theme.objects.create(owner=council, name="Continuity of carers")
    items = [
        FeedbackItem.objects.create(activity=activity, text=f"Same carer {i}", received_on=AS_OF)
        for i in range(7)
    ]
    for item in items:
        item.themes.add(theme)
        item.themes_confirmed_at = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
        item.save()
    decision = p.decisions.first()
    published = Change.objects.create(
        programme=p,
        you_said="You want the same carers",
        we_did="Continuity is a KPI",
        theme=theme,
        decision=decision,
        published=True,
    )
    published.feedback.set(items[:3])
    Change.objects.create(
        programme=p, you_said="Secret draft", we_did="Not yet agreed", decision=decision
    )
    Procurement.objects.create(
        reference="PROC-HC-1",
        title="Home care zones",
        owner=council,
        programme=p,
        state="evaluation",
    )
    Procurement.objects.create(
        reference="PROC-HC-DRAFT", title="Draft lot", owner=council, programme=p, state="draft"
    )
    service, _ = ServiceLine.objects.get_or_create(name="Home care")
    contract = Contract.objects.create(
        reference="HC-2019-1",
        title="Home care Rochester",
        provider=provider_org,
        service=service,
        annual_value=Decimal("1000000"),
        whole_life_value=Decimal("5000000"),
        start_date=dt.date(2019, 11, 1),
        end_date=dt.date(2026, 10, 31),
        procurement_route="open",
    )
    ContractCommissioner.objects.create(contract=contract, organisation=council)
    p.contracts.add(contract)
    builtin_kpis_ensure()  # a transactional test before this one may have emptied them
    kpi = KpiDefinition.objects.order_by("code").first()
    # A visit KPI's result belongs to a zone (kpi_result_zone_or_return).
    zone = Zone.objects.create(owner=council, name="Rochester home care")
    KpiResult.objects.create(
        kpi=kpi,
        provider=provider_org,
        zone=zone,
        contract=contract,
        month=dt.date(2026, 5, 1),
        numerator=Decimal("90"),
        denominator=Decimal("100"),
        value=Decimal("90.0000"),
    )
    committee = Committee.objects.create(owner=council, name="Health Overview and Scrutiny")
    meeting = Meeting.objects.create(
        committee=committee, starts_at=dt.datetime(2026, 2, 1, 18, tzinfo=dt.UTC), status="held"
    )
    item = AgendaItem.objects.create(meeting=meeting, number=1, title="Home care", programme=p)
    CommitteeDecision.objects.create(
        item=item,
        kind="substantial_variation",
        text="The committee determined the proposal",
        is_substantial=False,
        reasons="Same services, same places",
        decided_on=dt.date(2026, 2, 1),
    )
    Action.objects.create(
        committee=committee,
        item=item,
        programme=p,
        description="Report back on rural bidders",
        owner_name="Head of Commissioning",
        due_on=dt.date(2026, 7, 1),
    )
    WorkProgrammeItem.objects.create(
        committee=committee,
        title="Home care: contract award",
        programme=p,
        planned_for=dt.date(2026, 9, 1),
    )
    Action.objects.create(
        committee=committee,
        programme=p,
        description="Closed action",
        owner_name="x",
        due_on=dt.date(2026, 3, 1),
        status="done",
        completed_on=dt.date(2026, 3, 1),
    )
    return p
