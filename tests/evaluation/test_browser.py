"""Given/when/then in a real browser: an evaluator declares, then scores a bid with a rationale;
axe runs on every page visited."""

import pytest
from playwright.sync_api import expect

from tendercare.evaluation.models import Declaration, Score
from tests.browser_support import check_accessibility, sign_in
from tests.factories import PASSWORD

from .conftest import declare, score_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def when_i_declare_no_conflicts(page):
    page.get_by_role("link", name="Declare your interests first").click()
    expect(page.get_by_role("heading", name="Declare your interests")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Make declaration").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say whether")
    check_accessibility(page)
    page.get_by_label("No, I have no conflict of interest with any bidder").check()
    page.get_by_role("button", name="Make declaration").click()
    expect(page.get_by_text("Declaration of interests recorded")).to_be_visible()
    check_accessibility(page)


def when_i_score(page, link, *, score, rationale):
    page.get_by_role("link", name=link).click()
    expect(page.locator("#answer")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Score (0 to 5)").fill(score)
    page.get_by_label("Rationale").fill(rationale)
    page.get_by_role("button", name="Save score").click()


def test_evaluator_declares_and_scores_a_bid(page, assigned, bids, evaluator):
    sign_in(page, "evaluator", PASSWORD)
    page.goto("/evaluation/")
    expect(page.locator("#worklist")).to_contain_text("MC-2026-001")
    check_accessibility(page)

    when_i_declare_no_conflicts(page)
    assert Declaration.objects.filter(evaluator=evaluator).exists()

    when_i_score(page, "Q1 for Hilltop Homecare Ltd", score="", rationale="")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a score")
    check_accessibility(page)
    page.get_by_label("Score (0 to 5)").fill("4")
    page.get_by_label("Rationale").fill("A named coordinator and a single phone number, 24/7")
    page.get_by_role("button", name="Save score").click()
    expect(page.get_by_text("Your score for Q1 is saved")).to_be_visible()
    check_accessibility(page)
    score = Score.objects.get(evaluator=evaluator)
    assert score.score == 4 and "named coordinator" in score.rationale


def test_staff_moderate_and_read_the_results(
    page, assigned, bids, model, evaluator, second_evaluator, commissioner
):
    from tendercare.evaluation import services

    for person in (evaluator, second_evaluator, commissioner):
        declare(assigned, person)
    score_all(bids, model, [evaluator, second_evaluator])
    services.score_record(
        bid=bids[0], question=model["q1"], evaluator=evaluator, score=1, rationale="Thin answer"
    )
    sign_in(page, "commissioner", PASSWORD)
    page.goto(f"/evaluation/{assigned.pk}/moderation/")
    expect(page.get_by_text("Spread of 3")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Record consensus for Q1, Riverside Care Ltd").click()
    check_accessibility(page)
    page.get_by_label("Consensus score", exact=True).fill("3")
    page.get_by_label("Reason for the consensus score").fill("Agreed: evidence for weekdays only")
    page.get_by_role("button", name="Save consensus score").click()
    expect(page.get_by_text("Consensus score for Q1 saved")).to_be_visible()
    page.get_by_role("button", name="Lock quality scores").click()
    expect(page.get_by_role("heading", name="Price checks")).to_be_visible()
    check_accessibility(page)
    for name in ("Results", "Evaluation report", "Evaluators and declarations"):
        page.get_by_role("link", name=name, exact=True).click()
        check_accessibility(page)
