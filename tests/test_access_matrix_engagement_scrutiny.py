"""Who can reach what in engagement, scrutiny and the public pages: every page under
/engagement/, /scrutiny/ and /public/ and every route under /api/v1/engagement and
/api/v1/scrutiny, tried by every kind of person, by GET and by POST (an empty form).

Endpoints are read from the URL configuration and the API routers, so a new endpoint without
an expectation here fails test_every_endpoint_has_an_expectation.

Outcomes: 200 (may see; for an empty POST to a form that answers 200, the form comes back with
its errors), 302 (anonymous: sign in first; signed in: done, or sent back to a page), 400 (may
act, but the empty form is refused), 403 (may see but not change: councillors), 404 (not
theirs: its existence is not confirmed), 405 (wrong method), 401 (API: sign in first, except
the public endpoints). Public pages are 200 for everyone when what they show
is published and 404 when it is not (test_unpublished_things_are_not_found_in_public).

For every 200 the body is searched for what that person must not see: another council's
activity titles and committee, unpublished change text and unpublished activity titles (for
people outside the owner's family), and on every /public/ page, for everyone, anything that is
not published.

The world is built once per module through the services (activities with participation and a
survey import, feedback with confirmed themes, a published and an unpublished change, a
committee with a member, a held meeting, an agenda item, a decision, an action, a declaration
and a work programme item, a published committee update and a draft report); each request runs
in a savepoint that is rolled back, so posts that change things do not leak.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tendercare.engagement import feedback as feedback_services
from tendercare.engagement import services as engagement_services
from tendercare.engagement.models import ActivityKind, Channel
from tendercare.organisations.models import Role
from tendercare.programmes import services as programme_services
from tendercare.scrutiny import report_services
from tendercare.scrutiny import services as scrutiny_services
from tendercare.scrutiny.models import CommitteeDecision, Meeting, Member, Report
from tests import access_matrix_support as support
from tests.engagement.test_activity_support import load_sex, make_geography
from tests.factories import CommissionerOrgFactory, ProviderOrgFactory, UserFactory

# Names and texts unique in the whole world, searched for in every answer.
MEDWAY, KENT, ALPHA = "Medway Council", "Kent County Council", "Alpha Care Ltd"
HOME_REF, HIDDEN_REF, KENT_REF = "MED-HC-2026", "MED-QUIET-2026", "KENT-CS-2026"
HOME_NAME, QUIET_NAME = "Home care from November 2026", "Quiet Medway planning programme"
KENT_NAME = "Kent community services"
DROP_IN = "Gillingham library drop-in"
SURVEY = "Home care survey online"
UNPUBLISHED_ACTIVITY = "Carers forum not yet published"
QUIET_ACTIVITY = "Quiet programme planning workshop"
KENT_ACTIVITY = "Kent Weald listening event"
KENT_DRAFT_ACTIVITY = "Kent Weald draft workshop"
PUBLISHED_CHANGE = "You asked for the same carers every week"
UNPUBLISHED_CHANGE = "Secret draft about carer rotas"
UNPUBLISHED_WE_DID = "Not yet agreed by the board"
KENT_CHANGE = "Kent residents asked for evening visits"
MEDWAY_COMMITTEE = "Medway Health Overview and Scrutiny Committee"
KENT_COMMITTEE = "Kent Health Scrutiny Committee"
ACTION_TEXT = "Provide ward-level data on home care hours"
DECLARATION_TEXT = "A close family member works for a home care provider"
WORK_ITEM = "Home care first months of the new contracts"
DRAFT_REPORT = "Draft committee update not for the public"
AS_OF = dt.date(2026, 6, 30)

SURVEY_FILE = "\n".join(
    [
        "age,sex,ethnic_group,disability,carer,postcode,taking_part_as,feedback",
        '72,F,White,yes,no,ME1 1AA,public,"Carers are always rushed, visits too short"',
        "34,male,Asian,no,yes,me4 4tr,professional,",
        "81,female,White,yes,no,ME1 1AA,public,Please send the same carer every week",
        "45,female,Black,no,yes,ME4 4TR,public,",
        "67,male,White,no,no,ME1 1AA,public,",
        "29,female,Mixed,no,no,ME2 2BB,public,",
    ]
)

ROLES = [
    None,  # the anonymous visitor
    "commissioner",  # Medway: owns the programme, engagement and committee
    "lead",  # Medway procurement lead
    "manager",  # Medway contract manager (commissioning staff who may edit the register)
    "admin",  # Medway administrator
    "councillor",  # Medway councillor: reads, never writes
    "evaluator",  # Medway evaluator: nothing here
    "provider",  # a provider user: nothing here
    "kent",  # a commissioner of another council
]
USERS = {
    "commissioner": (Role.COMMISSIONER, "medway"),
    "lead": (Role.PROCUREMENT_LEAD, "medway"),
    "manager": (Role.CONTRACT_MANAGER, "medway"),
    "admin": (Role.ADMINISTRATOR, "medway"),
    "councillor": (Role.COUNCILLOR, "medway"),
    "evaluator": (Role.EVALUATOR, "medway"),
    "provider": (Role.PROVIDER, "alpha"),
    "kent": (Role.COMMISSIONER, "kent"),
}


def _activity(owner, programme, title, channel, *, by, counts=None, published=False):
    activity = engagement_services.activity_create(
        owner=owner,
        programme=programme,
        title=title,
        kind=ActivityKind.PUBLIC_MEETING if channel == Channel.IN_PERSON else ActivityKind.SURVEY,
        channel=channel,
        starts_on=dt.date(2026, 3, 4),
        ends_on=dt.date(2026, 3, 31),
        place="Gillingham Library, High Street",
        organiser="Adult social care commissioning",
        by=by,
    )
    for dimension, groups in (counts or {}).items():
        engagement_services.participation_set(
            activity=activity, dimension=dimension, counts=groups, by=by
        )
    if published:
        engagement_services.activity_publish(activity=activity, by=by)
    return activity


def _committee(owner, name, programme, *, by):
    committee = scrutiny_services.committee_create(
        owner=owner, name=name, remit="Reviews health services and adult social care", by=by
    )
    member = scrutiny_services.member_add(
        committee=committee,
        name=f"Cllr Chair of {name}",
        role=Member.Role.CHAIR,
        since=dt.date(2024, 5, 22),
        by=by,
    )
    meeting = scrutiny_services.meeting_create(
        committee=committee,
        starts_at=timezone.make_aware(dt.datetime(2026, 2, 3, 18, 30)),
        venue="Gun Wharf, Chatham",
        status=Meeting.Status.HELD,
        by=by,
        now=timezone.make_aware(dt.datetime(2026, 6, 30, 9, 0)),
    )
    return committee, member, meeting


def build_world() -> dict:
    """Medway's home care programme with engagement, feedback, changes, a committee and
    reports; a quiet Medway programme with nothing published; Kent's own programme, activity,
    change and committee."""
    place = make_geography()
    load_sex(place)
    orgs = {
        "medway": CommissionerOrgFactory(name=MEDWAY),
        "kent": CommissionerOrgFactory(name=KENT),
        "alpha": ProviderOrgFactory(name=ALPHA, ods_code="ALP01"),
    }
    users = {
        name: UserFactory(username=name, role=role, organisation=orgs[org])
        for name, (role, org) in USERS.items()
    }
    medway, kent, by = orgs["medway"], orgs["kent"], users["commissioner"]

    home = programme_services.programme_create(owner=medway, name=HOME_NAME, ref=HOME_REF, by=by)
    programme_services.programme_set_places(programme=home, places=[place], by=by)
    quiet = programme_services.programme_create(
        owner=medway, name=QUIET_NAME, ref=HIDDEN_REF, by=by
    )
    kent_programme = programme_services.programme_create(
        owner=kent, name=KENT_NAME, ref=KENT_REF, by=users["kent"]
    )

    drop_in = _activity(
        medway,
        home,
        DROP_IN,
        Channel.IN_PERSON,
        by=by,
        counts={
            "age_band": {"35_49": 6, "50_64": 9, "65_plus": 21},
            "participant_type": {"public": 33, "professional": 3},
        },
        published=True,
    )
    survey = _activity(medway, home, SURVEY, Channel.DIGITAL, by=by)
    imported = engagement_services.survey_import(
        activity=survey,
        file=io.BytesIO(SURVEY_FILE.encode()),
        filename="home-care-survey.csv",
        received_on=dt.date(2026, 3, 31),
        by=by,
    )
    assert imported.ok, imported.errors
    engagement_services.activity_publish(activity=survey, by=by)
    unpublished = _activity(
        medway,
        home,
        UNPUBLISHED_ACTIVITY,
        Channel.IN_PERSON,
        by=by,
        counts={"age_band": {"65_plus": 12}},
    )
    _activity(medway, quiet, QUIET_ACTIVITY, Channel.IN_PERSON, by=by)
    kent_activity = _activity(
        kent,
        kent_programme,
        KENT_ACTIVITY,
        Channel.IN_PERSON,
        by=users["kent"],
        counts={"age_band": {"50_64": 8, "65_plus": 9}},
        published=True,
    )
    kent_draft = _activity(
        kent, kent_programme, KENT_DRAFT_ACTIVITY, Channel.DIGITAL, by=users["kent"]
    )

    continuity = feedback_services.theme_create(
        owner=medway, name="Continuity of carers", keywords="same carer\nstrangers", by=by
    )
    rushed = feedback_services.theme_create(
        owner=medway, name="Rushed visits", keywords="rushed\nshort", by=by
    )
    spoken = feedback_services.feedback_add(
        activity=drop_in,
        text="We see strangers every week; please send the same carer.",
        received_on=dt.date(2026, 3, 4),
        by=by,
    )
    for item in [spoken, *survey.feedback.all()]:
        suggested = feedback_services.suggestions_for(item, [continuity, rushed])
        chosen = {s.key for s in suggested} or {continuity.pk}
        feedback_services.feedback_confirm_themes(
            item=item, themes=[t for t in (continuity, rushed) if t.pk in chosen], by=by
        )
    zones = programme_services.decision_record(
        programme=home,
        title="Zones and a prime provider in each",
        decision="Buy home care by zone",
        decided_on=dt.date(2026, 1, 10),
        decided_by="Joint Commissioning Board",
        by=by,
    )
    kent_decision = programme_services.decision_record(
        programme=kent_programme,
        title="Evening visits reviewed",
        decision="Review evening visits",
        decided_on=dt.date(2026, 1, 12),
        decided_by="Kent Commissioning Board",
        by=users["kent"],
    )
    published_change = feedback_services.change_create(
        programme=home,
        you_said=PUBLISHED_CHANGE,
        we_did="Continuity of carers is a KPI in every new contract.",
        theme=continuity,
        feedback=list(continuity.feedback.all()),
        decision=zones,
        by=by,
    )
    feedback_services.change_publish(change=published_change, by=by)
    unpublished_change = feedback_services.change_create(
        programme=home,
        you_said=UNPUBLISHED_CHANGE,
        we_did=UNPUBLISHED_WE_DID,
        theme=rushed,
        decision=zones,
        by=by,
    )
    kent_theme = feedback_services.theme_create(
        owner=kent, name="Kent evening visits", by=users["kent"]
    )
    kent_change = feedback_services.change_create(
        programme=kent_programme,
        you_said=KENT_CHANGE,
        we_did="Kent is looking at it.",
        theme=kent_theme,
        decision=kent_decision,
        by=users["kent"],
    )

    committee, member, meeting = _committee(medway, MEDWAY_COMMITTEE, home, by=by)
    item = scrutiny_services.agenda_item_add(
        meeting=meeting, title="Home care zones and rates", programme=home, by=by
    )
    decision = scrutiny_services.decision_record(
        item=item,
        kind=CommitteeDecision.Kind.NOTED,
        text="The committee noted the zone model.",
        decided_on=dt.date(2026, 2, 3),
        by=by,
    )
    action = scrutiny_services.action_add(
        committee=committee,
        item=item,
        description=ACTION_TEXT,
        owner_name="Head of Commissioning",
        due_on=dt.date(2026, 3, 3),
        by=by,
    )
    declaration = scrutiny_services.declaration_record(
        meeting=meeting,
        member=member,
        kind="registrable",
        interest=DECLARATION_TEXT,
        item=item,
        by=by,
    )
    work_item = scrutiny_services.work_programme_item_add(
        committee=committee,
        title=WORK_ITEM,
        planned_for=dt.date(2026, 9, 1),
        programme=home,
        by=by,
    )
    kent_committee, _, kent_meeting = _committee(
        kent, KENT_COMMITTEE, kent_programme, by=users["kent"]
    )

    published_report = report_services.report_publish(
        programme=home,
        kind=Report.Kind.COMMITTEE_UPDATE,
        as_of=AS_OF,
        by=by,
        committee=committee,
    )
    # No service makes a draft row (a draft is read live from the data); one stands here for
    # the rows a future "save draft" would make, which must never reach the public.
    draft_report = Report._default_manager.create(
        programme=home,
        committee=committee,
        kind=Report.Kind.ENGAGEMENT_BRIEFING,
        title=DRAFT_REPORT,
        as_of=AS_OF,
        created_by=by,
    )
    return {
        "orgs": orgs,
        "users": users,
        "home": home,
        "quiet": quiet,
        "kent_programme": kent_programme,
        "drop_in": drop_in,
        "survey": survey,
        "unpublished": unpublished,
        "kent_activity": kent_activity,
        "kent_draft": kent_draft,
        "themes": {"continuity": continuity, "rushed": rushed},
        "feedback": spoken,
        "published_change": published_change,
        "unpublished_change": unpublished_change,
        "kent_change": kent_change,
        "committee": committee,
        "member": member,
        "meeting": meeting,
        "item": item,
        "decision": decision,
        "action": action,
        "declaration": declaration,
        "work_item": work_item,
        "kent_committee": kent_committee,
        "kent_meeting": kent_meeting,
        "published_report": published_report,
        "draft_report": draft_report,
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    settings = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("engagement-scrutiny-media"),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with settings, django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


# --- the endpoints ------------------------------------------------------------------------

NAMESPACES = ("engagement", "scrutiny", "public")
API_PREFIXES = ("engagement", "scrutiny")


def page_endpoints() -> list[tuple[str, str]]:
    """(namespace:name, route) for every URL pattern under /engagement/, /scrutiny/, /public/."""
    return support.page_endpoints(*NAMESPACES)


def api_endpoints() -> list[tuple[str, str]]:
    """(METHOD, /api/v1/<app>/...) for every operation of the engagement and scrutiny routers
    (each mounts its areas' routers, which ninja lists under '<app>/')."""
    return sorted(set(support.api_endpoints(*API_PREFIXES)))


def _kwargs(world, name: str, route: str) -> dict:
    values = {
        "programme_id": world["home"].pk,
        "dimension": "age_band",
        "kind": Report.Kind.COMMITTEE_UPDATE,
        "member_id": world["member"].pk,
        "entry_id": world["work_item"].pk,
        "meeting_id": world["meeting"].pk,
        "item_id": world["item"].pk,
        "action_id": world["action"].pk,
        "ref": HOME_REF,
    }
    home, committee, survey = world["home"].pk, world["committee"].pk, world["survey"].pk
    values["pk"] = {
        "engagement:feedback-item": world["feedback"].pk,
        "engagement:theme-edit": world["themes"]["continuity"].pk,
        "engagement:you-said-we-did": home,
        "engagement:change-create": home,
        "engagement:change-edit": world["unpublished_change"].pk,
        "engagement:change-publish": world["unpublished_change"].pk,
        "scrutiny:report_draft": home,
        "scrutiny:report_draft_pdf": home,
        "scrutiny:report_publish": home,
        "scrutiny:report": world["published_report"].pk,
        "scrutiny:report_pdf": world["published_report"].pk,
        "public:activity": world["drop_in"].pk,
        "public:report": world["published_report"].pk,
        "public:report_pdf": world["published_report"].pk,
    }.get(name, committee if name.startswith("scrutiny:") else survey)
    return support.route_kwargs(values, route)


def _api_url(world, path: str) -> str:
    ids = {
        "{activity_id}": world["drop_in"].pk,
        "{programme_id}": world["home"].pk,
        "{committee_id}": world["committee"].pk,
        "{meeting_id}": world["meeting"].pk,
        "{report_id}": world["published_report"].pk,
    }
    return support.fill_path(path, ids)


# One row per endpoint and method, one status per role in ROLES order.
#   anon commissioner lead manager admin councillor evaluator provider kent
# Ids in URLs name Medway's objects: the online survey (published, with its import and
# feedback) for activity pages, the drop-in's spoken feedback item, the continuity theme, the
# home care programme, the unpublished change, the committee with its chair, held meeting,
# agenda item, action and work programme item, and the published committee update. Pages that
# only read answer 405 to a POST; providers and evaluators get 404 for every scrutiny and
# engagement page, lists included (the API's lists answer them with an empty list).
# An empty POST to publish an activity is 404 ("Unknown action", as its own tests expect),
# where publishing a change answers 400; an empty POST to a report's publish button publishes
# the report as of today (302), the button having nothing to fill in.
EXPECTED = {
    "engagement:activities GET": "302 200 200 200 200 200 404 404 200",
    "engagement:activities POST": "302 405 405 405 405 405 405 405 405",
    "engagement:activity_create GET": "302 200 200 200 200 403 404 404 200",
    "engagement:activity_create POST": "302 200 200 200 200 403 404 404 200",
    "engagement:survey_template GET": "302 200 200 200 200 200 404 404 200",
    "engagement:survey_template POST": "302 405 405 405 405 405 405 405 405",
    "engagement:activity GET": "302 200 200 200 200 200 404 404 404",
    "engagement:activity POST": "302 405 405 405 405 405 405 405 405",
    "engagement:activity_edit GET": "302 200 200 200 200 403 404 404 404",
    "engagement:activity_edit POST": "302 200 200 200 200 403 404 404 404",
    "engagement:activity_publish GET": "302 405 405 405 405 405 405 405 405",
    "engagement:activity_publish POST": "302 404 404 404 404 403 404 404 404",
    "engagement:participation_clear GET": "302 405 405 405 405 405 405 405 405",
    "engagement:participation_clear POST": "302 302 302 302 302 403 404 404 404",
    "engagement:participation GET": "302 200 200 200 200 403 404 404 404",
    "engagement:participation POST": "302 200 200 200 200 403 404 404 404",
    "engagement:survey_upload GET": "302 200 200 200 200 403 404 404 404",
    "engagement:survey_upload POST": "302 200 200 200 200 403 404 404 404",
    "engagement:reach GET": "302 200 200 200 200 200 404 404 404",
    "engagement:reach POST": "302 200 200 200 200 403 404 404 404",
    "engagement:feedback GET": "302 200 200 200 200 200 404 404 200",
    "engagement:feedback POST": "302 405 405 405 405 405 405 405 405",
    "engagement:feedback-add GET": "302 200 200 200 200 403 404 404 200",
    "engagement:feedback-add POST": "302 200 200 200 200 403 404 404 200",
    "engagement:feedback-item GET": "302 200 200 200 200 200 404 404 404",
    "engagement:feedback-item POST": "302 302 302 302 302 403 404 404 404",
    "engagement:themes GET": "302 200 200 200 200 200 404 404 200",
    "engagement:themes POST": "302 200 200 200 200 403 404 404 200",
    "engagement:theme-edit GET": "302 200 200 200 200 200 404 404 404",
    "engagement:theme-edit POST": "302 200 200 200 200 403 404 404 404",
    "engagement:you-said-we-did GET": "302 200 200 200 200 200 404 404 404",
    "engagement:you-said-we-did POST": "302 405 405 405 405 405 405 405 405",
    "engagement:change-create GET": "302 200 200 200 200 403 404 404 404",
    "engagement:change-create POST": "302 200 200 200 200 403 404 404 404",
    "engagement:change-edit GET": "302 200 200 200 200 403 404 404 404",
    "engagement:change-edit POST": "302 200 200 200 200 403 404 404 404",
    "engagement:change-publish GET": "302 405 405 405 405 405 405 405 405",
    "engagement:change-publish POST": "302 400 400 400 400 403 404 404 404",
    "scrutiny:committees GET": "302 200 200 200 200 200 404 404 200",
    "scrutiny:committees POST": "302 405 405 405 405 405 405 405 405",
    "scrutiny:committee_create GET": "302 200 200 200 200 403 404 404 200",
    "scrutiny:committee_create POST": "302 200 200 200 200 403 404 404 200",
    "scrutiny:committee GET": "302 200 200 200 200 200 404 404 404",
    "scrutiny:committee POST": "302 405 405 405 405 405 404 404 404",
    "scrutiny:committee_edit GET": "302 200 200 200 200 403 404 404 404",
    "scrutiny:committee_edit POST": "302 200 200 200 200 403 404 404 404",
    "scrutiny:member_add GET": "302 200 200 200 200 403 404 404 404",
    "scrutiny:member_add POST": "302 200 200 200 200 403 404 404 404",
    "scrutiny:member_edit GET": "302 200 200 200 200 403 404 404 404",
    "scrutiny:member_edit POST": "302 200 200 200 200 403 404 404 404",
    "scrutiny:meeting_add GET": "302 200 200 200 200 403 404 404 404",
    "scrutiny:meeting_add POST": "302 200 200 200 200 403 404 404 404",
    "scrutiny:action_add GET": "302 200 200 200 200 403 404 404 404",
    "scrutiny:action_add POST": "302 200 200 200 200 403 404 404 404",
    "scrutiny:work_programme_add GET": "302 200 200 200 200 403 404 404 404",
    "scrutiny:work_programme_add POST": "302 200 200 200 200 403 404 404 404",
    "scrutiny:work_programme_item GET": "302 200 200 200 200 200 404 404 404",
    "scrutiny:work_programme_item POST": "302 200 200 200 200 403 404 404 404",
    "scrutiny:meeting GET": "302 200 200 200 200 200 404 404 404",
    "scrutiny:meeting POST": "302 405 405 405 405 405 404 404 404",
    "scrutiny:meeting_edit GET": "302 200 200 200 200 403 404 404 404",
    "scrutiny:meeting_edit POST": "302 200 200 200 200 403 404 404 404",
    "scrutiny:agenda_item_add GET": "302 200 200 200 200 403 404 404 404",
    "scrutiny:agenda_item_add POST": "302 200 200 200 200 403 404 404 404",
    "scrutiny:agenda_item_edit GET": "302 200 200 200 200 403 404 404 404",
    "scrutiny:agenda_item_edit POST": "302 200 200 200 200 403 404 404 404",
    "scrutiny:decision_add GET": "302 200 200 200 200 403 404 404 404",
    "scrutiny:decision_add POST": "302 200 200 200 200 403 404 404 404",
    "scrutiny:declaration_add GET": "302 200 200 200 200 403 404 404 404",
    "scrutiny:declaration_add POST": "302 200 200 200 200 403 404 404 404",
    "scrutiny:actions GET": "302 200 200 200 200 200 404 404 200",
    "scrutiny:actions POST": "302 405 405 405 405 405 405 405 405",
    "scrutiny:action GET": "302 200 200 200 200 200 404 404 404",
    "scrutiny:action POST": "302 200 200 200 200 403 404 404 404",
    "scrutiny:reports GET": "302 200 200 200 200 200 404 404 200",
    "scrutiny:reports POST": "302 405 405 405 405 405 405 405 405",
    "scrutiny:report_draft GET": "302 200 200 200 200 200 404 404 404",
    "scrutiny:report_draft POST": "302 405 405 405 405 405 405 405 405",
    "scrutiny:report_draft_pdf GET": "302 200 200 200 200 200 404 404 404",
    "scrutiny:report_draft_pdf POST": "302 405 405 405 405 405 405 405 405",
    "scrutiny:report_publish GET": "302 405 405 405 405 405 405 405 405",
    "scrutiny:report_publish POST": "302 302 302 302 302 403 404 404 404",
    "scrutiny:report GET": "302 200 200 200 200 200 404 404 404",
    "scrutiny:report POST": "302 405 405 405 405 405 405 405 405",
    "scrutiny:report_pdf GET": "302 200 200 200 200 200 404 404 404",
    "scrutiny:report_pdf POST": "302 405 405 405 405 405 405 405 405",
    "public:index GET": "200 200 200 200 200 200 200 200 200",
    "public:index POST": "405 405 405 405 405 405 405 405 405",
    "public:activities GET": "200 200 200 200 200 200 200 200 200",
    "public:activities POST": "405 405 405 405 405 405 405 405 405",
    "public:activity GET": "200 200 200 200 200 200 200 200 200",
    "public:activity POST": "405 405 405 405 405 405 405 405 405",
    "public:programme GET": "200 200 200 200 200 200 200 200 200",
    "public:programme POST": "405 405 405 405 405 405 405 405 405",
    "public:reports GET": "200 200 200 200 200 200 200 200 200",
    "public:reports POST": "405 405 405 405 405 405 405 405 405",
    "public:report GET": "200 200 200 200 200 200 200 200 200",
    "public:report POST": "405 405 405 405 405 405 405 405 405",
    "public:report_pdf GET": "200 200 200 200 200 200 200 200 200",
    "public:report_pdf POST": "405 405 405 405 405 405 405 405 405",
    "/api/v1/engagement/activities GET": "401 200 200 200 200 200 200 200 200",
    "/api/v1/engagement/activities POST": "405 405 405 405 405 405 405 405 405",
    "/api/v1/engagement/activities/{activity_id} GET": "401 200 200 200 200 200 404 404 404",
    "/api/v1/engagement/activities/{activity_id} POST": "405 405 405 405 405 405 405 405 405",
    "/api/v1/engagement/feedback/programmes/{programme_id}/themes GET": (
        "401 200 200 200 200 200 404 404 404"
    ),
    "/api/v1/engagement/feedback/programmes/{programme_id}/themes POST": (
        "405 405 405 405 405 405 405 405 405"
    ),
    "/api/v1/engagement/feedback/programmes/{programme_id}/you-said-we-did GET": (
        "401 200 200 200 200 200 404 404 404"
    ),
    "/api/v1/engagement/feedback/programmes/{programme_id}/you-said-we-did POST": (
        "405 405 405 405 405 405 405 405 405"
    ),
    "/api/v1/engagement/feedback/themes GET": "401 200 200 200 200 200 200 200 200",
    "/api/v1/engagement/feedback/themes POST": "405 405 405 405 405 405 405 405 405",
    "/api/v1/engagement/reach/{programme_id} GET": "401 200 200 200 200 200 404 404 404",
    "/api/v1/engagement/reach/{programme_id} POST": "405 405 405 405 405 405 405 405 405",
    "/api/v1/scrutiny/actions GET": "401 200 200 200 200 200 200 200 200",
    "/api/v1/scrutiny/actions POST": "405 405 405 405 405 405 405 405 405",
    "/api/v1/scrutiny/committees GET": "401 200 200 200 200 200 200 200 200",
    "/api/v1/scrutiny/committees POST": "405 405 405 405 405 405 405 405 405",
    "/api/v1/scrutiny/committees/{committee_id} GET": "401 200 200 200 200 200 404 404 404",
    "/api/v1/scrutiny/committees/{committee_id} POST": "405 405 405 405 405 405 405 405 405",
    "/api/v1/scrutiny/committees/{committee_id}/actions GET": "401 200 200 200 200 200 404 404 404",
    "/api/v1/scrutiny/committees/{committee_id}/actions POST": (
        "405 405 405 405 405 405 405 405 405"
    ),
    "/api/v1/scrutiny/committees/{committee_id}/work-programme GET": (
        "401 200 200 200 200 200 404 404 404"
    ),
    "/api/v1/scrutiny/committees/{committee_id}/work-programme POST": (
        "405 405 405 405 405 405 405 405 405"
    ),
    "/api/v1/scrutiny/meetings/{meeting_id} GET": "401 200 200 200 200 200 404 404 404",
    "/api/v1/scrutiny/meetings/{meeting_id} POST": "405 405 405 405 405 405 405 405 405",
    "/api/v1/scrutiny/programmes/{programme_id}/report GET": "401 200 200 200 200 200 404 404 404",
    "/api/v1/scrutiny/programmes/{programme_id}/report POST": "405 405 405 405 405 405 405 405 405",
    "/api/v1/scrutiny/public/reports GET": "200 200 200 200 200 200 200 200 200",
    "/api/v1/scrutiny/public/reports POST": "405 405 405 405 405 405 405 405 405",
    "/api/v1/scrutiny/public/reports/{report_id} GET": "200 200 200 200 200 200 200 200 200",
    "/api/v1/scrutiny/public/reports/{report_id} POST": "405 405 405 405 405 405 405 405 405",
    "/api/v1/scrutiny/reports GET": "401 200 200 200 200 200 200 200 200",
    "/api/v1/scrutiny/reports POST": "405 405 405 405 405 405 405 405 405",
    "/api/v1/scrutiny/reports/{report_id} GET": "401 200 200 200 200 200 404 404 404",
    "/api/v1/scrutiny/reports/{report_id} POST": "405 405 405 405 405 405 405 405 405",
}

# Known faults in views this module's owner may not change: expected to fail until fixed, then
# the marker must go.
KNOWN: dict[str, dict[str, str]] = {}

# What each person must never read in a 200 outside /public/.
MEDWAY_ONLY = [
    HOME_NAME,
    QUIET_NAME,
    DROP_IN,
    SURVEY,
    UNPUBLISHED_ACTIVITY,
    QUIET_ACTIVITY,
    UNPUBLISHED_CHANGE,
    UNPUBLISHED_WE_DID,
    PUBLISHED_CHANGE,
    MEDWAY_COMMITTEE,
    ACTION_TEXT,
    DECLARATION_TEXT,
    WORK_ITEM,
    DRAFT_REPORT,
]
KENT_ONLY = [KENT_NAME, KENT_ACTIVITY, KENT_DRAFT_ACTIVITY, KENT_CHANGE, KENT_COMMITTEE]
NEVER = {
    None: [*MEDWAY_ONLY, *KENT_ONLY],
    "commissioner": KENT_ONLY,
    "lead": KENT_ONLY,
    "manager": KENT_ONLY,
    "admin": KENT_ONLY,
    "councillor": KENT_ONLY,
    "evaluator": [*MEDWAY_ONLY, *KENT_ONLY],
    "provider": [*MEDWAY_ONLY, *KENT_ONLY],
    "kent": MEDWAY_ONLY,
}
# What nobody reads on a public page: nothing unpublished.
NEVER_IN_PUBLIC = [
    UNPUBLISHED_ACTIVITY,
    QUIET_ACTIVITY,
    UNPUBLISHED_CHANGE,
    UNPUBLISHED_WE_DID,
    KENT_DRAFT_ACTIVITY,
    KENT_CHANGE,
    DRAFT_REPORT,
    HIDDEN_REF,
    QUIET_NAME,
]


def _is_public(url: str) -> bool:
    return url.startswith(("/public/", "/api/v1/scrutiny/public/"))


def _secrets(who, url: str) -> list[str]:
    if _is_public(url):
        return NEVER_IN_PUBLIC
    return NEVER.get(who, [])


MATRIX = support.Matrix(
    roles=ROLES,
    expected=EXPECTED,
    known=KNOWN,
    never=_secrets,
    page_kwargs=_kwargs,
    api_url=_api_url,
    streamed_unread=True,
)


def _endpoint_cases() -> list[support.Case]:
    return support.endpoint_cases(
        page_endpoints(), api_endpoints(), api_methods=support.its_method_and_post
    )


def test_every_endpoint_has_an_expectation():
    MATRIX.assert_every_endpoint_has_an_expectation(_endpoint_cases())
    assert len(page_endpoints()) >= 50 and len(api_endpoints()) >= 15
    # Every public page that names one thing is also tried with something unpublished.
    named = {
        name for name, route in page_endpoints() if name.startswith("public:") and "<" in route
    }
    assert named == set(UNPUBLISHED), "public pages without an unpublished case"


def _login(client, world, who):
    support.sign_in(client, world["users"][who] if who else None)


@pytest.mark.parametrize(support.ACCESS_ARGS, MATRIX.params(_endpoint_cases()))
def test_access(db, client, world, key, kind, name, route, method, index):
    MATRIX.check(client, world, key, kind, name, route, method, index)


# --- the public pages, for what is not published -------------------------------------------

# Public pages that name one thing, with something not published (or not public) to name.
UNPUBLISHED = {
    "public:activity": lambda w: [
        {"pk": w["unpublished"].pk},
        {"pk": w["kent_draft"].pk},
    ],
    "public:programme": lambda w: [{"ref": HIDDEN_REF}, {"ref": "NO-SUCH-REF"}],
    "public:report": lambda w: [{"pk": w["draft_report"].pk}],
    "public:report_pdf": lambda w: [{"pk": w["draft_report"].pk}],
}


@pytest.mark.parametrize(("name", "index"), support.role_params(UNPUBLISHED, ROLES))
def test_unpublished_things_are_not_found_in_public(db, client, world, name, index):
    who = ROLES[index]
    _login(client, world, who)
    for kwargs in UNPUBLISHED[name](world):
        url = reverse(name, kwargs=kwargs)
        assert client.get(url).status_code == 404, f"{who or 'anonymous'}: {url}"


@pytest.mark.parametrize("who", ["commissioner", "kent", None])
def test_public_api_hides_the_draft_report(db, client, world, who):
    _login(client, world, who)
    url = f"/api/v1/scrutiny/public/reports/{world['draft_report'].pk}"
    assert client.get(url).status_code == 404
    listing = client.get("/api/v1/scrutiny/public/reports").content.decode()
    assert DRAFT_REPORT not in listing and world["published_report"].title in listing


def test_the_world_is_what_the_matrix_assumes(db, client, world):
    """Guard the fixture: the secrets are there for those who may read them, so that a 200
    without them means something."""
    client.force_login(world["users"]["councillor"])
    activities = client.get(reverse("engagement:activities")).content.decode()
    assert DROP_IN in activities and UNPUBLISHED_ACTIVITY in activities
    assert KENT_ACTIVITY not in activities
    said = client.get(reverse("engagement:you-said-we-did", args=[world["home"].pk]))
    assert UNPUBLISHED_CHANGE in said.content.decode()
    assert PUBLISHED_CHANGE in said.content.decode()
    committees = client.get(reverse("scrutiny:committees")).content.decode()
    assert MEDWAY_COMMITTEE in committees and KENT_COMMITTEE not in committees
    client.force_login(world["users"]["kent"])
    activities = client.get(reverse("engagement:activities")).content.decode()
    assert KENT_ACTIVITY in activities and DROP_IN not in activities
    client.logout()
    public = client.get(reverse("public:activities")).content.decode()
    assert DROP_IN in public and SURVEY in public and KENT_ACTIVITY in public
    programme = client.get(reverse("public:programme", args=[HOME_REF])).content.decode()
    assert PUBLISHED_CHANGE in programme
    report = client.get(reverse("public:report", args=[world["published_report"].pk]))
    assert report.status_code == 200 and ACTION_TEXT in report.content.decode()


def test_a_councillor_changes_nothing(db, client, world):
    """Every write a councillor may try is refused and nothing is written."""
    from tendercare.core.models import AuditLog

    client.force_login(world["users"]["councillor"])
    before = AuditLog.objects.count()
    for name, route in page_endpoints():
        if name.startswith("public:"):
            continue
        url = reverse(name, kwargs=_kwargs(world, name, route))
        response = client.post(url, {})
        assert response.status_code in (403, 405), f"{url}: {response.status_code}"
    assert AuditLog.objects.count() == before


# --- the history pages of engagement and scrutiny records (core's /history/<model>/<pk>/) ---

# Statuses in ROLES order, as EXPECTED: the owner's family reads every record's history;
# nobody else learns it exists.
HISTORY_ROW = "302 200 200 200 200 200 404 404 404"
HISTORY = [
    "drop_in",
    "unpublished",
    "feedback",
    "continuity",
    "unpublished_change",
    "committee",
    "member",
    "meeting",
    "item",
    "decision",
    "action",
    "declaration",
    "work_item",
    "published_report",
]


def _history_object(world, what: str):
    return world["themes"][what] if what == "continuity" else world[what]


@pytest.mark.parametrize(("what", "index"), support.role_params(HISTORY, ROLES))
def test_history_pages(db, client, world, what, index):
    from tendercare.core.history import history_url

    who = ROLES[index]
    _login(client, world, who)
    response = client.get(history_url(_history_object(world, what)))
    assert response.status_code == int(HISTORY_ROW.split()[index]), who
    if response.status_code == 200:
        text = response.content.decode()
        assert not [s for s in NEVER.get(who, []) if s in text], who


def test_every_registered_model_has_a_history_row():
    from tendercare.core import history

    registered = {key for key in history._VISIBLE if key.startswith(("engagement.", "scrutiny."))}
    # The models of the objects in HISTORY: a newly registered model needs an object there.
    tried = {
        "engagement.activity",
        "engagement.feedbackitem",
        "engagement.theme",
        "engagement.change",
        "scrutiny.committee",
        "scrutiny.member",
        "scrutiny.meeting",
        "scrutiny.agendaitem",
        "scrutiny.committeedecision",
        "scrutiny.action",
        "scrutiny.declaration",
        "scrutiny.workprogrammeitem",
        "scrutiny.report",
    }
    assert registered == tried, registered ^ tried
