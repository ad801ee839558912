"""Read endpoints for engagement activities and a programme's reach, at /api/v1/engagement.
Scoped like the pages: what the caller may not see is 404."""

import datetime as dt

from django.http import Http404
from ninja import Router, Schema

from . import queries

router = Router()


class Problem(Schema):
    detail: str


class ActivityOut(Schema):
    id: int
    title: str
    kind: str
    channel: str
    starts_on: dt.date
    ends_on: dt.date | None
    place: str
    organiser: str
    owner: str
    programme_id: int | None
    published: bool
    participants: int


class GroupCount(Schema):
    group: str
    label: str
    count: int


class DimensionCountsOut(Schema):
    dimension: str
    label: str
    recorded: bool
    groups: list[GroupCount]


class ActivityDetail(ActivityOut):
    summary: str
    participation: list[DimensionCountsOut]


class GroupReachOut(Schema):
    group: str
    label: str
    participants: int
    population: int | None
    participant_share: float | None
    population_share: float | None
    ratio: float | None
    under_represented: bool
    outside_ages_served: bool


class DimensionReachOut(Schema):
    dimension: str
    label: str
    participants: int
    not_provided: int
    outside_ages_served: int
    population: int | None
    source: str
    note: str
    groups: list[GroupReachOut]


class ChannelReachOut(Schema):
    channel: str
    label: str
    participants: int
    under_represented: list[str]
    dimensions: list[DimensionReachOut]


class ReachOut(Schema):
    programme_id: int
    programme: str
    areas: list[str]
    youngest_age_served: int
    ages_served: str
    ages_note: str
    activities: int
    participants: int
    digital: int
    in_person: int
    under_represented: list[str]
    missing_population: list[str]
    dimensions: list[DimensionReachOut]
    channels: list[ChannelReachOut]


def _activity_out(a, participants: int) -> dict:
    return {
        "id": a.pk,
        "title": a.title,
        "kind": a.kind,
        "channel": a.channel,
        "starts_on": a.starts_on,
        "ends_on": a.ends_on,
        "place": a.place,
        "organiser": a.organiser,
        "owner": a.owner.name,
        "programme_id": a.programme_id,
        "published": a.published,
        "participants": participants,
    }


@router.get("/activities", response=list[ActivityOut], summary="Engagement activities you may see")
def activity_list(request, programme: int | None = None):
    chosen = None
    if programme is not None:
        chosen = queries.programme_for_reach(request.user, programme)
        if chosen is None:
            return []
    return [
        _activity_out(a, a.participants)
        for a in queries.activity_list(request.user, programme=chosen)
    ]


@router.get(
    "/activities/{activity_id}",
    response={200: ActivityDetail, 404: Problem},
    summary="An activity with its participation counts by dimension and group",
)
def activity_detail(request, activity_id: int):
    activity = queries.activity_for(request.user, activity_id)
    if activity is None:
        raise Http404("Not found")
    total, tables = queries.participation_table(activity)
    return {
        **_activity_out(activity, total),
        "summary": activity.summary,
        "participation": [
            {
                "dimension": t.code,
                "label": t.label,
                "recorded": t.recorded,
                "groups": [{"group": c, "label": lbl, "count": n} for c, lbl, n in t.rows],
            }
            for t in tables
        ],
    }


def _share(value):
    return None if value is None else round(float(value), 6)


@router.get(
    "/reach/{programme_id}",
    response={200: ReachOut, 404: Problem},
    summary="A programme's reach: participants by group against the population of its areas",
)
def programme_reach(request, programme_id: int):
    programme = queries.programme_for_reach(request.user, programme_id)
    if programme is None:
        raise Http404("Not found")
    reach = queries.programme_reach(programme)
    return {
        "programme_id": programme.pk,
        "programme": programme.name,
        "areas": [p.code for p in reach.places],
        "youngest_age_served": reach.youngest_age_served,
        "ages_served": programme.get_youngest_age_served_display(),
        "ages_note": reach.ages_note,
        "activities": reach.activity_count,
        "participants": reach.participants,
        "digital": reach.digital,
        "in_person": reach.in_person,
        "under_represented": reach.under_represented,
        "missing_population": reach.missing_population,
        "dimensions": [_dimension_out(d) for d in reach.dimensions],
        "channels": [
            {
                "channel": c.code,
                "label": c.label,
                "participants": c.participants,
                "under_represented": c.under_represented,
                "dimensions": [_dimension_out(d) for d in c.dimensions],
            }
            for c in reach.channels
        ],
    }


def _dimension_out(d) -> dict:
    return {
        "dimension": d.code,
        "label": d.label,
        "participants": d.participants,
        "not_provided": d.not_provided,
        "outside_ages_served": d.outside,
        "population": d.population,
        "source": d.source,
        "note": d.note,
        "groups": [
            {
                "group": r.group,
                "label": r.label,
                "participants": r.participants,
                "population": r.population,
                "participant_share": _share(r.participant_share),
                "population_share": _share(r.population_share),
                "ratio": _share(r.ratio),
                "under_represented": r.under_represented,
                "outside_ages_served": r.outside,
            }
            for r in d.rows
        ],
    }
