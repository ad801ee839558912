"""The demo's engagement: activities for both programmes, who took part, feedback with its
themes, and what changed because of it.

Two activities tell the story a scrutiny committee asks about: the community programme's
provider workshop is dominated by professionals, and the home care survey, online only, reached
few people aged 65 and over, who are the people home care serves. The survey goes through the
real import (a CSV of respondents with real Medway postcodes), so its deprivation quintiles come
from the postcode directory. Counts are made up for the demo; the population they are compared
with is Census 2021 (the loaded LSOAs).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass

from tendercare.engagement import feedback as feedback_services
from tendercare.engagement import services
from tendercare.engagement.models import Activity, ActivityKind, Channel
from tendercare.geography.models import Place, Postcode
from tendercare.organisations.models import User
from tendercare.performance.models import KpiSchedule
from tendercare.procurement.models import Requirement
from tendercare.programmes.models import AgesServed, Decision, Programme

from .procurements import COMMUNITY_REFERENCE, HOME_CARE_REFERENCE

MEDWAY_CODE = "E06000035"


@dataclass
class EngagementSummary:
    activities: int = 0
    participants: int = 0
    feedback: int = 0
    changes: int = 0


THEMES = [
    ("Rushed visits", "Visits cut short or carers in a hurry", "rushed\nshort visit\nin a hurry"),
    ("Travel time", "Carers not paid or given time to travel", "travel\nmileage\nfuel\ndriving"),
    ("Same carers", "Seeing the same carers (continuity)", "same carer\nstrangers\ncontinuity"),
    ("Rural access", "Reaching villages and the peninsula", "rural\nvillage\npeninsula\nhoo"),
    ("Information sharing", "Telling the story once", "care record\nrepeat\nsharing"),
    ("Digital exclusion", "People who cannot take part online", "online\ninternet\npaper"),
]

SURVEY_FEEDBACK = [
    "My mum's carers are always rushed and the visit is often a short visit.",
    "Carers are not paid for travel so they cut visits short to get to the next one.",
    "We see strangers every week; please send the same carer.",
    "Hard to get a carer out to our village on the peninsula.",
    "I had to repeat everything to every nurse; share the care record.",
    "My father has no internet; a paper survey would have reached him.",
    "Mileage and fuel costs are driving carers out of the job.",
]


def build(*, as_of: dt.date, medway, icb, rng: random.Random) -> EngagementSummary:
    summary = EngagementSummary()
    council_lead = User.objects.get(username="commissioner")
    icb_lead = User.objects.get(username="icb.commissioner")
    home = Programme.objects.get(owner=medway, name="Home care from November 2026")
    community = Programme.objects.get(owner=icb, name="Community services re-procurement")

    themes = {
        name: feedback_services.theme_create(
            owner=medway, name=name, description=description, keywords=keywords, by=council_lead
        )
        for name, description, keywords in THEMES
    }
    icb_themes = {
        name: feedback_services.theme_create(
            owner=icb, name=name, description=description, keywords=keywords, by=icb_lead
        )
        for name, description, keywords in THEMES
    }

    # Home care: a drop-in forum, a carers' focus group and an online survey.
    forum = _activity(
        owner=medway,
        programme=home,
        title="Home care drop-in, Gillingham library",
        kind=ActivityKind.PUBLIC_MEETING,
        channel=Channel.IN_PERSON,
        starts_on=dt.date(2025, 6, 12),
        place="Gillingham Library, High Street, Gillingham",
        organiser="Medway Council adult social care commissioning",
        by=council_lead,
    )
    _counts(
        forum,
        {
            "age_band": {"35_49": 4, "50_64": 9, "65_plus": 21, "not_provided": 2},
            "sex": {"female": 22, "male": 12, "not_provided": 2},
            "participant_type": {"public": 33, "professional": 3},
            "carer": {"carer": 14, "not_carer": 19, "not_provided": 3},
        },
        council_lead,
    )
    focus = _activity(
        owner=medway,
        programme=home,
        title="Family carers' focus group",
        kind=ActivityKind.FOCUS_GROUP,
        channel=Channel.IN_PERSON,
        starts_on=dt.date(2025, 7, 3),
        place="Medway Carers' Centre, Chatham",
        organiser="Medway Carers' Centre with the council",
        by=council_lead,
    )
    _counts(
        focus,
        {
            "age_band": {"50_64": 5, "65_plus": 6, "not_provided": 1},
            "participant_type": {"public": 12},
            "carer": {"carer": 12},
        },
        council_lead,
    )
    survey = _activity(
        owner=medway,
        programme=home,
        title="Home care survey (online)",
        kind=ActivityKind.SURVEY,
        channel=Channel.DIGITAL,
        starts_on=dt.date(2025, 5, 1),
        ends_on=dt.date(2025, 6, 30),
        place="Medway Council consultation portal",
        organiser="Medway Council adult social care commissioning",
        by=council_lead,
    )
    result = services.survey_import(
        activity=survey,
        file=_survey_csv(rng),
        filename="home-care-survey-2025.csv",
        received_on=dt.date(2025, 6, 30),
        by=council_lead,
    )
    if not result.ok:  # the demo's own file: a failure here is a bug in the generator
        raise RuntimeError(f"demo survey refused: {result.errors[:3]}")

    # Community services: a provider workshop (mostly professionals) and a public forum.
    workshop = _activity(
        owner=icb,
        programme=community,
        title="Neighbourhood teams design workshop",
        kind=ActivityKind.WORKSHOP,
        channel=Channel.IN_PERSON,
        starts_on=_months(as_of, -9),
        place="Kent Event Centre, Detling",
        organiser="Kent and Medway ICB community services team",
        by=icb_lead,
    )
    _counts(
        workshop,
        {
            "participant_type": {"professional": 41, "public": 3},
            "age_band": {"25_34": 8, "35_49": 19, "50_64": 14, "65_plus": 2, "not_provided": 1},
        },
        icb_lead,
    )
    online = _activity(
        owner=icb,
        programme=community,
        title="Community services online listening event",
        kind=ActivityKind.ONLINE,
        channel=Channel.DIGITAL,
        starts_on=_months(as_of, -8),
        place="Microsoft Teams",
        organiser="Kent and Medway ICB engagement team",
        by=icb_lead,
    )
    _counts(
        online,
        {
            "participant_type": {"public": 17, "professional": 6},
            "age_band": {"25_34": 5, "35_49": 7, "50_64": 8, "65_plus": 3},
            "disability": {"disabled": 6, "not_disabled": 15, "not_provided": 2},
        },
        icb_lead,
    )
    activities = [forum, focus, survey, workshop, online]
    for activity in activities:
        services.activity_publish(activity=activity, by=activity.created_by)

    # Feedback from the meetings (the survey's came with its import), themes confirmed.
    spoken = [
        (forum, "Carers never have time to talk; every visit feels rushed."),
        (forum, "Please pay carers for travel, they drive between every visit."),
        (focus, "We want the same carer, not strangers every week."),
        (focus, "Out on the Hoo peninsula nobody will take the package."),
        (workshop, "Share the care record so teams stop asking people to repeat themselves."),
        (online, "An online-only event misses people without internet; offer paper."),
    ]
    for activity, text in spoken:
        feedback_services.feedback_add(
            activity=activity, text=text, received_on=activity.starts_on, by=activity.created_by
        )
    for activity in activities:
        theme_set = icb_themes if activity.owner_id == icb.pk else themes
        for item in activity.feedback.all():
            by_pk = {t.pk: t for t in theme_set.values()}
            suggested = feedback_services.suggestions_for(item, theme_set.values())
            feedback_services.feedback_confirm_themes(
                item=item, themes=[by_pk[s.key] for s in suggested[:2]], by=activity.created_by
            )
            summary.feedback += 1

    summary.changes += _changes(home, community, themes, icb_themes, council_lead, icb_lead)
    summary.activities = len(activities)
    summary.participants = sum(_total(a) for a in activities)
    services_places(home, community, council_lead, icb_lead)
    # Home care is for adults: its reach compares age with residents aged 16 and over (the
    # Census bands have no 18; 16 to 24 is one band), so children are not named as missed.
    services.programme_set_ages_served(
        programme=home, youngest_age=AgesServed.FROM_16, by=council_lead
    )
    return summary


def services_places(home, community, council_lead, icb_lead) -> None:
    from tendercare.programmes import services as programme_services

    # Without the geography (the quick test build) the area is a bare row; with it, the loaded
    # place with its LSOAs and Census 2021 population.
    Place.objects.get_or_create(code=MEDWAY_CODE, defaults={"name": "Medway"})
    medway_place = Place.objects.filter(code=MEDWAY_CODE)
    programme_services.programme_set_places(programme=home, places=medway_place, by=council_lead)
    programme_services.programme_set_places(programme=community, places=medway_place, by=icb_lead)


def _changes(home, community, themes, icb_themes, council_lead, icb_lead) -> int:
    home_reqs = {
        r.code: r for r in Requirement.objects.filter(procurement__reference=HOME_CARE_REFERENCE)
    }
    community_reqs = {
        r.code: r for r in Requirement.objects.filter(procurement__reference=COMMUNITY_REFERENCE)
    }
    punctuality = (
        KpiSchedule.objects.filter(
            kpi__code="punctuality", contract__shares__organisation=home.owner
        )
        .order_by("-contract__start_date", "pk")
        .first()
    )
    zones = Decision.objects.filter(programme=home, title__startswith="Zones").first()
    made = []

    def feedback_on(programme, theme):
        return [f for f in theme.feedback.all() if f.activity.programme_id == programme.pk]

    made.append(
        feedback_services.change_create(
            programme=home,
            you_said="Carers are not paid for travel, so visits are cut short.",
            we_did="The specification requires electronic call monitoring of every visit and "
            "paid travel time, and the contract's KPIs compare paid travel with what the cost "
            "model expects.",
            theme=themes["Travel time"],
            feedback=feedback_on(home, themes["Travel time"]),
            requirement=home_reqs.get("R2"),
            by=council_lead,
        )
    )
    if punctuality is not None:
        made.append(
            feedback_services.change_create(
                programme=home,
                you_said="Visits are rushed and carers arrive late.",
                we_did="Every home care contract now has a punctuality KPI (start within 15 "
                "minutes, 30 for time-critical visits) with payment adjustments.",
                theme=themes["Rushed visits"],
                feedback=feedback_on(home, themes["Rushed visits"]),
                kpi_schedule=punctuality,
                by=council_lead,
            )
        )
    if zones is not None:
        made.append(
            feedback_services.change_create(
                programme=home,
                you_said="Nobody will take packages in the villages and on the Hoo peninsula.",
                we_did="Home care is bought by zone, with a prime provider in each zone, the "
                "peninsula its own zone, and a higher rural rate.",
                theme=themes["Rural access"],
                feedback=feedback_on(home, themes["Rural access"]),
                decision=zones,
                by=council_lead,
            )
        )
    made.append(
        feedback_services.change_create(
            programme=community,
            you_said="People have to tell their story again to every team.",
            we_did="The specification requires every provider to read from and write to the "
            "shared care record.",
            theme=icb_themes["Information sharing"],
            feedback=feedback_on(community, icb_themes["Information sharing"]),
            requirement=community_reqs.get("R3"),
            by=icb_lead,
        )
    )
    for change in made:
        feedback_services.change_publish(change=change, by=change.created_by)
    return len(made)


def _total(activity: Activity) -> int:
    counts = services.recorded_counts(activity)
    return max((sum(groups.values()) for groups in counts.values()), default=0)


def _activity(*, owner, by, **values) -> Activity:
    return services.activity_create(owner=owner, by=by, **values)


def _counts(activity: Activity, counts: dict[str, dict[str, int]], by) -> None:
    for dimension, groups in counts.items():
        services.participation_set(activity=activity, dimension=dimension, counts=groups, by=by)


# Mostly working-age people online; few aged 65 and over (the story the reach page tells).
SURVEY_AGES = [(18, 24, 6), (25, 34, 14), (35, 49, 31), (50, 64, 27), (65, 84, 7)]


def _survey_csv(rng: random.Random) -> io.BytesIO:
    postcodes = list(
        Postcode.objects.filter(lsoa__place_id=MEDWAY_CODE)
        .order_by("code")
        .values_list("pcds", flat=True)[:4000]
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "age",
            "sex",
            "ethnic_group",
            "disability",
            "carer",
            "postcode",
            "taking_part_as",
            "feedback",
        ]
    )
    bands = [band for band in SURVEY_AGES for _ in range(band[2])]
    for index in range(len(bands)):
        low, high, _ = bands[index]
        writer.writerow(
            [
                rng.randint(low, high),
                rng.choice(["female", "female", "male", "prefer not to say"]),
                rng.choices(["white", "asian", "black", "mixed", "other", ""], [84, 6, 5, 3, 1, 1])[
                    0
                ],
                rng.choice(["yes", "no", "no", "no", ""]),
                rng.choice(["yes", "no", "no"]),
                rng.choice(postcodes) if postcodes and rng.random() < 0.9 else "",
                rng.choice(["public"] * 9 + ["professional"]),
                SURVEY_FEEDBACK[index % len(SURVEY_FEEDBACK)] if index % 6 == 0 else "",
            ]
        )
    return io.BytesIO(out.getvalue().encode())


def _months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    return dt.date(year, month % 12 + 1, 1)
