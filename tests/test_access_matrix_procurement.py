"""Who can reach what in the procurement stage: every page of the procurement, bidding,
evaluation and award apps and every API route under /api/v1/procurements, /api/v1/bidding and
/api/v1/evaluation, tried by every kind of person, before the bid deadline and after it.

The endpoints are read from the URL configuration and the API routers, so a new endpoint
without an expectation here fails test_every_endpoint_has_an_expectation.

Outcomes: 200 (may see), 302 (redirected: sign in first, declare first, or done), 400 (may act,
but the empty form is refused), 403 (may see but not change), 404 (not theirs: its existence is
not confirmed), 405 (wrong method), 401 (API: sign in first). For every 200 the body is also
searched for what that person must not see: another provider's name, answers, prices and
questions, an evaluator's rationale, and any price at all before the deadline.

The world is built once per module (services, with the ORM only to move the deadline); each
test runs in a savepoint that is rolled back, so posts that change things do not leak.
"""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tendercare.bidding import services as bidding
from tendercare.bidding.models import Bid
from tendercare.contracts.models import ServiceLine
from tendercare.evaluation import services as evaluation
from tendercare.organisations.models import Role
from tendercare.procurement import services as procurement_services
from tendercare.procurement.models import Procurement
from tests import access_matrix_support as support
from tests.factories import CommissionerOrgFactory, ProviderOrgFactory, UserFactory

REFERENCE = "MED-ACCESS-1"
ALPHA, BRAVO, CHARLIE = "Alpha Care Ltd", "Bravo Homecare Ltd", "Charlie Support CIC"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

# What the bids, questions and scores say: each string is unique in the whole world.
SECRET = {
    "alpha_answer": "ALPHA-ANSWER-WITHIN",
    "alpha_price": ["1234567.89", "1,234,567.89", "1,234,568"],
    "alpha_document": "alpha-method.pdf",
    "alpha_question": "ALPHA-UNANSWERED-QUESTION",
    "bravo_answer": "BRAVO-ANSWER-WITHIN",
    "bravo_price": ["7654321.01", "7,654,321.01", "7,654,321"],
    "bravo_lot2_price": ["5550001.23", "5,550,001.23", "5,550,001"],
    "bravo_document": "bravo-method.pdf",
    "rationale": "RATIONALE-ON-ALPHA-Q1",
}
PUBLISHED_QUESTION = "PUBLISHED-QUESTION-FROM-SOMEONE"
PUBLISHED_ANSWER = "PUBLISHED-ANSWER-TO-ALL"

ROLES = [
    None,  # the anonymous visitor
    "alpha",  # provider: bids on lot 1, asked two questions (one answered and published)
    "bravo",  # provider: bids on lots 1 and 2
    "charlie",  # provider: registered interest only
    "evaluator",  # assigned to Q1 and Q3, declared no conflicts
    "conflicted",  # assigned to Q1 and Q3, declared a conflict with Alpha
    "unassigned",  # an evaluator with no assignment here
    "commissioner",  # the owner's commissioner (has not declared)
    "lead",  # the owner's procurement lead (declared no conflicts)
    "admin",  # the owner's administrator
    "manager",  # the owner's contract manager (read-only)
    "kent",  # a commissioner of another council
    "councillor",  # a councillor of the owner
]
PROVIDERS = {"alpha": ALPHA, "bravo": BRAVO, "charlie": CHARLIE}


