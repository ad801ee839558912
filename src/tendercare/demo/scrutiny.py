"""The demo's health scrutiny: Medway's committee, three meetings about the two programmes,
what it decided (including a substantial variation determination with reasons), the actions it
asked for (one overdue, one done), a declaration of interest, a work programme, and a published
committee update for the home care programme.

Names of members are invented for the demo."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from tendercare.organisations.models import User
from tendercare.programmes.models import Programme
from tendercare.scrutiny import report_services
from tendercare.scrutiny import services as scrutiny_services
from tendercare.scrutiny.models import Action, CommitteeDecision, Meeting, Member, Report


@dataclass
class ScrutinySummary:
    meetings: int = 0
    decisions: int = 0
    actions: int = 0
    reports: int = 0


MEMBERS = [
    ("Cllr Aisha Rahman", Member.Role.CHAIR),
    ("Cllr Tom Hollis", Member.Role.VICE_CHAIR),
    ("Cllr Bev Okafor", Member.Role.MEMBER),
    ("Cllr Gareth Lyle", Member.Role.MEMBER),
    ("Healthwatch Medway representative", Member.Role.CO_OPTED),
]


def _at(day: dt.date, hour: int = 18, minute: int = 30) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))


def _months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    return dt.date(year, month % 12 + 1, min(day.day, 28))


def build(*, as_of: dt.date, medway, icb) -> ScrutinySummary:
    summary = ScrutinySummary()
    officer = User.objects.get(username="commissioner")
    home = Programme.objects.get(owner=medway, name="Home care from November 2026")
    community = Programme.objects.get(owner=icb, name="Community services re-procurement")
    now = _at(as_of, 9, 0)

    committee = scrutiny_services.committee_create(
        owner=medway,
        name="Health and Adult Social Care Overview and Scrutiny Committee",
        remit="Reviews health services and adult social care for Medway residents, and is "
        "consulted on substantial developments or variations of the health service.",
        by=officer,
    )
    members = {
        name: scrutiny_services.member_add(
            committee=committee, name=name, role=role, since=dt.date(2024, 5, 22), by=officer
        )
        for name, role in MEMBERS
    }

    # Three meetings: two held, one to come.
    first_day, second_day, third_day = (
        _months(as_of, -8),
        _months(as_of, -3),
        _months(as_of, 2),
    )
    first = scrutiny_services.meeting_create(
        committee=committee,
        starts_at=_at(first_day),
        venue="Gun Wharf, Chatham",
        status=Meeting.Status.HELD,
        by=officer,
        now=now,
    )
    second = scrutiny_services.meeting_create(
        committee=committee,
        starts_at=_at(second_day),
        venue="Gun Wharf, Chatham",
        status=Meeting.Status.HELD,
        by=officer,
        now=now,
    )
    third = scrutiny_services.meeting_create(
        committee=committee,
        starts_at=_at(third_day),
        venue="Gun Wharf, Chatham",
        by=officer,
        now=now,
    )
    summary.meetings = 3

    community_item = scrutiny_services.agenda_item_add(
        meeting=first,
        title="Community health services re-procurement: proposals",
        programme=community,
        summary="The ICB's proposals to re-procure adult community health services by lot.",
        by=officer,
    )
    home_item = scrutiny_services.agenda_item_add(
        meeting=first,
        title="Home care from November 2026: zones and rates",
        programme=home,
        by=officer,
    )
    scrutiny_services.declaration_record(
        meeting=first,
        member=members["Cllr Gareth Lyle"],
        kind="registrable",
        interest="A close family member works for a home care provider in Medway.",
        item=home_item,
        left_the_room=False,
        by=officer,
    )
    decisions = [
        scrutiny_services.decision_record(
            item=community_item,
            kind=CommitteeDecision.Kind.SUBSTANTIAL_VARIATION,
            text="The committee determined that the proposals are not a substantial variation.",
            is_substantial=False,
            reasons="Services stay in the same places with the same access; the change is to "
            "who provides them and how teams are organised, not to what residents receive.",
            decided_on=first_day,
            by=officer,
        ),
        scrutiny_services.decision_record(
            item=home_item,
            kind=CommitteeDecision.Kind.NOTED,
            text="The committee noted the zone model and asked for engagement figures by group.",
            decided_on=first_day,
            by=officer,
        ),
    ]
    actions = [
        scrutiny_services.action_add(
            committee=committee,
            item=home_item,
            description="Provide ward-level data on home care hours to Cllr Okafor.",
            owner_name="Head of Adult Social Care Commissioning",
            due_on=_months(first_day, 1),
            by=officer,
        ),
        scrutiny_services.action_add(
            committee=committee,
            item=community_item,
            description="Circulate the revised milestones table for the community services "
            "re-procurement.",
            owner_name="ICB Director of Community Services",
            due_on=_months(first_day, 2),
            by=officer,
        ),
    ]
    scrutiny_services.action_update(
        action=actions[0],
        status=Action.Status.DONE,
        update="Sent to the member with a map of hours by ward.",
        completed_on=_months(first_day, 1),
        by=officer,
    )

    progress_item = scrutiny_services.agenda_item_add(
        meeting=second,
        title="Home care re-commissioning: engagement and award",
        programme=home,
        by=officer,
    )
    decisions.append(
        scrutiny_services.decision_record(
            item=progress_item,
            kind=CommitteeDecision.Kind.RECOMMENDATION,
            text="The committee recommended paper and telephone routes for the next survey, "
            "because few people aged 65 and over answered online.",
            decided_on=second_day,
            by=officer,
        )
    )
    actions.append(
        scrutiny_services.action_add(
            committee=committee,
            item=progress_item,
            description="Report the new providers' first three months of KPIs to the committee.",
            owner_name="Home Care Contract Manager",
            due_on=_months(third_day, 0),
            by=officer,
        )
    )
    summary.decisions = len(decisions)
    summary.actions = len(actions)

    scrutiny_services.work_programme_item_add(
        committee=committee,
        title="Home care: first months of the new contracts",
        planned_for=third_day,
        programme=home,
        by=officer,
    )
    scrutiny_services.work_programme_item_add(
        committee=committee,
        title="Community services: preferred provider and mobilisation",
        planned_for=_months(as_of, 5),
        programme=community,
        by=officer,
    )

    # The committee update for the home care programme, published for the public pages.
    report = report_services.report_publish(
        programme=home,
        kind=Report.Kind.COMMITTEE_UPDATE,
        as_of=as_of,
        by=officer,
        committee=committee,
    )
    scrutiny_services.agenda_item_add(
        meeting=third,
        title="Home care from November 2026: committee update",
        programme=home,
        summary=f"Report: {report.title}",
        by=officer,
    )
    summary.reports = 1
    return summary
