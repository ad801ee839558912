import datetime as dt

import pytest
from django.utils import timezone

from tendercare.procurement import services
from tendercare.procurement.models import Procurement, State

from .conftest import build_model, decide


def html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_list_and_detail_render(signed_in, ready):
    page = html(signed_in.get("/procurements/"))
    assert "MED-HC-2026" in page and "Route decided" in page
    page = html(signed_in.get(f"/procurements/{ready.pk}/"))
    assert "Home care in four zones" in page
    assert "Publish the tender notice and open for bids" in page  # next action button
    assert "Cancel the procurement" in page
    assert "light touch threshold of GBP 663,540" in page  # the decision's explanation
    assert f"/history/procurement.procurement/{ready.pk}/" in page


def test_create_form(signed_in, council):
    page = html(signed_in.get("/procurements/new/"))
    assert "Start a procurement" in page
    response = signed_in.post(
        "/procurements/new/",
        {"reference": "MED-CH-1", "title": "Community health", "estimated_value": "2500000"},
    )
    p = Procurement.objects.get(reference="MED-CH-1")
    assert response.status_code == 302 and response.url == f"/procurements/{p.pk}/"
    assert p.owner == council


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"reference": "X", "title": "T", "estimated_value": "lots"},
        {"reference": "X", "title": "T", "estimated_value": "1e400"},
        {"reference": "X" * 80, "title": "T", "estimated_value": "1"},
        {"reference": "X", "title": "T", "estimated_value": "1", "programme": "999"},
        {"reference": "X", "title": "T", "estimated_value": "1", "replaces": ["abc"]},
    ],
)
def test_create_form_junk_shows_errors(signed_in, data):
    page = html(signed_in.post("/procurements/new/", data))
    assert "There is a problem" in page
    assert not Procurement.objects.exists()


def test_create_duplicate_reference_is_a_form_error(signed_in, procurement):
    page = html(
        signed_in.post(
            "/procurements/new/",
            {"reference": "MED-HC-2026", "title": "T", "estimated_value": "1"},
        )
    )
    assert "There is already a procurement with the reference MED-HC-2026" in page


def test_route_advisor_shows_recommendation_and_decides(signed_in, procurement):
    page = html(
        signed_in.get(
            f"/procurements/{procurement.pk}/route/",
            {
                "service_kind": "healthcare",
                "estimated_value": "3000000",
                "facts": ["existing_provider_satisfactory_and_unchanged"],
            },
        )
    )
    assert "Direct award process C" in page
    assert "regulation 6(5)" in page
    assert "Notice of intention to award a contract" in page
    assert "regulation 12" in page
    data = {
        "service_kind": "healthcare",
        "estimated_value": "3000000",
        "facts": ["existing_provider_satisfactory_and_unchanged"],
        "chosen_route": "psr_competitive",
    }
    page = html(signed_in.post(f"/procurements/{procurement.pk}/route/", data))
    assert "Say why you chose Competitive process" in page
    response = signed_in.post(
        f"/procurements/{procurement.pk}/route/", data | {"rationale": "Market test wanted"}
    )
    assert response.status_code == 302
    procurement.refresh_from_db()
    assert procurement.route == "psr_competitive" and procurement.state == State.ROUTE_DECIDED


@pytest.mark.parametrize(
    "params",
    [
        {"service_kind": "rockets"},
        {"service_kind": "social_care", "estimated_value": "x"},
        {"service_kind": "social_care", "estimated_value": "1", "facts": ["fly"]},
    ],
)
def test_route_advisor_junk(signed_in, procurement, params):
    assert "There is a problem" in html(
        signed_in.get(f"/procurements/{procurement.pk}/route/", params)
    )
    response = signed_in.post(
        f"/procurements/{procurement.pk}/route/", params | {"chosen_route": "x"}
    )
    assert response.status_code == 200
    procurement.refresh_from_db()
    assert procurement.route == ""


def test_transition_buttons(signed_in, procurement):
    response = signed_in.post(
        f"/procurements/{procurement.pk}/transition/", {"to_state": "awarded"}
    )
    assert response.status_code == 302
    page = html(signed_in.get(f"/procurements/{procurement.pk}/"))
    assert "The procurement is draft, so you cannot move it to" in page
    signed_in.post(f"/procurements/{procurement.pk}/transition/", {"to_state": "nonsense"})
    signed_in.post(f"/procurements/{procurement.pk}/transition/", {})
    response = signed_in.post(
        f"/procurements/{procurement.pk}/transition/", {"to_state": "cancelled"}
    )
    assert response.status_code == 302
    procurement.refresh_from_db()
    assert procurement.state == State.CANCELLED


