"""Activity and participation services: rules, scoping of writes and the audit log."""

import datetime as dt

import pytest

from tendercare.core.errors import DomainError, NotAllowed
from tendercare.core.models import AuditLog
from tendercare.engagement import queries, services
from tendercare.engagement.models import Participation

from .test_activity_support import make_activity, make_programme


@pytest.fixture
def programme(council, commissioner):
    return make_programme(council, commissioner)


@pytest.fixture
def activity(council, commissioner, programme):
    return make_activity(council, commissioner, programme=programme)


def test_create_records_every_field_and_is_audited(activity, programme, commissioner):
    assert activity.programme == programme
    assert activity.created_by == commissioner
    assert activity.kind == "public_meeting" and activity.channel == "in_person"
    assert not activity.published
    log = AuditLog.objects.get(object_type="engagement.activity", object_id=str(activity.pk))
    assert log.action == AuditLog.Action.CREATE and log.user == commissioner


@pytest.mark.parametrize(
    "change,message",
    [
        ({"title": "  "}, "title"),
        ({"kind": "party"}, "type of activity"),
        ({"channel": "pigeon"}, "digital or in person"),
        ({"ends_on": dt.date(2026, 3, 1)}, "on or after"),
        ({"organiser": ""}, "organised"),
    ],
)
def test_create_refuses_what_does_not_make_sense(council, commissioner, change, message):
    values = {
        "owner": council,
        "title": "Forum",
        "kind": "forum",
        "channel": "in_person",
        "starts_on": dt.date(2026, 3, 4),
        "organiser": "Team",
        "by": commissioner,
        **change,
    }
    with pytest.raises(DomainError, match=message):
        services.activity_create(**values)


def test_another_councils_programme_cannot_be_linked(
    council, commissioner, other_council, other_commissioner
):
    theirs = make_programme(other_council, other_commissioner, name="Kent programme")
    with pytest.raises(DomainError, match="another organisation"):
        make_activity(council, commissioner, programme=theirs)


def test_councillor_and_other_council_cannot_write(
    activity, councillor, other_commissioner, council
):
    for user in (councillor, other_commissioner):
        with pytest.raises(NotAllowed):
            services.activity_publish(activity=activity, by=user)
        with pytest.raises(NotAllowed):
            services.participation_set(
                activity=activity, dimension="sex", counts={"female": 1}, by=user
            )
    with pytest.raises(NotAllowed):
        make_activity(council, councillor)


def test_update_and_publish_are_audited(activity, commissioner):
    services.activity_update(
        activity=activity,
        title="Listening event, Chatham",
        kind="workshop",
        channel="digital",
        starts_on=dt.date(2026, 3, 5),
        organiser="Healthwatch",
        by=commissioner,
    )
    activity.refresh_from_db()
    assert activity.title == "Listening event, Chatham" and activity.channel == "digital"
    assert activity.programme is None  # the form sends every field; none means unlinked
    services.activity_publish(activity=activity, by=commissioner)
    activity.refresh_from_db()
    assert activity.published
    services.activity_unpublish(activity=activity, by=commissioner)
    activity.refresh_from_db()
    assert not activity.published
    summaries = list(
        AuditLog.objects.filter(object_id=str(activity.pk), object_type="engagement.activity")
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert summaries[1:] == [
        "Engagement activity changed",
        "Published on the public pages",
        "Taken off the public pages",
    ]


def test_the_first_dimension_sets_the_total_and_others_must_match(activity, commissioner):
    services.participation_set(
        activity=activity,
        dimension="sex",
        counts={"female": 30, "male": 20, "not_provided": 10},
        by=commissioner,
    )
    with pytest.raises(DomainError) as refused:
        services.participation_set(
            activity=activity, dimension="age_band", counts={"65_plus": 59}, by=commissioner
        )
    assert "Age adds up to 59 but this activity has 60 participants" in refused.value.message
    assert not Participation.objects.filter(activity=activity, dimension="age_band").exists()
    services.participation_set(
        activity=activity,
        dimension="age_band",
        counts={"65_plus": 50, "not_provided": 10},
        by=commissioner,
    )
    # a dimension may be replaced as long as it still adds up
    services.participation_set(
        activity=activity, dimension="sex", counts={"female": 60}, by=commissioner
    )
    total, tables = queries.participation_table(activity)
    assert total == 60
    by_code = {t.code: t for t in tables}
    assert {c: n for c, _, n in by_code["sex"].rows}["female"] == 60
    assert not by_code["carer"].recorded
    assert {c: n for c, _, n in by_code["carer"].rows}["not_provided"] == 60
    assert (
        AuditLog.objects.filter(
            object_id=str(activity.pk), summary__startswith="Participation by"
        ).count()
        == 3
    )


@pytest.mark.parametrize(
    "dimension,counts,message",
    [
        ("shoe_size", {"9": 1}, "not a participation dimension"),
        ("sex", {"other": 1}, "not a group of Sex"),
        ("sex", {"female": -1}, "0 or more"),
        ("sex", {"female": "lots"}, "0 or more"),
        ("sex", {"female": True}, "0 or more"),
    ],
)
def test_bad_counts_are_refused(activity, commissioner, dimension, counts, message):
    with pytest.raises(DomainError, match=message):
        services.participation_set(
            activity=activity, dimension=dimension, counts=counts, by=commissioner
        )


def test_clearing_allows_a_new_total(activity, commissioner):
    services.participation_set(
        activity=activity, dimension="sex", counts={"female": 3}, by=commissioner
    )
    services.participation_clear(activity=activity, by=commissioner)
    services.participation_set(
        activity=activity, dimension="age_band", counts={"16_24": 8}, by=commissioner
    )
    assert queries.participation_table(activity)[0] == 8


def test_adding_keeps_every_dimension_at_one_total(activity, commissioner):
    services.participation_set(
        activity=activity, dimension="sex", counts={"female": 4, "male": 1}, by=commissioner
    )
    services.participation_add(
        activity=activity,
        counts={"sex": {"male": 2}, "carer": {"carer": 2}},
        by=commissioner,
    )
    recorded = queries.participation_recorded(activity)
    assert recorded["sex"] == {"female": 4, "male": 3}
    # carers: 2 added; the 5 earlier people did not say
    assert recorded["carer"] == {"carer": 2, "not_provided": 5}
    assert {sum(g.values()) for g in recorded.values()} == {7}
