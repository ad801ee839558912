"""Visit every kind of page in the demo county, as each kind of user, and run axe on each."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tendercare.contracts.models import Contract
from tendercare.core.history import history_url
from tendercare.demo import county, people
from tendercare.geography.models import Locality, Ward
from tendercare.organisations.models import Organisation
from tendercare.programmes.models import Programme
from tests.browser_support import check_accessibility, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def commissioner_pages() -> list[str]:
    medway = Organisation.objects.get(name="Medway Council")
    contract = Contract.objects.filter(shares__organisation=medway).order_by("reference").first()
    programme = Programme.objects.get(name="Home care from November 2026")
    milestone = programme.milestones.first()
    risk = programme.risks.first()
    locality = Locality.objects.filter(place__code="E06000035").first()
    ward = Ward.objects.filter(place__code="E07000108").first()
    return [
        "/",
        "/contracts/",
        "/contracts/?warning=not_competed&sort=-annual_value",
        f"/contracts/{contract.reference}/",
        f"/contracts/{contract.reference}/vary/",
        f"/contracts/{contract.reference}/baseline/",
        "/contracts/add/",
        "/contracts/import/",
        history_url(contract),
        "/programmes/",
        "/programmes/new/",
        f"/programmes/{programme.pk}/",
        f"/programmes/{programme.pk}/edit/",
        f"/programmes/{programme.pk}/contracts/",
        f"/programmes/{programme.pk}/milestones/new/",
        f"/programmes/{programme.pk}/milestones/{milestone.pk}/",
        f"/programmes/{programme.pk}/risks/",
        f"/programmes/{programme.pk}/risks/{risk.pk}/",
        f"/programmes/{programme.pk}/decisions/",
        f"/programmes/{programme.pk}/lessons/",
        history_url(milestone),
        "/areas/",
        "/areas/E06000035/",
        "/areas/E07000108/",
        f"/areas/localities/{locality.pk}/",
        f"/areas/localities/{locality.pk}/edit/",
        f"/areas/wards/{ward.code}/",
        "/areas/postcode/?postcode=ME4+4TR",
        "/areas/postcode/?postcode=not+a+postcode",
        "/areas/rurality-bands/",
        "/areas/rurality-bands/edit/",
        "/organisations/",
        f"/organisations/{medway.pk}/",
        "/sources/",
        "/organisations/account/api-tokens/",
    ]


@pytest.fixture
def demo_county(db):
    county.build(as_of=dt.date.today())


def visit_all(page, urls):
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
        assert page.title().endswith("Tendercare"), url
        check_accessibility(page)


def test_every_commissioner_page_is_accessible(page, demo_county):
    urls = commissioner_pages()
    sign_in(page, "commissioner", people.DEMO_PASSWORD)
    visit_all(page, urls)
    response = page.goto("/contracts/NO-SUCH-CONTRACT/")
    assert response.status == 404
    check_accessibility(page)


def test_councillor_and_provider_pages_are_accessible_and_scoped(page, demo_county):
    provider = Organisation.objects.get(name="Riverside Home Care Ltd")
    own = Contract.objects.filter(provider=provider).first()
    others = Contract.objects.exclude(provider=provider).first()
    programme = Programme.objects.get(name="Home care from November 2026")

    sign_in(page, "councillor", people.DEMO_PASSWORD)
    visit_all(page, ["/contracts/", f"/programmes/{programme.pk}/"])
    assert page.get_by_text("Add a milestone").count() == 0  # read-only
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "admin", people.DEMO_PASSWORD)
    visit_all(page, ["/organisations/people/"])
    page.get_by_role("button", name="Add person").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "provider", people.DEMO_PASSWORD)
    visit_all(page, ["/contracts/", f"/contracts/{own.reference}/"])
    assert page.goto(f"/contracts/{others.reference}/").status == 404
    assert page.goto(f"/programmes/{programme.pk}/").status == 404
