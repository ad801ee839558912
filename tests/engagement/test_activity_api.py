"""Read API for activities and reach, scoped like the pages."""

import pytest

from tendercare.engagement import services

from .test_activity_support import load_sex, make_activity, make_geography, make_programme


@pytest.fixture
def world(council, commissioner, other_council, other_commissioner):
    place = make_geography()
    load_sex(place)
    programme = make_programme(council, commissioner, places=[place])
    activity = make_activity(council, commissioner, programme=programme, channel="digital")
    services.participation_set(
        activity=activity, dimension="sex", counts={"female": 8, "male": 2}, by=commissioner
    )
    theirs = make_activity(other_council, other_commissioner, title="Kent forum")
    return {"programme": programme, "activity": activity, "theirs": theirs}


def test_list_detail_and_reach(client, commissioner, world):
    client.force_login(commissioner)
    listing = client.get("/api/v1/engagement/activities").json()
    assert [a["title"] for a in listing] == ["Listening event"]
    assert listing[0]["participants"] == 10
    only = client.get(f"/api/v1/engagement/activities?programme={world['programme'].pk}").json()
    assert len(only) == 1
    detail = client.get(f"/api/v1/engagement/activities/{world['activity'].pk}").json()
    sex = next(d for d in detail["participation"] if d["dimension"] == "sex")
    assert {g["group"]: g["count"] for g in sex["groups"]} == {
        "female": 8,
        "male": 2,
        "not_provided": 0,
    }
    reach = client.get(f"/api/v1/engagement/reach/{world['programme'].pk}").json()
    assert (reach["participants"], reach["digital"], reach["in_person"]) == (10, 10, 0)
    assert reach["areas"] == ["E06000035"]
    men = next(
        g
        for d in reach["dimensions"]
        if d["dimension"] == "sex"
        for g in d["groups"]
        if g["group"] == "male"
    )
    assert men["participant_share"] == 0.2 and men["population_share"] == 0.49
    assert men["under_represented"]
    assert "men are 49% of residents and 20% of participants" in reach["under_represented"]


@pytest.mark.parametrize("who", ["other_commissioner", "provider_user", "evaluator"])
def test_out_of_scope_is_404(client, world, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"/api/v1/engagement/activities/{world['activity'].pk}").status_code == 404
    assert client.get(f"/api/v1/engagement/reach/{world['programme'].pk}").status_code == 404
    titles = [a["title"] for a in client.get("/api/v1/engagement/activities").json()]
    assert "Listening event" not in titles


def test_councillor_reads(client, councillor, world):
    client.force_login(councillor)
    assert client.get(f"/api/v1/engagement/reach/{world['programme'].pk}").status_code == 200


def test_anonymous_is_401(client, world):
    assert client.get("/api/v1/engagement/activities").status_code == 401