def _upload(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _service(name):
    service, _ = ServiceLine.objects.get_or_create(name=name)
    return service


def build_world() -> dict:
    medway = CommissionerOrgFactory(name="Medway Council")
    kent = CommissionerOrgFactory(name="Kent County Council")
    orgs = {key: ProviderOrgFactory(name=name) for key, name in PROVIDERS.items()}
    people = {
        "commissioner": (Role.COMMISSIONER, medway),
        "lead": (Role.PROCUREMENT_LEAD, medway),
        "admin": (Role.ADMINISTRATOR, medway),
        "manager": (Role.CONTRACT_MANAGER, medway),
        "councillor": (Role.COUNCILLOR, medway),
        "kent": (Role.COMMISSIONER, kent),
        "evaluator": (Role.EVALUATOR, medway),
        "conflicted": (Role.EVALUATOR, medway),
        "unassigned": (Role.EVALUATOR, medway),
        **{key: (Role.PROVIDER, org) for key, org in orgs.items()},
    }
    users = {
        name: UserFactory(username=name, role=role, organisation=org)
        for name, (role, org) in people.items()
    }
    lead = users["lead"]

    p = procurement_services.procurement_create(
        owner=medway,
        reference=REFERENCE,
        title="Home care in Medway",
        estimated_value=Decimal("9000000"),
        by=lead,
    )
    procurement_services.route_decide(
        procurement=p,
        answers={"service_kind": "social_care", "estimated_value": "9000000"},
        chosen_route="open",
        by=lead,
    )
    lot1 = procurement_services.lot_add(
        procurement=p,
        title="Domiciliary care",
        kind="service_line",
        service=_service("Home care"),
        by=lead,
    )
    lot2 = procurement_services.lot_add(
        procurement=p,
        title="Night sitting",
        kind="service_line",
        service=_service("Night sitting"),
        by=lead,
    )
    requirement = procurement_services.requirement_add(
        procurement=p, code="R1", title="Single point of access", text="One number", by=lead
    )
    quality = procurement_services.criterion_add(
        procurement=p, name="Quality", kind="quality", weight=60, by=lead
    )
    procurement_services.criterion_add(
        procurement=p, name="Price", kind="price", weight=30, by=lead
    )
    social = procurement_services.criterion_add(
        procurement=p, name="Social value", kind="social_value", weight=10, by=lead
    )
    q1 = procurement_services.question_add(
        criterion=quality,
        number="Q1",
        text="How will you staff it?",
        weight=60,
        requirements=[requirement],
        by=lead,
    )
    q3 = procurement_services.question_add(
        criterion=social, number="Q3", text="Local jobs", weight=10, by=lead
    )
    now = timezone.now()
    procurement_services.procurement_publish(
        procurement=p,
        bid_deadline=now + dt.timedelta(days=30),
        clarification_deadline=now + dt.timedelta(days=20),
        by=lead,
    )
    p.refresh_from_db()

    def bid(who, lot, price, answer_text, document):
        user = users[who]
        started = bidding.bid_start(lot=lot, by=user)
        answers = {str(q.pk): f"{answer_text} {q.number}" for q in (q1, q3)}
        started = bidding.bid_save(bid=started, answers=answers, prices={"total": price}, by=user)
        doc = bidding.bid_document_add(bid=started, uploaded_file=_upload(document), by=user)
        return bidding.bid_submit(bid=started, by=user), doc

    alpha_bid, alpha_doc = bid(
        "alpha", lot1, "1234567.89", SECRET["alpha_answer"], SECRET["alpha_document"]
    )
    bravo_bid, _ = bid("bravo", lot1, "7654321.01", SECRET["bravo_answer"], "bravo-method.pdf")
    bid("bravo", lot2, "5550001.23", SECRET["bravo_answer"], "bravo-method.pdf")
    bidding.interest_register(procurement=p, by=users["charlie"])
    unanswered = bidding.clarification_ask(
        procurement=p, question=SECRET["alpha_question"], by=users["alpha"]
    )
    published = bidding.clarification_ask(
        procurement=p, question=PUBLISHED_QUESTION, by=users["alpha"]
    )
    bidding.clarification_answer(
        clarification=published, answer=PUBLISHED_ANSWER, publish=True, by=lead
    )

    for question in (q1, q3):
        for who in ("evaluator", "conflicted"):
            evaluation.assignment_add(
                procurement=p, question=question, evaluator=users[who], by=lead
            )
    evaluation.declaration_make(procurement=p, evaluator=users["evaluator"], no_conflicts=True)
    evaluation.declaration_make(
        procurement=p,
        evaluator=users["conflicted"],
        no_conflicts=False,
        conflicts=[(orgs["alpha"], "I used to work there")],
    )
    evaluation.declaration_make(procurement=p, evaluator=lead, no_conflicts=True)
    return {
        "procurement": p,
        "lot1": lot1,
        "q1": q1,
        "alpha_bid": alpha_bid,
        "bravo_bid": bravo_bid,
        "alpha_doc": alpha_doc,
        "unanswered": unanswered,
        "users": users,
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings = override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast)
    with settings, django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


def _after_deadline(world):
    """The deadline has passed; the assigned evaluator has scored Alpha's answer to Q1."""
    p = world["procurement"]
    Procurement.objects.filter(pk=p.pk).update(
        bid_deadline=timezone.now() - dt.timedelta(minutes=5),
        clarification_deadline=timezone.now() - dt.timedelta(days=1),
    )
    evaluation.score_record(
        bid=Bid.objects.select_related("lot__procurement").get(pk=world["alpha_bid"].pk),
        question=world["q1"],
        evaluator=world["users"]["evaluator"],
        score=3,
        rationale=SECRET["rationale"],
    )


# --- the endpoints ------------------------------------------------------------------------

APPS = ["procurement", "bidding", "evaluation", "award"]
API_PREFIXES = ("/procurements", "/bidding", "/evaluation")


def page_endpoints() -> list[tuple[str, str]]:
    """(app:name, route) for every URL pattern of the four apps."""
    found = []
    for app in APPS:
        for pattern in importlib.import_module(f"tendercare.{app}.urls").urlpatterns:
            found.append((f"{app}:{pattern.name}", str(pattern.pattern)))
    return found


def api_endpoints() -> list[tuple[str, str]]:
    """(METHOD, /api/v1/path) for every operation of the routers under the three prefixes."""
    return support.api_endpoints(*(prefix.strip("/") for prefix in API_PREFIXES))


BID_URLS = ("bidding:bid", "bidding:bid-submit", "bidding:bid-withdraw", "bidding:document-upload")


def _kwargs(world, name: str, route: str) -> dict:
    p, users = world["procurement"], world["users"]
    app = name.split(":")[0]
    values = {
        "reference": p.reference,
        "number": 1,
        "lot_id": world["lot1"].pk,
        "bid_id": world["alpha_bid"].pk,
        "question_id": world["q1"].pk,
    }
    if app in ("procurement", "evaluation"):
        values["pk"] = p.pk
    elif name in BID_URLS:
        values["pk"] = world["alpha_bid"].pk
    elif name in ("bidding:document", "bidding:document-remove"):
        values["pk"] = world["alpha_doc"].pk
    elif name == "bidding:clarification-answer":
        values["pk"] = world["unanswered"].pk
    elif name == "award:respond":
        values["pk"] = 999_999  # no representation yet: only its 404 is checked
    del users
    return {key: values[key] for key in values if f"<{key}>" in route or f":{key}>" in route}


def _api_url(world, path: str) -> str:
    p = world["procurement"]
    return (
        path.replace("{path:reference}", p.reference)
        .replace("{ref}", p.reference)
        .replace("{bid_id}", str(world["alpha_bid"].pk))
    )


def _api_body(world, method, path):
    if path.endswith("/scores"):
        return {
            "bid_id": world["alpha_bid"].pk,
            "question_id": world["q1"].pk,
            "score": "4",
            "rationale": "Checked by the access matrix",
        }
    return {}


def _request(client, method, url, *, api_body=None):
    if method == "GET":
        return client.get(url)
    if api_body is not None:
        return client.post(url, api_body, content_type="application/json")
    return client.post(url, {})


def _outcome(client, world, who, method, url, api_body):
    """The status (and body) of one request by one person, with its writes rolled back."""
    client.logout()
    if who:
        client.force_login(world["users"][who])
    with transaction.atomic():
        response = _request(client, method, url, api_body=api_body)
        transaction.set_rollback(True)
    return response


# --- what each person must never read ------------------------------------------------------

BID_SECRETS = {
    "alpha": [SECRET["alpha_answer"], *SECRET["alpha_price"], SECRET["alpha_document"]],
    "bravo": [
        SECRET["bravo_answer"],
        *SECRET["bravo_price"],
        *SECRET["bravo_lot2_price"],
        SECRET["bravo_document"],
    ],
}
PRICES = {
    "alpha": SECRET["alpha_price"],
    "bravo": SECRET["bravo_price"] + SECRET["bravo_lot2_price"],
}
STAFF = ("commissioner", "lead", "admin", "manager")
OUTSIDERS = (None, "kent", "unassigned")


def forbidden(who, phase) -> set[str]:
    """Strings that must not appear in any page or API answer this person gets with 200."""
    never = set()
    if who in PROVIDERS:
        for other, name in PROVIDERS.items():
            if other != who:
                never |= {name, *BID_SECRETS.get(other, [])}
        if who != "alpha":
            never.add(SECRET["alpha_question"])
        never.add(SECRET["rationale"])
        return never
    if phase == "before":
        # Sealed: nobody but the bidder reads a bid, its prices or its documents.
        never |= {s for secrets in BID_SECRETS.values() for s in secrets}
    if who in OUTSIDERS:
        never |= {s for secrets in BID_SECRETS.values() for s in secrets}
        never |= {*PROVIDERS.values(), SECRET["alpha_question"], SECRET["rationale"]}
    elif who == "councillor":
        # Councillors see nothing sealed and no individual scores until award.
        never |= {s for secrets in BID_SECRETS.values() for s in secrets}
        never |= {SECRET["alpha_question"], SECRET["rationale"]}
    elif who == "conflicted":
        never |= {*BID_SECRETS["alpha"], SECRET["rationale"], SECRET["alpha_question"]}
    elif who == "evaluator":
        # Prices reach evaluators only after the quality scores are locked (they are not).
        never |= {*PRICES["alpha"], *PRICES["bravo"], SECRET["alpha_question"]}
    return never


def _body(response) -> str:
    if getattr(response, "streaming", False):
        # Reading to the end closes the response the way the test client does (without closing
        # the database connection); a second close() here would close it on PostgreSQL.
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


# --- the expectations ----------------------------------------------------------------------

PHASES = ("before", "after")
# Statuses in the order of ROLES:
#  anon alpha bravo charlie | evaluator conflicted unassigned | commissioner lead admin manager |
#  kent councillor. A pair is (before the deadline, after it). Pages are tried with GET and with
#  an empty POST; bids, documents and scores named in a URL are Alpha's, the lot is lot 1, the
#  clarification is Alpha's unanswered one.
EXPECTED = {
    "procurement:list GET": "302 200 200 200 200 200 200 200 200 200 200 200 200",
    "procurement:list POST": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "procurement:create GET": "302 403 403 403 403 403 403 200 200 200 403 200 403",
    "procurement:create POST": "302 403 403 403 403 403 403 200 200 200 403 200 403",
    "procurement:detail GET": "302 200 200 200 200 200 404 200 200 200 200 404 200",
    "procurement:detail POST": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "procurement:transition GET": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "procurement:transition POST": "302 403 403 403 403 403 404 302 302 302 403 404 403",
    "procurement:stage GET": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "procurement:stage POST": "302 403 403 403 403 403 404 302 302 302 403 404 403",
    "procurement:route GET": "302 404 404 404 404 404 404 200 200 200 200 404 200",
    "procurement:route POST": "302 404 404 404 404 404 404 200 200 200 403 404 403",
    "procurement:lots GET": "302 200 200 200 200 200 404 200 200 200 200 404 200",
    "procurement:lots POST": "302 403 403 403 403 403 404 200 200 200 403 404 403",
    "procurement:lot GET": "302 403 403 403 403 403 404 200 200 200 403 404 403",
    "procurement:lot POST": "302 403 403 403 403 403 404 200 200 200 403 404 403",
    "procurement:requirements GET": "302 200 200 200 200 200 404 200 200 200 200 404 200",
    "procurement:requirements POST": "302 403 403 403 403 403 404 200 200 200 403 404 403",
    "procurement:model GET": "302 200 200 200 200 200 404 200 200 200 200 404 200",
    "procurement:model POST": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "procurement:criterion_add GET": "302 403 403 403 403 403 404 200 200 200 403 404 403",
    "procurement:criterion_add POST": "302 403 403 403 403 403 404 200 200 200 403 404 403",
    "procurement:question_add GET": "302 403 403 403 403 403 404 200 200 200 403 404 403",
    "procurement:question_add POST": "302 403 403 403 403 403 404 200 200 200 403 404 403",
    "procurement:price_formula GET": "302 403 403 403 403 403 404 200 200 200 403 404 403",
    "procurement:price_formula POST": "302 403 403 403 403 403 404 200 200 200 403 404 403",
    "procurement:publish GET": "302 403 403 403 403 403 404 200 200 200 403 404 403",
    "procurement:publish POST": "302 403 403 403 403 403 404 200 200 200 403 404 403",
    "procurement:invite GET": "302 403 403 403 403 403 404 200 200 200 403 404 403",
    "procurement:invite POST": "302 403 403 403 403 403 404 200 200 200 403 404 403",
    "bidding:opportunities GET": "302 200 200 200 200 200 200 200 200 200 200 200 200",
    "bidding:opportunities POST": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "bidding:register GET": "200 302 302 302 302 302 302 302 302 302 302 302 302",
    "bidding:register POST": "200 302 302 302 302 302 302 302 302 302 302 302 302",
    "bidding:clarifications GET": "302 404 404 404 404 404 404 200 200 200 404 200 404",
    "bidding:clarifications POST": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "bidding:clarification-answer GET": "302 404 404 404 404 404 404 200 200 200 404 404 404",
    "bidding:clarification-answer POST": "302 404 404 404 404 404 404 200 200 200 404 404 404",
    "bidding:bid GET": (
        "302 200 404 404 404 404 404 404 404 404 404 404 404",
        "302 200 404 404 404 404 404 200 200 200 200 404 404",
    ),
    "bidding:bid POST": (
        "302 302 404 404 404 404 404 404 404 404 404 404 404",
        "302 400 404 404 404 404 404 403 403 403 403 404 404",
    ),
    "bidding:bid-submit GET": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "bidding:bid-submit POST": (
        "302 302 404 404 404 404 404 404 404 404 404 404 404",
        "302 400 404 404 404 404 404 403 403 403 403 404 404",
    ),
    "bidding:bid-withdraw GET": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "bidding:bid-withdraw POST": (
        "302 302 404 404 404 404 404 404 404 404 404 404 404",
        "302 400 404 404 404 404 404 403 403 403 403 404 404",
    ),
    "bidding:document-upload GET": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "bidding:document-upload POST": (
        "302 400 404 404 404 404 404 404 404 404 404 404 404",
        "302 400 404 404 404 404 404 403 403 403 403 404 404",
    ),
    "bidding:document GET": (
        "302 200 404 404 404 404 404 404 404 404 404 404 404",
        "302 200 404 404 404 404 404 200 200 200 200 404 404",
    ),
    "bidding:document POST": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "bidding:document-remove GET": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "bidding:document-remove POST": (
        "302 302 404 404 404 404 404 404 404 404 404 404 404",
        "302 400 404 404 404 404 404 403 403 403 403 404 404",
    ),
    "bidding:received GET": "302 404 404 404 404 404 404 200 200 200 200 404 404",
    "bidding:received POST": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "bidding:interest GET": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "bidding:interest POST": (
        "302 302 302 302 404 404 404 403 403 403 403 403 403",
        "302 400 400 400 404 404 404 403 403 403 403 403 403",
    ),
    "bidding:ask GET": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "bidding:ask POST": "302 400 400 400 404 404 404 400 400 400 400 400 400",
    "bidding:lot GET": "302 302 302 200 404 404 404 200 200 200 200 200 200",
    "bidding:lot POST": (
        "302 302 302 302 404 404 404 403 403 403 403 403 403",
        "302 400 400 400 404 404 404 403 403 403 403 403 403",
    ),
    "bidding:opportunity GET": "302 200 200 200 404 404 404 200 200 200 200 200 200",
    "bidding:opportunity POST": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "evaluation:worklist GET": "302 404 404 404 200 200 200 200 200 200 200 200 404",
    "evaluation:worklist POST": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "evaluation:procurement GET": "302 404 404 404 200 200 404 200 200 200 200 404 404",
    "evaluation:procurement POST": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "evaluation:declare GET": "302 404 404 404 200 200 404 200 200 200 200 404 404",
    "evaluation:declare POST": "302 404 404 404 200 200 404 200 200 200 200 404 404",
    "evaluation:score GET": (
        "302 404 404 404 400 400 404 302 400 302 302 404 404",
        "302 404 404 404 200 404 404 302 404 302 302 404 404",
    ),
    "evaluation:score POST": (
        "302 404 404 404 400 400 404 302 400 302 302 404 404",
        "302 404 404 404 200 404 404 302 404 302 302 404 404",
    ),
    "evaluation:assignments GET": "302 404 404 404 404 404 404 200 200 200 200 404 404",
    "evaluation:assignments POST": "302 404 404 404 404 404 404 200 200 200 403 404 404",
    "evaluation:moderation GET": (
        "302 404 404 404 404 404 404 302 400 302 302 404 404",
        "302 404 404 404 404 404 404 302 200 302 302 404 404",
    ),
    "evaluation:moderation POST": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "evaluation:moderate GET": (
        "302 404 404 404 404 404 404 302 400 302 302 404 404",
        "302 404 404 404 404 404 404 302 200 302 302 404 404",
    ),
    "evaluation:moderate POST": (
        "302 404 404 404 404 404 404 302 400 302 302 404 404",
        "302 404 404 404 404 404 404 302 200 302 302 404 404",
    ),
    "evaluation:lock GET": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "evaluation:lock POST": "302 404 404 404 404 404 404 400 400 400 403 404 404",
    "evaluation:prices GET": "302 404 404 404 404 404 404 400 400 400 400 404 404",
    "evaluation:prices POST": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "evaluation:clarify GET": "302 404 404 404 404 404 404 404 404 404 404 404 404",
    "evaluation:clarify POST": "302 404 404 404 404 404 404 404 404 404 404 404 404",
    "evaluation:results GET": "302 404 404 404 404 404 404 400 400 400 400 404 404",
    "evaluation:results POST": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "evaluation:report GET": "302 404 404 404 404 404 404 400 400 400 400 404 404",
    "evaluation:report POST": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "evaluation:report_pdf GET": "302 404 404 404 404 404 404 400 400 400 400 404 404",
    "evaluation:report_pdf POST": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "award:index GET": "302 200 200 200 200 200 200 200 200 200 200 200 200",
    "award:index POST": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "award:detail GET": "302 404 404 404 404 404 404 200 200 200 200 404 404",
    "award:detail POST": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "award:propose GET": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "award:propose POST": "302 404 404 404 404 404 404 400 400 400 403 404 404",
    "award:letters GET": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "award:letters POST": "302 404 404 404 404 404 404 400 400 400 403 404 404",
    "award:representation GET": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "award:representation POST": "302 404 404 404 404 404 404 400 400 400 403 404 404",
    "award:respond GET": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "award:respond POST": "302 404 404 404 404 404 404 404 404 404 403 404 404",
    "award:confirm GET": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "award:confirm POST": "302 404 404 404 404 404 404 400 400 400 403 404 404",
    "award:letter GET": "302 404 404 404 404 404 404 404 404 404 404 404 404",
    "award:letter POST": "302 405 405 405 405 405 405 405 405 405 405 405 405",
    "/api/v1/procurements GET": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "/api/v1/procurements/{ref} GET": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "/api/v1/bidding/opportunities GET": "401 200 200 200 200 200 200 200 200 200 200 200 200",
    "/api/v1/bidding/procurements/{path:reference}/clarifications GET": (
        "401 200 200 200 404 404 404 200 200 200 200 200 200"
    ),
    "/api/v1/bidding/bids GET": "401 200 200 200 200 200 200 200 200 200 200 200 200",
    "/api/v1/bidding/bids/{bid_id} GET": (
        "401 200 404 404 404 404 404 404 404 404 404 404 404",
        "401 200 404 404 404 404 404 200 200 200 200 404 404",
    ),
    "/api/v1/bidding/bids/{bid_id}/submit POST": (
        "401 200 404 404 404 404 404 404 404 404 404 404 404",
        "401 400 404 404 404 404 404 403 403 403 403 404 404",
    ),
    "/api/v1/evaluation/worklist GET": "401 404 404 404 200 200 200 200 200 200 200 200 404",
    "/api/v1/evaluation/procurements/{ref}/results GET": (
        "401 404 404 404 404 404 404 404 404 404 404 404 404"
    ),
    "/api/v1/evaluation/procurements/{ref}/scores POST": (
        "401 404 404 404 404 404 404 404 404 404 404 404 404",
        "401 404 404 404 201 404 404 404 404 404 404 404 404",
    ),
    "/api/v1/procurements/{ref}/ocds GET": "200 200 200 200 200 200 200 200 200 200 200 200 200",
    "/api/v1/procurements/{ref}/ocds/record GET": (
        "200 200 200 200 200 200 200 200 200 200 200 200 200"
    ),
}


def _expected(key: str, phase: str) -> list[int]:
    if key not in EXPECTED:
        pytest.fail(f"No expectation for {key}: add a row to EXPECTED for every role")
    row = EXPECTED[key]
    if isinstance(row, tuple):
        row = row[PHASES.index(phase)]
    statuses = [int(s) for s in row.split()]
    assert len(statuses) == len(ROLES), key
    return statuses


def _cases():
    cases = []
    for name, route in page_endpoints():
        for method in ("GET", "POST"):
            cases += [(f"{name} {method}", ("page", name, route, method), p) for p in PHASES]
    for method, path in api_endpoints():
        cases += [(f"{path} {method}", ("api", path, path, method), p) for p in PHASES]
    return [pytest.param(key, spec, phase, id=f"{key}-{phase}") for key, spec, phase in cases]


def _url(world, spec) -> str:
    kind, name, route, _ = spec
    if kind == "page":
        return reverse(name, kwargs=_kwargs(world, name, route))
    return _api_url(world, name)


def test_every_endpoint_has_an_expectation():
    known = {f"{name} {m}" for name, _ in page_endpoints() for m in ("GET", "POST")}
    known |= {f"{path} {method}" for method, path in api_endpoints()}
    assert known - set(EXPECTED) == set(), "endpoints without an expectation"
    assert set(EXPECTED) - known == set(), "expectations for endpoints that no longer exist"
    assert len(page_endpoints()) >= 40 and len(api_endpoints()) >= 12


@pytest.mark.parametrize(("key", "spec", "phase"), _cases())
def test_access(db, client, world, key, spec, phase):
    expected = _expected(key, phase)
    if phase == "after":
        _after_deadline(world)
    method = spec[3]
    url = _url(world, spec)
    body = _api_body(world, method, spec[1]) if spec[0] == "api" and method == "POST" else None
    wrong, leaks = [], []
    for who, status in zip(ROLES, expected, strict=True):
        response = _outcome(client, world, who, method, url, body)
        if response.status_code != status:
            wrong.append(f"{who or 'anonymous'}: {response.status_code}, expected {status}")
        if response.status_code == 200:
            text = _body(response)
            never = forbidden(who, phase)
            if "/ocds" in key and phase == "after":
                # OCDS names the tenderers (organisations only) once the deadline has passed,
                # as award/ocds.py documents; nothing else of a bid.
                never -= set(PROVIDERS.values())
            seen = sorted(s for s in never if s in text)
            if seen:
                leaks.append(f"{who or 'anonymous'} sees {seen}")
    assert not wrong and not leaks, f"{method} {url} ({phase} the deadline): {wrong + leaks}"


def test_the_world_is_what_the_matrix_assumes(db, world):
    """Guard the fixture: the secrets are really there for those who may read them."""
    from django.test import Client

    client = Client()
    users = world["users"]
    client.force_login(users["alpha"])
    own = client.get(reverse("bidding:bid", kwargs={"pk": world["alpha_bid"].pk})).content
    assert SECRET["alpha_answer"].encode() in own and b"1234567.89" in own
    client.force_login(users["bravo"])
    page = client.get(reverse("bidding:opportunity", kwargs={"reference": REFERENCE})).content
    assert PUBLISHED_QUESTION.encode() in page and PUBLISHED_ANSWER.encode() in page
    assert ALPHA.encode() not in page
    _after_deadline(world)
    client.force_login(users["lead"])
    received = client.get(reverse("bidding:received", kwargs={"reference": REFERENCE})).content
    assert ALPHA.encode() in received and BRAVO.encode() in received
    client.force_login(users["evaluator"])
    url = reverse(
        "evaluation:score",
        kwargs={
            "pk": world["procurement"].pk,
            "bid_id": world["alpha_bid"].pk,
            "question_id": world["q1"].pk,
        },
    )
    assert SECRET["alpha_answer"].encode() in client.get(url).content
