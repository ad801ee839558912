"""Services for themes, feedback and confirming themes (engagement/feedback.py), and the reads
theme_counts and the suggestions beside an item."""

import datetime as dt

import pytest

from tendercare.core.errors import DomainError, NotAllowed
from tendercare.core.models import AuditLog
from tendercare.engagement import feedback as services
from tendercare.engagement import queries
from tendercare.organisations.models import Organisation

from .test_feedback_support import *  # noqa: F403 - fixtures
from .test_feedback_support import make_activity

D = dt.date


def audits(obj):
    return AuditLog.objects.filter(
        object_type=f"engagement.{obj._meta.model_name}", object_id=str(obj.pk)
    )


# --- themes ---------------------------------------------------------------------------------


def test_theme_create_tidies_keywords_and_is_audited(council, commissioner):
    theme = services.theme_create(
        owner=council,
        name="  Timeliness ",
        description="Visits on time",
        keywords=" late   visits\n\nLate visits\nwaiting \n",
        by=commissioner,
    )
    assert theme.name == "Timeliness"
    assert theme.keywords == "late visits\nwaiting"
    assert audits(theme).filter(action="create").count() == 1


def test_theme_names_are_unique_per_owner_in_any_case(council, commissioner, timeliness):
    with pytest.raises(DomainError, match="already has a theme called"):
        services.theme_create(owner=council, name="TIMELINESS", by=commissioner)


def test_theme_needs_a_name(council, commissioner):
    with pytest.raises(DomainError, match="Enter the theme's name"):
        services.theme_create(owner=council, name="  ", by=commissioner)


def test_theme_refused_for_another_council_or_a_councillor(
    council, other_council, commissioner, councillor
):
    with pytest.raises(NotAllowed):
        services.theme_create(owner=other_council, name="Transport", by=commissioner)
    with pytest.raises(NotAllowed):
        services.theme_create(owner=council, name="Transport", by=councillor)


def test_theme_refused_for_a_provider_organisation(provider_org):
    with pytest.raises(DomainError, match="commissioning body"):
        services.theme_create(owner=provider_org, name="Transport")


def test_theme_update(timeliness, commissioner, councillor, staff):
    services.theme_update(
        theme=timeliness, name="Punctuality", keywords="late\nearly", by=commissioner
    )
    timeliness.refresh_from_db()
    assert (timeliness.name, timeliness.keywords) == ("Punctuality", "late\nearly")
    assert audits(timeliness).filter(action="update").count() == 1
    with pytest.raises(DomainError, match="already has a theme"):
        services.theme_update(theme=timeliness, name="staff", by=commissioner)
    with pytest.raises(NotAllowed):
        services.theme_update(theme=timeliness, name="X", by=councillor)
    # keeping its own name is fine
    services.theme_update(theme=timeliness, name="Punctuality", by=commissioner)


# --- feedback -------------------------------------------------------------------------------


def test_feedback_add_waits_for_confirmation(activity, commissioner):
    item = services.feedback_add(
        activity=activity, text=" Carers are late ", received_on=D(2026, 1, 12), by=commissioner
    )
    assert item.text == "Carers are late"
    assert item.themes_confirmed_at is None and item.themes_confirmed_by is None
    assert list(item.themes.all()) == []
    assert audits(item).filter(action="create").count() == 1


def test_feedback_add_with_themes_counts_as_confirmed(activity, commissioner, timeliness):
    item = services.feedback_add(
        activity=activity,
        text="Always waiting",
        received_on=D(2026, 1, 12),
        themes=[timeliness],
        by=commissioner,
    )
    assert list(item.themes.all()) == [timeliness]
    assert item.themes_confirmed_by == commissioner
    assert item.themes_confirmed_at is not None


def test_feedback_add_refusals(activity, commissioner, councillor, other_commissioner, other_theme):
    with pytest.raises(DomainError, match="Enter what the person said"):
        services.feedback_add(activity=activity, text="", received_on=D(2026, 1, 12))
    with pytest.raises(DomainError, match="before the activity started"):
        services.feedback_add(activity=activity, text="x", received_on=D(2025, 1, 1))
    with pytest.raises(DomainError, match="Enter the date"):
        services.feedback_add(activity=activity, text="x", received_on=None)
    with pytest.raises(NotAllowed):
        services.feedback_add(
            activity=activity, text="x", received_on=D(2026, 1, 12), by=councillor
        )
    with pytest.raises(NotAllowed):
        services.feedback_add(
            activity=activity, text="x", received_on=D(2026, 1, 12), by=other_commissioner
        )
    with pytest.raises(DomainError, match="not ones you can use here: Kent transport"):
        services.feedback_add(
            activity=activity,
            text="x",
            received_on=D(2026, 1, 12),
            themes=[other_theme],
            by=commissioner,
        )


