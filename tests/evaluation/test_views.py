import pytest
from django.urls import reverse

from tendercare.evaluation import services
from tendercare.evaluation.models import Score

from .conftest import declare


def url(name, *args):
    return reverse(f"evaluation:{name}", args=args)


def test_worklist_and_declaration_before_any_access(client, assigned, bids, model, evaluator):
    client.force_login(evaluator)
    page = client.get(url("worklist")).content.decode()
    assert "Declare your interests first" in page
    response = client.get(url("score", assigned.pk, bids[0].pk, model["q1"].pk))
    assert response.status_code == 302 and response.url == url("declare", assigned.pk)
    response = client.get(url("declare", assigned.pk))
    assert response.status_code == 200 and "Riverside Care Ltd" in response.content.decode()
    response = client.post(url("declare", assigned.pk), {"has_conflicts": "yes"})
    assert "Choose each bidder" in response.content.decode()
    response = client.post(
        url("declare", assigned.pk),
        {"has_conflicts": "yes", "conflicts": [str(bids[0].provider_id)]},
    )
    assert "Describe your conflict with Riverside Care Ltd" in response.content.decode()
    response = client.post(
        url("declare", assigned.pk),
        {
            "has_conflicts": "yes",
            "conflicts": [str(bids[0].provider_id)],
            f"description_{bids[0].provider_id}": "I worked there until 2024",
        },
    )
    assert response.status_code == 302
    # The conflicted bidder is gone: 404 on its scoring page, others open
    assert client.get(url("score", assigned.pk, bids[0].pk, model["q1"].pk)).status_code == 404
    page = client.get(url("score", assigned.pk, bids[1].pk, model["q1"].pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Hilltop answer to Q1" in text and "Excellent" in text
    assert "Riverside" not in client.get(url("procurement", assigned.pk)).content.decode()


def test_evaluator_scores_with_rationale_and_sees_only_their_own(
    client, declared, bids, model, evaluator, second_evaluator
):
    services.score_record(
        bid=bids[0],
        question=model["q1"],
        evaluator=second_evaluator,
        score=1,
        rationale="SECOND EVALUATOR SECRET",
    )
    client.force_login(evaluator)
    target = url("score", declared.pk, bids[0].pk, model["q1"].pk)
    assert "SECOND EVALUATOR SECRET" not in client.get(target).content.decode()
    response = client.post(target, {"score": "9", "rationale": ""})
    text = response.content.decode()
    assert "There is a problem" in text and "Write the rationale" in text
    response = client.post(target, {"score": "9", "rationale": "Good"})
    assert "whole number from 0 to 5" in response.content.decode()
    response = client.post(target, {"score": "4", "rationale": "Clear single point of access"})
    assert response.status_code == 302
    assert Score.objects.get(evaluator=evaluator).score == 4
    # Moderation is for staff: an evaluator gets 404
    assert client.get(url("moderation", declared.pk)).status_code == 404


def test_scoring_page_before_deadline_is_refused(client, declared, bids, model, evaluator):
    import datetime as dt

    from django.utils import timezone

    declared.bid_deadline = timezone.now() + dt.timedelta(hours=1)
    declared.save()
    client.force_login(evaluator)
    response = client.get(url("score", declared.pk, bids[0].pk, model["q1"].pk))
    assert response.status_code == 400 and "sealed" in response.content.decode()
    response = client.post(
        url("score", declared.pk, bids[0].pk, model["q1"].pk), {"score": "3", "rationale": "x"}
    )
    assert response.status_code == 400
    assert not Score.objects.exists()


def test_moderation_page_flags_spreads_and_records_consensus(
    client, declared, bids, model, evaluator, second_evaluator, commissioner
):
    from .conftest import score_all

    score_all(bids, model, [evaluator, second_evaluator])
    services.score_record(
        bid=bids[0], question=model["q1"], evaluator=evaluator, score=1, rationale="Weak evidence"
    )
    client.force_login(commissioner)
    text = client.get(url("moderation", declared.pk)).content.decode()
    assert "Spread of 3" in text and "Weak evidence" in text and "evaluator2 on Q1" in text
    target = url("moderate", declared.pk, bids[0].pk, model["q1"].pk)
    assert "Give the reason" in client.post(target, {"score": "3"}).content.decode()
    response = client.post(target, {"score": "3", "reason": "Agreed after discussion"})
    assert response.status_code == 302
    assert "Agreed after discussion" in client.get(url("moderation", declared.pk)).content.decode()
    # Junk ids are 404, never 500
    assert client.get(url("moderate", declared.pk, 999999, model["q1"].pk)).status_code == 404
    response = client.post(url("lock", declared.pk))
    assert response.status_code == 302


def test_prices_results_and_report_after_lock(client, locked, bids, commissioner, evaluator):
    client.force_login(evaluator)
    for name in ("prices", "results", "report", "report_pdf"):
        assert client.get(url(name, locked.pk)).status_code == 404
    client.force_login(commissioner)
    assert "£1,100,000.00" in client.get(url("prices", locked.pk)).content.decode()
    text = client.get(url("results", locked.pk)).content.decode()
    assert "Tie-break" in text and "Higher quality score, then lower evaluated price" in text
    report = client.get(url("report", locked.pk)).content.decode()
    for score in Score.objects.all():
        assert score.rationale in report
    assert "Declarations of interest" in report and "Decision trail" in report
    assert "Quality scores locked" in report
    pdf = client.get(url("report_pdf", locked.pk))
    assert pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 1024


def test_prices_closed_before_lock(client, scored, commissioner):
    client.force_login(commissioner)
    response = client.get(url("prices", scored.pk))
    assert response.status_code == 400 and "£" not in response.content.decode()
    assert client.get(url("report_pdf", scored.pk)).status_code == 400


def test_report_contains_moderation_reasons_and_clarifications(
    client, declared, lot, bidders, model, evaluator, second_evaluator, commissioner
):
    from .conftest import make_bid, score_all

    bids = [
        make_bid(lot, bidders[0], price="400000"),
        make_bid(lot, bidders[1], price="1000000"),
    ]
    score_all(bids, model, [evaluator, second_evaluator])
    services.moderation_record(
        bid=bids[1], question=model["q2"], score=3, reason="MODERATION REASON", by=commissioner
    )
    services.quality_lock(procurement=declared, by=commissioner)
    client.force_login(commissioner)
    form = client.post(url("clarify", declared.pk, bids[0].pk), {"explanation": "x"})
    assert "Choose whether" in form.content.decode()
    response = client.post(
        url("clarify", declared.pk, bids[0].pk),
        {"explanation": "CLARIFICATION TEXT", "outcome": "accepted"},
    )
    assert response.status_code == 302
    assert client.get(url("clarify", declared.pk, bids[1].pk)).status_code == 404
    report = client.get(url("report", declared.pk)).content.decode()
    assert "MODERATION REASON" in report and "CLARIFICATION TEXT" in report


def test_assignments_page(client, procurement, model, commissioner, evaluator, councillor):
    client.force_login(commissioner)
    response = client.post(
        url("assignments", procurement.pk),
        {"question": str(model["q1"].pk), "evaluator": str(evaluator.pk)},
    )
    assert response.status_code == 302
    assert "evaluator" in client.get(url("assignments", procurement.pk)).content.decode()
    response = client.post(url("assignments", procurement.pk), {"question": "junk"})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()


def all_pages(procurement, bids, model):
    bid, q = bids[0].pk, model["q1"].pk
    return [
        url("worklist"),
        url("procurement", procurement.pk),
        url("declare", procurement.pk),
        url("score", procurement.pk, bid, q),
        url("assignments", procurement.pk),
        url("moderation", procurement.pk),
        url("moderate", procurement.pk, bid, q),
        url("prices", procurement.pk),
        url("clarify", procurement.pk, bid),
        url("results", procurement.pk),
        url("report", procurement.pk),
        url("report_pdf", procurement.pk),
    ]


@pytest.mark.parametrize("who", ["provider_user", "councillor"])
def test_providers_and_councillors_never_see_anything(client, request, locked, bids, model, who):
    person = request.getfixturevalue(who)
    client.force_login(person)
    for page in all_pages(locked, bids, model):
        assert client.get(page).status_code == 404, page
        assert client.post(page, {"score": "5", "rationale": "x"}).status_code in (404, 405), page


def test_other_bodies_staff_get_404(client, locked, bids, model, other_commissioner):
    client.force_login(other_commissioner)
    for page in all_pages(locked, bids, model)[1:]:
        assert client.get(page).status_code == 404, page


def test_signed_out_people_are_sent_to_sign_in(client, locked, bids, model):
    for page in all_pages(locked, bids, model):
        assert client.get(page).status_code == 302


def test_junk_never_500(client, declared, bids, model, evaluator, commissioner):
    client.force_login(evaluator)
    target = url("score", declared.pk, bids[1].pk, model["q1"].pk)
    for junk in ("", "x" * 20, "1e3", "-0", "nan", "\x00", "５"):
        assert client.post(target, {"score": junk, "rationale": "r"}).status_code in (200, 302)
    assert client.get("/evaluation/999999/").status_code == 404
    assert client.get("/evaluation/abc/").status_code == 404
    client.force_login(commissioner)
    post = client.post(url("declare", declared.pk), {"has_conflicts": "maybe"})
    assert post.status_code == 200
    assert client.post(url("lock", declared.pk)).status_code == 400
    assert client.get(url("lock", declared.pk)).status_code == 405


def test_declare_twice_by_page_is_harmless(client, assigned, evaluator):
    declare(assigned, evaluator)
    client.force_login(evaluator)
    text = client.get(url("declare", assigned.pk)).content.decode()
    assert "You declared your interests" in text
    assert client.post(url("declare", assigned.pk), {"has_conflicts": "no"}).status_code == 200
