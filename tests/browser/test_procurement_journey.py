"""The procurement stage in a real browser, axe on every page visited.

Given a published procurement with a lot priced by band, a provider registers interest, asks a
clarification question, fills in and submits a bid with a document; the deadline passes (the
test moves it in the database); an evaluator declares no conflicts and scores the bid. The
procurement lead then walks every set-up, bidding, evaluation and award page.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tendercare.bidding.models import Bid
from tendercare.contracts.models import ServiceLine
from tendercare.evaluation import services as evaluation
from tendercare.evaluation.models import Declaration, Score
from tendercare.organisations.models import Role
from tendercare.procurement import services as procurement_services
from tendercare.procurement.models import Procurement
from tests.browser_support import check_accessibility, sign_in
from tests.factories import PASSWORD, CommissionerOrgFactory, ProviderOrgFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFERENCE = "MED-HC-2026"
BAND_RATES = {"Urban": "24.10", "Fringe": "25.20", "Rural": "27.30", "Isolated": "31.00"}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people(db):
    medway = CommissionerOrgFactory(name="Medway Council")
    riverside = ProviderOrgFactory(name="Riverside Care Ltd")
    return {
        "lead": UserFactory(username="lead", role=Role.PROCUREMENT_LEAD, organisation=medway),
        "provider": UserFactory(username="provider", role=Role.PROVIDER, organisation=riverside),
        "evaluator": UserFactory(username="evaluator", role=Role.EVALUATOR, organisation=medway),
        "riverside": riverside,
    }


@pytest.fixture
def published(people):
    """Open for bids: one lot priced by band, quality (60%), price (30%) and social value (10%), a
    question each for quality and social value; the evaluator is assigned to both."""
    lead = people["lead"]
    p = procurement_services.procurement_create(
        owner=lead.organisation,
        reference=REFERENCE,
        title="Home care in Medway",
        estimated_value=Decimal("6000000"),
        by=lead,
    )
    procurement_services.route_decide(
        procurement=p,
        answers={"service_kind": "social_care", "estimated_value": "6000000"},
        chosen_route="open",
        by=lead,
    )
    service, _ = ServiceLine.objects.get_or_create(name="Home care")
    procurement_services.lot_add(
        procurement=p,
        title="Home care, whole borough",
        kind="service_line",
        service=service,
        priced_by_band=True,
        band_hours={"urban": "20000", "fringe": "8000", "rural": "3000", "isolated": "500"},
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
    questions = [
        procurement_services.question_add(
            criterion=quality,
            number="Q1",
            text="How will you recruit and keep carers?",
            weight=60,
            requirements=[requirement],
            by=lead,
        ),
        procurement_services.question_add(
            criterion=social, number="Q2", text="How many local jobs?", weight=10, by=lead
        ),
    ]
    now = timezone.now()
    procurement_services.procurement_publish(
        procurement=p,
        bid_deadline=now + dt.timedelta(days=21),
        clarification_deadline=now + dt.timedelta(days=14),
        by=lead,
    )
    for question in questions:
        evaluation.assignment_add(
            procurement=p, question=question, evaluator=people["evaluator"], by=lead
        )
    p.refresh_from_db()
    return p


def visit(page, path, heading=None):
    response = page.goto(path)
    assert response.status == 200, f"{path}: {response.status}"
    if heading:
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    check_accessibility(page)


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/|/$"))


def test_a_provider_bids_and_an_evaluator_scores(page, people, published, tmp_path):
    # Given a provider signed in, finding the opportunity
    sign_in(page, "provider", PASSWORD)
    check_accessibility(page)
    page.get_by_role("link", name="Opportunities").first.click()
    expect(page.get_by_role("heading", name="Opportunities")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name=f"{REFERENCE} Home care in Medway").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Home care in Medway")
    check_accessibility(page)

    # When it registers interest and asks a clarification question
    page.get_by_role("button", name="Register interest").click()
    expect(page.get_by_text("Your interest is registered")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Send question").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Ask a clarification question").fill("Are bank holidays paid at a premium?")
    page.get_by_role("button", name="Send question").click()
    expect(page.get_by_text("Your question is sent")).to_be_visible()
    expect(page.get_by_text("Are bank holidays paid at a premium?")).to_be_visible()
    check_accessibility(page)

    # And starts a bid for the lot, answers, prices each band and uploads a document
    page.get_by_role("link", name="Bid for lot 1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lot 1")
    check_accessibility(page)
    page.get_by_role("button", name="Start your bid").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bid by Riverside Care Ltd")
    check_accessibility(page)
    page.get_by_label("Q1: How will you recruit and keep carers?").fill(
        "A living wage, paid travel time and a career path to senior carer"
    )
    page.get_by_label("Urban hourly rate, £").fill("not a price")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    for band, rate in BAND_RATES.items():
        page.get_by_label(f"{band} hourly rate, £").fill(rate)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your bid is saved as a draft")).to_be_visible()
    check_accessibility(page)
    document = tmp_path / "method-statement.pdf"
    document.write_bytes(b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
    page.get_by_label("Upload a document").set_input_files(str(document))
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_text("method-statement.pdf is uploaded")).to_be_visible()
    check_accessibility(page)

    # Then, with a question still unanswered, submitting is refused and says what is missing
    page.get_by_role("button", name="Submit bid").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Answer question Q2")
    check_accessibility(page)
    page.get_by_label("Q2: How many local jobs?").fill("Forty carers recruited in Medway")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your bid is saved as a draft")).to_be_visible()

    # And once complete it submits and sees the confirmation
    page.get_by_role("button", name="Submit bid").click()
    expect(page.get_by_text("Your bid is submitted")).to_be_visible()
    check_accessibility(page)
    bid = Bid.objects.get(provider=people["riverside"])
    assert bid.status == Bid.Status.SUBMITTED
    assert bid.documents.count() == 1
    sign_out(page)

    # When the deadline passes, the evaluator declares no conflicts and scores the bid
    Procurement.objects.filter(pk=published.pk).update(
        bid_deadline=timezone.now() - dt.timedelta(minutes=1),
        clarification_deadline=timezone.now() - dt.timedelta(days=1),
    )
    sign_in(page, "evaluator", PASSWORD)
    visit(page, "/evaluation/")
    expect(page.get_by_text(REFERENCE).first).to_be_visible()
    page.get_by_role("link", name=re.compile(REFERENCE)).first.click()
    expect(page.get_by_role("link", name="Declare your interests first")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Declare your interests first").click()
    expect(page.get_by_role("heading", name="Declare your interests")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("No, I have no conflict of interest with any bidder").check()
    page.get_by_role("button", name="Make declaration").click()
    expect(page.get_by_text("Declaration of interests recorded")).to_be_visible()
    check_accessibility(page)
    assert Declaration.objects.filter(evaluator=people["evaluator"]).exists()
    page.get_by_role("link", name="Q1 for Riverside Care Ltd").click()
    expect(page.locator("#answer")).to_contain_text("paid travel time")
    check_accessibility(page)
    page.get_by_label("Score (0 to 5)").fill("4")
    page.get_by_label("Rationale").fill("Travel time paid and a clear career path: strong")
    page.get_by_role("button", name="Save score").click()
    expect(page.get_by_text("Your score for Q1 is saved")).to_be_visible()
    check_accessibility(page)
    score = Score.objects.get(evaluator=people["evaluator"])
    assert score.score == 4 and "career path" in score.rationale


@pytest.fixture
def evaluated(people, published):
    """A submitted bid and a clarification question; the deadline has passed, the bid is scored,
    the lead has declared and quality is locked."""
    from tendercare.bidding import services as bidding
    from tendercare.bidding.queries import questions_for_lot

    provider, lead = people["provider"], people["lead"]
    lot = published.lots.get()
    bidding.interest_register(procurement=published, by=provider)
    bidding.clarification_ask(
        procurement=published, question="Is mileage paid between visits?", by=provider
    )
    bid = bidding.bid_start(lot=lot, by=provider)
    answers = {str(q.pk): f"Our answer to {q.number}" for q in questions_for_lot(lot)}
    prices = dict.fromkeys(("urban", "fringe", "rural", "isolated"), "24.50")
    bid = bidding.bid_save(bid=bid, answers=answers, prices=prices, by=provider)
    bid = bidding.bid_submit(bid=bid, by=provider)
    Procurement.objects.filter(pk=published.pk).update(
        bid_deadline=timezone.now() - dt.timedelta(minutes=1),
        clarification_deadline=timezone.now() - dt.timedelta(days=1),
    )
    published.refresh_from_db()
    procurement_services.procurement_transition(
        procurement=published, to_state="evaluation", by=lead, note="Bids opened"
    )
    bid = Bid.objects.get(pk=bid.pk)
    for person in (people["evaluator"], lead):
        evaluation.declaration_make(procurement=published, evaluator=person, no_conflicts=True)
    for question in questions_for_lot(lot):
        evaluation.score_record(
            bid=bid,
            question=question,
            evaluator=people["evaluator"],
            score=3,
            rationale="Sound, with evidence",
        )
    evaluation.quality_lock(procurement=published, by=lead)
    published.refresh_from_db()
    return published


def test_the_procurement_lead_walks_every_page(page, people, evaluated):
    sign_in(page, "lead", PASSWORD)

    # Set-up pages, on a new draft procurement started through the form
    visit(page, "/procurements/", "Procurements")
    visit(page, "/procurements/new/")
    page.get_by_role("button", name=re.compile("Start")).click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Reference").fill("MED-NEW-1")
    page.get_by_label("Title").fill("Reablement from 2027")
    page.get_by_label("Estimated whole-life value, including VAT (GBP)").fill("2500000")
    page.get_by_role("button", name=re.compile("Start")).click()
    expect(page.get_by_text("Procurement MED-NEW-1 started")).to_be_visible()
    check_accessibility(page)
    draft = Procurement.objects.get(reference="MED-NEW-1")
    for path in ("route/", "lots/", "requirements/", "model/", "publish/"):
        visit(page, f"/procurements/{draft.pk}/{path}")
    visit(page, f"/procurements/{draft.pk}/route/?service_kind=social_care&estimated_value=2500000")
    for path in ("model/criteria/new/", "model/questions/new/", "model/price/"):
        visit(page, f"/procurements/{draft.pk}/{path}")

    # The published, evaluated procurement
    p = evaluated
    lot = p.lots.get()
    for path in ("", "route/", "lots/", f"lots/{lot.pk}/", "requirements/", "model/", "publish/"):
        visit(page, f"/procurements/{p.pk}/{path}")

    # Clarifications and bids received
    visit(page, "/bidding/clarifications/", "Clarification")
    page.get_by_role("link", name="Is mileage paid between visits?").click()
    expect(page.get_by_label(re.compile("Answer"))).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name=re.compile("Save|Answer|Publish")).first.click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    visit(page, f"/bidding/opportunities/{REFERENCE}/")
    visit(page, f"/bidding/received/{REFERENCE}/", "Bids received")
    expect(page.get_by_text("Riverside Care Ltd").first).to_be_visible()
    bid = Bid.objects.get(lot=lot)
    visit(page, f"/bidding/bids/{bid.pk}/")

    # Evaluation: the procurement, assignments, moderation, prices, results and report
    for path in ("", "assignments/", "declare/", "moderation/", "prices/", "results/", "report/"):
        visit(page, f"/evaluation/{p.pk}/{path}")
    visit(page, "/evaluation/")

    # Award
    visit(page, "/award/")
    visit(page, f"/award/{REFERENCE}/")
    expect(page.get_by_text("Riverside Care Ltd").first).to_be_visible()