def test_confirm_themes_records_who_and_when(item, commissioner, timeliness, staff):
    at = dt.datetime(2026, 1, 20, 10, 0, tzinfo=dt.UTC)
    services.feedback_confirm_themes(item=item, themes=[staff, timeliness], by=commissioner, at=at)
    item.refresh_from_db()
    assert set(item.themes.all()) == {staff, timeliness}
    assert item.themes_confirmed_by == commissioner
    assert item.themes_confirmed_at == at
    log = audits(item).get(action="update")
    assert log.summary == "Themes confirmed: Staff, Timeliness"
    assert log.before["themes"] == []
    # confirming again replaces; none is an answer too
    services.feedback_confirm_themes(item=item, themes=[], by=commissioner)
    assert list(item.themes.all()) == []
    assert audits(item).filter(summary="Themes confirmed: no theme fits").exists()


def test_confirm_themes_refusals(item, councillor, other_commissioner, commissioner, other_theme):
    with pytest.raises(NotAllowed):
        services.feedback_confirm_themes(item=item, themes=[], by=councillor)
    with pytest.raises(NotAllowed):
        services.feedback_confirm_themes(item=item, themes=[], by=other_commissioner)
    with pytest.raises(DomainError, match="not ones you can use"):
        services.feedback_confirm_themes(item=item, themes=[other_theme], by=commissioner)
    item.refresh_from_db()
    assert item.themes_confirmed_at is None


def test_themes_of_a_merged_predecessor_are_usable(council, commissioner, activity):
    """A theme kept by a body later merged into the council belongs to the same family."""
    old = Organisation.objects.create(name="Old CCG", kind=Organisation.Kind.CCG)
    theme = services.theme_create(owner=old, name="Continuity", keywords="same carer")
    old.merged_into, old.merged_on = council, D(2022, 7, 1)
    old.save()
    item = services.feedback_add(
        activity=activity, text="x", received_on=D(2026, 1, 12), themes=[theme], by=commissioner
    )
    assert list(item.themes.all()) == [theme]


def test_suggestions_for_an_item(item, timeliness, staff):
    found = services.suggestions_for(item, queries.themes_for_owner(None, item.activity.owner))
    assert [s.key for s in found] == [staff.pk, timeliness.pk]
    assert found[0].because == "mentions “carers”"


# --- reads ----------------------------------------------------------------------------------


def test_theme_counts_most_first(programme, activity, commissioner, timeliness, staff, council):
    for text, chosen in [
        ("late", [timeliness]),
        ("late and rude", [timeliness, staff]),
        ("waiting", [timeliness]),
        ("unconfirmed late", None),
    ]:
        services.feedback_add(
            activity=activity,
            text=text,
            received_on=D(2026, 1, 12),
            themes=chosen or (),
            by=commissioner,
        )
    elsewhere = make_activity(owner=council, programme=None, title="General forum")
    services.feedback_add(
        activity=elsewhere,
        text="x",
        received_on=D(2026, 1, 12),
        themes=[staff],
        by=commissioner,
    )
    assert queries.theme_counts(programme) == [("Timeliness", 3), ("Staff", 1)]


def test_feedback_list_is_scoped(
    item, other_activity, commissioner, other_commissioner, councillor
):
    services.feedback_add(activity=other_activity, text="Kent", received_on=D(2026, 1, 12))
    assert list(queries.feedback_list(commissioner)) == [item]
    assert list(queries.feedback_list(councillor)) == [item]
    assert [f.text for f in queries.feedback_list(other_commissioner)] == ["Kent"]


def test_providers_and_evaluators_see_no_feedback_or_themes(
    item, timeliness, provider_user, evaluator
):
    for user in (provider_user, evaluator):
        assert not queries.feedback_list(user).exists()
        assert not queries.theme_list(user).exists()


def test_theme_counts_published_only(programme, activity, commissioner, timeliness):
    services.feedback_add(
        activity=activity,
        text="late",
        received_on=D(2026, 1, 12),
        themes=[timeliness],
        by=commissioner,
    )
    assert queries.theme_counts(programme, published_only=True) == []
    activity.published = True
    activity.save()
    assert queries.theme_counts(programme, published_only=True) == [("Timeliness", 1)]