def test_publish_button_leads_to_the_publish_form(signed_in, ready):
    response = signed_in.post(f"/procurements/{ready.pk}/transition/", {"to_state": "published"})
    assert response.url == f"/procurements/{ready.pk}/publish/"


def _moment(name, when):
    return {
        f"{name}-day": str(when.day),
        f"{name}-month": str(when.month),
        f"{name}-year": str(when.year),
        f"{name}-time": "14:00",
    }


def test_publish_form(signed_in, ready):
    page = html(signed_in.get(f"/procurements/{ready.pk}/publish/"))
    assert "UK4 tender notice" in page
    page = html(
        signed_in.post(
            f"/procurements/{ready.pk}/publish/",
            {
                "bid_deadline-day": "31",
                "bid_deadline-month": "2",
                "bid_deadline-year": "2027",
                "bid_deadline-time": "25:00",
            },
        )
    )
    assert "must be a real date" in page and "Enter the clarification deadline date" in page
    soon = dt.date.today() + dt.timedelta(days=20)
    later = dt.date.today() + dt.timedelta(days=40)
    response = signed_in.post(
        f"/procurements/{ready.pk}/publish/",
        _moment("clarification_deadline", soon) | _moment("bid_deadline", later),
    )
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.state == State.PUBLISHED
    assert timezone.localtime(ready.bid_deadline).hour == 14


def test_lots_page_add_and_edit(signed_in, procurement, commissioner, locality):
    decide(procurement, commissioner)
    page = html(signed_in.get(f"/procurements/{procurement.pk}/lots/"))
    assert "Add a lot" in page
    bad = {"title": "", "kind": "zone", "hours_urban": "-3", "number": "x"}
    assert "There is a problem" in html(
        signed_in.post(f"/procurements/{procurement.pk}/lots/", bad)
    )
    page = html(
        signed_in.post(f"/procurements/{procurement.pk}/lots/", {"title": "North", "kind": "zone"})
    )
    assert "Choose the locality the zone covers" in page
    response = signed_in.post(
        f"/procurements/{procurement.pk}/lots/",
        {
            "title": "North",
            "kind": "zone",
            "locality": str(locality.pk),
            "in_scope": "Adults",
            "priced_by_band": "on",
            "hours_urban": "1200",
            "hours_isolated": "80.5",
        },
    )
    assert response.status_code == 302
    lot = procurement.lots.get()
    page = html(signed_in.get(f"/procurements/{procurement.pk}/lots/"))
    assert "1,200.0" in page and "80.5" in page
    page = html(signed_in.get(f"/procurements/{procurement.pk}/lots/{lot.pk}/"))
    assert 'value="1200.0"' in page
    response = signed_in.post(
        f"/procurements/{procurement.pk}/lots/{lot.pk}/",
        {"title": "North zone", "kind": "zone", "locality": str(locality.pk), "hours_rural": "5"},
    )
    assert response.status_code == 302
    lot.refresh_from_db()
    assert lot.title == "North zone"


def test_requirements_page(signed_in, procurement):
    response = signed_in.post(
        f"/procurements/{procurement.pk}/requirements/",
        {
            "code": "R1",
            "title": "Single point of access",
            "text": "One number, in and out of hours",
        },
    )
    assert response.status_code == 302
    page = html(signed_in.get(f"/procurements/{procurement.pk}/requirements/"))
    assert "Single point of access" in page
    page = html(
        signed_in.post(f"/procurements/{procurement.pk}/requirements/", {"code": "R1", "lot": "9"})
    )
    assert "There is a problem" in page


