import pytest
from django.test import Client

from tendercare.bidding import queries, services
from tendercare.bidding.models import Clarification

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(procurement, provider_user, procurement_lead):
    services.interest_register(procurement=procurement, by=provider_user)
    c = services.clarification_ask(
        procurement=procurement, question="Does TUPE apply to night staff?", by=provider_user
    )
    return services.clarification_answer(
        clarification=c, answer="Yes, TUPE applies.", publish=True, by=procurement_lead
    )


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_published_clarifications_are_anonymised(answered, procurement):
    published = queries.published_clarifications(procurement)
    assert len(published) == 1
    assert published[0].question == "Does TUPE apply to night staff?"
    assert not hasattr(published[0], "asked_by")
    assert not hasattr(published[0], "asked_by_user")


@pytest.mark.parametrize("viewer", ["other_provider_user", "provider_user", "commissioner"])
def test_asking_providers_name_never_appears_in_page_or_api(request, answered, procurement, viewer):
    client = signed_in(request.getfixturevalue(viewer))
    page = client.get(f"/bidding/opportunities/{procurement.reference}/").content.decode()
    assert "Does TUPE apply to night staff?" in page and "Yes, TUPE applies." in page
    published = page.split("Clarifications", 1)[1].split("Your organisation", 1)[0]
    assert "Riverside" not in published
    api = client.get(f"/api/v1/bidding/procurements/{procurement.reference}/clarifications")
    assert api.status_code == 200
    assert api.json() == [
        {
            "number": 1,
            "question": "Does TUPE apply to night staff?",
            "answer": "Yes, TUPE applies.",
            "answered_at": api.json()[0]["answered_at"],
        }
    ]
    assert "Riverside" not in api.content.decode()


def test_provider_pages_never_name_the_asker(answered, procurement, other_provider_user):
    page = signed_in(other_provider_user).get(f"/bidding/opportunities/{procurement.reference}/")
    assert "Riverside" not in page.content.decode()


def test_unpublished_answers_stay_private(
    procurement, provider_user, procurement_lead, other_provider_user
):
    services.interest_register(procurement=procurement, by=provider_user)
    c = services.clarification_ask(procurement=procurement, question="Secret?", by=provider_user)
    services.clarification_answer(
        clarification=c, answer="Draft answer", publish=False, by=procurement_lead
    )
    assert queries.published_clarifications(procurement) == []
    assert list(queries.clarifications_for(other_provider_user, procurement)) == []
    assert list(queries.clarifications_for(provider_user, procurement)) == [c]
    assert list(queries.clarifications_for(procurement_lead, procurement)) == [c]


def test_staff_answer_and_publish_through_the_pages(procurement, provider_user, procurement_lead):
    services.interest_register(procurement=procurement, by=provider_user)
    c = services.clarification_ask(procurement=procurement, question="Parking?", by=provider_user)
    client = signed_in(procurement_lead)
    listing = client.get("/bidding/clarifications/")
    assert listing.status_code == 200 and "Parking?" in listing.content.decode()
    form = client.get(f"/bidding/clarifications/{c.pk}/answer/")
    assert "Riverside Care Ltd" in form.content.decode()  # staff know who asked
    empty = client.post(f"/bidding/clarifications/{c.pk}/answer/", {"answer": ""})
    assert empty.status_code == 400 and "Enter an answer" in empty.content.decode()
    done = client.post(
        f"/bidding/clarifications/{c.pk}/answer/", {"answer": "Free parking.", "publish": "on"}
    )
    assert done.status_code == 302
    c.refresh_from_db()
    assert c.published and c.answer == "Free parking."


@pytest.mark.parametrize(
    "viewer", ["councillor", "evaluator", "provider_user", "other_commissioner", "contract_manager"]
)
def test_clarification_pages_for_running_staff_only(request, procurement, provider_user, viewer):
    services.interest_register(procurement=procurement, by=provider_user)
    c = services.clarification_ask(procurement=procurement, question="Q?", by=provider_user)
    user = request.getfixturevalue(viewer)
    client = signed_in(user)
    listing = client.get("/bidding/clarifications/")
    # Another council's staff have their own (empty) list; everyone else has none
    assert listing.status_code == (200 if viewer == "other_commissioner" else 404)
    assert "Q?" not in listing.content.decode()
    assert client.get(f"/bidding/clarifications/{c.pk}/answer/").status_code == 404
    assert (
        client.post(f"/bidding/clarifications/{c.pk}/answer/", {"answer": "x"}).status_code == 404
    )
    assert Clarification.objects.get().answer == ""


def test_provider_asks_through_the_page(procurement, provider_user):
    client = signed_in(provider_user)
    url = f"/bidding/opportunities/{procurement.reference}/"
    refused = client.post(url + "ask/", {"question": "Before interest?"})
    assert refused.status_code == 400 and "Register your interest" in refused.content.decode()
    assert client.post(url + "interest/").status_code == 302
    assert client.post(url + "ask/", {"question": ""}).status_code == 400
    assert client.post(url + "ask/", {"question": "Hours?"}).status_code == 302
    assert Clarification.objects.get().question == "Hours?"
