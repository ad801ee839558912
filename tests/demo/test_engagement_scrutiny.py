"""The demo's engagement and scrutiny tell the story the README promises: a professional-heavy
workshop, an online survey that missed older people, feedback traced to what changed, and a
committee with three meetings, decisions, actions and a published report."""

import datetime as dt

import pytest

from tendercare.demo import county
from tendercare.engagement import queries as engagement_queries
from tendercare.engagement.models import Activity, Change
from tendercare.programmes.models import Programme
from tendercare.scrutiny.models import Action, CommitteeDecision, Meeting, Report

AS_OF = dt.date(2026, 11, 23)


@pytest.fixture
def demo(db):
    return county.build(as_of=AS_OF, with_geography=False)


def counts(activity: Activity, dimension: str) -> dict[str, int]:
    return {p.group: p.count for p in activity.participation.filter(dimension=dimension)}


def test_engagement_for_both_programmes(demo):
    assert demo.engagement.activities == 5
    home = Programme.objects.get(ref="MED-HOMECARE-2026")
    community = Programme.objects.get(ref="KMICB-COMMUNITY-2026")
    assert home.engagement_activities.count() == 3
    assert community.engagement_activities.count() == 2

    workshop = community.engagement_activities.get(kind="workshop")
    types = counts(workshop, "participant_type")
    assert types["professional"] > 10 * types["public"]

    survey = home.engagement_activities.get(kind="survey", channel="digital")
    ages = counts(survey, "age_band")
    total = sum(ages.values())
    assert total == 85 and ages["65_plus"] / total < 0.1
    assert survey.feedback.count() > 0


def test_adult_home_care_compares_age_with_adults_only(demo):
    from tendercare.core.models import AuditLog
    from tendercare.programmes.models import AgesServed

    home = Programme.objects.get(ref="MED-HOMECARE-2026")
    community = Programme.objects.get(ref="KMICB-COMMUNITY-2026")
    assert home.youngest_age_served == AgesServed.FROM_16
    assert community.youngest_age_served == AgesServed.ALL_AGES
    log = AuditLog.objects.filter(
        object_type="programmes.programme", object_id=str(home.pk), summary__contains="16 and over"
    ).get()
    assert log.user.username == "commissioner"
    reach = engagement_queries.programme_reach(home)
    assert "residents aged 16 and over" in reach.ages_note
    assert not any("15 and under" in s for s in reach.under_represented)
    digital = next(c for c in reach.channels if c.code == "digital")
    assert digital.participants == 85


def test_feedback_is_traced_to_what_changed(demo):
    changes = list(Change.objects.all())
    assert len(changes) == demo.engagement.changes == 4
    assert any(c.requirement_id for c in changes)
    assert any(c.kpi_schedule_id for c in changes)
    assert any(c.decision_id for c in changes)
    assert all(c.published and c.feedback.exists() for c in changes)
    home = Programme.objects.get(ref="MED-HOMECARE-2026")
    assert len(engagement_queries.you_said_we_did(home, published_only=True)) == 3


def test_a_committee_with_three_meetings_decisions_actions_and_a_report(demo):
    assert Meeting.objects.count() == 3
    assert Meeting.objects.filter(status=Meeting.Status.HELD).count() == 2
    determination = CommitteeDecision.objects.get(kind="substantial_variation")
    assert determination.is_substantial is False and determination.reasons
    assert Action.objects.filter(status=Action.Status.DONE).count() == 1
    assert Action.objects.exclude(status=Action.Status.DONE).count() == 2
    report = Report.objects.get()
    assert report.status == Report.Status.PUBLISHED and report.programme.ref == "MED-HOMECARE-2026"
    assert report.html and report.pdf