def test_evaluation_model_pages(signed_in, procurement, commissioner):
    page = html(signed_in.get(f"/procurements/{procurement.pk}/model/"))
    assert "The evaluation model is not ready to publish" in page
    assert "Unacceptable" in page and "Excellent" in page
    assert "There is a problem" in html(
        signed_in.post(
            f"/procurements/{procurement.pk}/model/criteria/new/", {"name": "Q", "weight": "abc"}
        )
    )
    response = signed_in.post(
        f"/procurements/{procurement.pk}/model/criteria/new/",
        {"name": "Quality", "kind": "quality", "weight": "60"},
    )
    assert response.status_code == 302
    quality = procurement.criteria.get()
    services.requirement_add(
        procurement=procurement, code="R1", title="SPA", text="t", by=commissioner
    )
    assert "There is a problem" in html(
        signed_in.post(f"/procurements/{procurement.pk}/model/questions/new/", {"criterion": "0"})
    )
    response = signed_in.post(
        f"/procurements/{procurement.pk}/model/questions/new/",
        {
            "criterion": str(quality.pk),
            "number": "Q1",
            "text": "How?",
            "scale": "0-5",
            "weight": "60",
            "minimum_score": "2",
            "requirements": [str(procurement.requirements.get().pk)],
        },
    )
    assert response.status_code == 302
    page = html(signed_in.get(f"/procurements/{procurement.pk}/model/"))
    assert "Top-level weights add up to 60%, not 100%" in page
    assert "How?" in page
    page = html(
        signed_in.post(f"/procurements/{procurement.pk}/model/price/", {"formula": "benchmark"})
    )
    assert "needs a floor and a ceiling" in page
    response = signed_in.post(
        f"/procurements/{procurement.pk}/model/price/",
        {"formula": "benchmark", "floor": "20", "ceiling": "30"},
    )
    assert response.status_code == 302


def test_valid_model_page_says_so(signed_in, ready):
    assert 'id="model-valid"' in html(signed_in.get(f"/procurements/{ready.pk}/model/"))


def test_stage_form(signed_in, procurement, commissioner, locality):
    from .conftest import HOME_CARE, publish

    decide(
        procurement,
        commissioner,
        answers=HOME_CARE | {"needs_dialogue": True},
        route="competitive_flexible",
    )
    build_model(procurement, commissioner, locality)
    publish(procurement, commissioner)
    assert "Stage of the competitive flexible procedure" in html(
        signed_in.get(f"/procurements/{procurement.pk}/")
    )
    signed_in.post(f"/procurements/{procurement.pk}/stage/", {"stage": "Selection"})
    procurement.refresh_from_db()
    assert procurement.stage == "Selection"
    assert (
        signed_in.post(f"/procurements/{procurement.pk}/stage/", {"stage": ""}).status_code == 302
    )


PAGES = ["", "route/", "lots/", "requirements/", "model/"]


@pytest.mark.parametrize("suffix", PAGES + ["publish/", "model/criteria/new/", "model/price/"])
def test_other_council_gets_404(client, other_commissioner, ready, suffix):
    client.force_login(other_commissioner)
    assert client.get(f"/procurements/{ready.pk}/{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", PAGES)
def test_councillor_reads_but_cannot_change(client, councillor, ready, suffix):
    client.force_login(councillor)
    page = html(client.get(f"/procurements/{ready.pk}/{suffix}"))
    assert "Cancel the procurement" not in page
    assert (
        client.post(f"/procurements/{ready.pk}/transition/", {"to_state": "cancelled"}).status_code
        == 403
    )
    assert client.get(f"/procurements/{ready.pk}/publish/").status_code == 403
    assert client.get("/procurements/new/").status_code == 403


def test_provider_sees_only_published(client, provider_user, ready, commissioner):
    client.force_login(provider_user)
    assert client.get(f"/procurements/{ready.pk}/").status_code == 404
    assert "MED-HC-2026" not in html(client.get("/procurements/"))
    from .conftest import publish

    publish(ready, commissioner)
    assert "MED-HC-2026" in html(client.get("/procurements/"))
    page = html(client.get(f"/procurements/{ready.pk}/"))
    assert "Tender notice" in page and "Cancel the procurement" not in page


def test_evaluator_without_assignment_sees_none(client, evaluator, ready):
    client.force_login(evaluator)
    assert "MED-HC-2026" not in html(client.get("/procurements/"))
    assert client.get(f"/procurements/{ready.pk}/").status_code == 404


def test_history_pages(signed_in, ready):
    lot = ready.lots.get()
    assert signed_in.get(f"/history/procurement.procurement/{ready.pk}/").status_code == 200
    assert signed_in.get(f"/history/procurement.lot/{lot.pk}/").status_code == 200
    criterion = ready.criteria.first()
    assert signed_in.get(f"/history/procurement.criterion/{criterion.pk}/").status_code == 200


def test_sign_in_required(client, ready):
    response = client.get("/procurements/")
    assert response.status_code == 302 and "sign-in" in response.url or "login" in response.url
