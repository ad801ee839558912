"""The award pages: staff act on the award; a provider sees only its own letter."""

import datetime as dt

import pytest

from tendercare.award.models import Award, Representation
from tendercare.organisations.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_staff_page_shows_lots_awards_and_standstill(signed_in, issued):
    response = signed_in.get("/award/HC-2026-01/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lot 1: North zone" in html
    assert "Prime provider" in html and "Supplementary provider" in html
    assert "8 working days" in html
    assert "31 December 2026" in html
    assert "Record a representation" in html


def test_propose_by_hand_from_the_page(signed_in, procurement, bids):
    z = bids.zone_bids
    data = {f"rank_{z[2].pk}": "1", f"rank_{z[0].pk}": "2"}
    response = signed_in.post(f"/award/HC-2026-01/lots/{bids.zone.number}/propose/", data)
    assert response.status_code == 302
    assert [(a.role, a.bid) for a in Award.objects.filter(lot=bids.zone)] == [
        ("prime", z[2]),
        ("supplementary", z[0]),
    ]


def test_duplicate_ranks_are_a_form_error(signed_in, procurement, bids):
    z = bids.zone_bids
    data = {f"rank_{z[2].pk}": "1", f"rank_{z[0].pk}": "1"}
    response = signed_in.post("/award/HC-2026-01/lots/1/propose/", data)
    assert response.status_code == 400
    assert "Rank 1 is given to two bids" in response.content.decode()
    assert not Award.objects.exists()


def test_confirm_during_standstill_shows_the_date(signed_in, issued):
    response = signed_in.post("/award/HC-2026-01/confirm/", {})
    # Today (the real date) may be before or after 31 December 2026.
    if dt.date.today() <= issued.standstill_ends:
        assert response.status_code == 400
        assert "31 December 2026" in response.content.decode()


def test_record_and_answer_a_representation(signed_in, issued, bidders):
    response = signed_in.post(
        "/award/HC-2026-01/representations/",
        {
            "provider": str(bidders[3].pk),
            "received_on-day": "22",
            "received_on-month": "12",
            "received_on-year": "2026",
            "text": "Please review our scores.",
        },
    )
    assert response.status_code == 302
    representation = Representation.objects.get()
    response = signed_in.post(
        f"/award/HC-2026-01/representations/{representation.pk}/respond/",
        {
            f"r{representation.pk}-response": "Reviewed; scores stand.",
            f"r{representation.pk}-outcome": "",
        },
    )
    assert response.status_code == 302
    representation.refresh_from_db()
    assert representation.response == "Reviewed; scores stand."


def test_confirmed_page_links_to_the_contracts(signed_in, confirmed):
    html = signed_in.get("/award/HC-2026-01/").content.decode()
    assert "/contracts/HC-2026-01-L1-PRIME/" in html


def test_provider_sees_only_its_own_letter(client, issued, provider_user, bidders):
    client.force_login(provider_user)
    response = client.get("/award/HC-2026-01/letter/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Riverside Care Ltd" in html
    for other in bidders[1:]:
        assert other.name not in html
    assert client.get("/award/HC-2026-01/").status_code == 404


def test_provider_without_a_letter_gets_404(client, issued):
    stranger = UserFactory(role=Role.PROVIDER)
    client.force_login(stranger)
    assert client.get("/award/HC-2026-01/letter/").status_code == 404


def test_other_council_and_councillor_see_nothing(client, issued, other_commissioner, councillor):
    for user in (other_commissioner, councillor):
        client.force_login(user)
        assert client.get("/award/HC-2026-01/").status_code == 404


def test_contract_manager_reads_but_cannot_act(client, issued, council, bids):
    manager = UserFactory(role=Role.CONTRACT_MANAGER, organisation=council)
    client.force_login(manager)
    assert client.get("/award/HC-2026-01/").status_code == 200
    assert client.post("/award/HC-2026-01/confirm/", {}).status_code == 403


def test_award_history_page(signed_in, proposed):
    award = Award.objects.first()
    response = signed_in.get(f"/history/award.award/{award.pk}/")
    assert response.status_code == 200


def test_page_before_the_deadline_says_bids_are_sealed(signed_in, procurement, bids):
    from django.utils import timezone

    procurement.bid_deadline = timezone.now() + dt.timedelta(days=3)
    procurement.save()
    html = signed_in.get("/award/HC-2026-01/").content.decode()
    assert "Bids are sealed until the bid deadline" in html
    for bid in bids.zone_bids:
        assert bid.provider.name not in html


def test_page_shows_the_evaluation_ranking_and_why_it_is_not_final(signed_in, procurement, bids):
    html = signed_in.get("/award/HC-2026-01/").content.decode()
    assert "Evaluation ranking for lot 1" in html
    assert "Quality scores are not locked" in html
