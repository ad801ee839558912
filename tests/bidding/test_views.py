import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tendercare.bidding import documents, queries
from tendercare.bidding.models import Bid, BidDocument
from tendercare.core.models import AuditLog
from tendercare.organisations.models import Organisation, User

from .conftest import PDF, answers_for, close_bids

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


# Registration -------------------------------------------------------------------------------

GOOD = {
    "organisation_name": "Sunrise Home Care CIC",
    "kind": "vcse",
    "cqc_location_id": "1-123456789",
    "first_name": "Ada",
    "last_name": "Okafor",
    "email": "bids@sunrise.example",
    "username": "sunrise",
    "password": "lantern orchard 7 velvet",
}


def test_registration_is_public_and_creates_org_user_and_audit():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/bidding/register/")
    assert page.status_code == 200 and "Register as a provider" in page.content.decode()
    token = page.cookies["csrftoken"].value
    response = client.post("/bidding/register/", {**GOOD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == "/sign-in/"
    user = User.objects.get(username="sunrise")
    assert user.role == "provider" and user.organisation.name == "Sunrise Home Care CIC"
    assert AuditLog.objects.filter(object_type="organisations.organisation").count() == 2
    assert AuditLog.objects.filter(object_type="organisations.user").count() == 1
    assert Client().login(username="sunrise", password=GOOD["password"])


def test_registration_needs_csrf():
    client = Client(enforce_csrf_checks=True)
    assert client.post("/bidding/register/", GOOD).status_code == 403
    assert not User.objects.filter(username="sunrise").exists()


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"password": "short1"}, "too short"),
        ({"password": "password1234"}, "too common"),
        ({"password": "123456789012345"}, "entirely numeric"),
        ({"password": "sunrise12345"}, "too similar"),
        ({"kind": "council"}, "Choose what kind of provider you are"),
        ({"organisation_name": ""}, "Enter your organisation"),
        ({"email": "not-an-email"}, "Enter an email address like"),
        ({"cqc_location_id": "ABC"}, "CQC location ID like"),
        ({"username": "has space"}, "letters, digits"),
    ],
)
def test_registration_errors_are_shown_and_nothing_written(changes, message):
    response = Client().post("/bidding/register/", {**GOOD, **changes})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert not Organisation.objects.filter(name="Sunrise Home Care CIC").exists()


def test_registration_refuses_taken_names(provider_org, provider_user):
    body = (
        Client()
        .post(
            "/bidding/register/",
            {**GOOD, "organisation_name": "Riverside Care Ltd", "username": "provider"},
        )
        .content.decode()
    )
    assert "already registered" in body and "already taken" in body


# Opportunities and bidding through the pages ------------------------------------------------


def test_opportunities_list_and_page(procurement, provider_user):
    client = signed_in(provider_user)
    listing = client.get("/bidding/").content.decode()
    assert "MC-2026-001 Home care in Medway" in listing
    assert queries.format_moment(procurement.bid_deadline) in listing
    page = client.get("/bidding/opportunities/MC-2026-001/").content.decode()
    for text in (
        "Lot 1: Medway town",
        "Single point of access",
        "How will you staff it?",
        "Register interest",
    ):
        assert text in page


def test_anonymous_is_sent_to_sign_in(procurement):
    response = Client().get("/bidding/")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_draft_procurements_are_not_opportunities(
    procurement, provider_user, evaluator, commissioner
):
    procurement.state = "draft"
    procurement.save()
    assert "MC-2026-001" not in signed_in(provider_user).get("/bidding/").content.decode()
    assert signed_in(provider_user).get("/bidding/opportunities/MC-2026-001/").status_code == 404
    assert signed_in(commissioner).get("/bidding/opportunities/MC-2026-001/").status_code == 200


def test_evaluators_see_no_opportunities(procurement, evaluator):
    client = signed_in(evaluator)
    assert "MC-2026-001" not in client.get("/bidding/").content.decode()
    assert client.get("/bidding/opportunities/MC-2026-001/").status_code == 404


def test_provider_bids_end_to_end_through_the_pages(procurement, lot, provider_user, media_root):
    client = signed_in(provider_user)
    start = client.post("/bidding/opportunities/MC-2026-001/lots/1/")
    bid = Bid.objects.get()
    assert start["Location"] == f"/bidding/bids/{bid.pk}/"
    page = client.get(f"/bidding/bids/{bid.pk}/").content.decode()
    assert "Draft: not submitted" in page and "Enter the total price" in page
    early = client.post(f"/bidding/bids/{bid.pk}/submit/")
    assert early.status_code == 400 and "Your bid is not complete" in early.content.decode()
    fields = {f"answer_{k}": v for k, v in answers_for(lot).items()}
    saved = client.post(f"/bidding/bids/{bid.pk}/", {**fields, "price_total": "1250000"})
    assert saved.status_code == 302
    upload = client.post(
        f"/bidding/bids/{bid.pk}/documents/",
        {"document": SimpleUploadedFile("method.pdf", PDF)},
    )
    assert upload.status_code == 302
    doc = BidDocument.objects.get()
    page = client.get(f"/bidding/bids/{bid.pk}/").content.decode()
    assert doc.sha256 in page and "method.pdf" in page
    submitted = client.post(f"/bidding/bids/{bid.pk}/submit/", follow=True).content.decode()
    assert "Your bid is submitted. You can change and resubmit it until" in submitted
    assert (
        "Submitted at" in submitted
        and "You can change and resubmit until the deadline" in submitted
    )
    download = client.get(f"/bidding/documents/{doc.pk}/")
    assert download["Content-Disposition"] == 'attachment; filename="method.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF
    # A change after submission puts it back to draft, and says so
    changed = client.post(
        f"/bidding/bids/{bid.pk}/", {**fields, "price_total": "1200000"}, follow=True
    ).content.decode()
    assert "back in draft" in changed
    assert Bid.objects.get().status == "draft"


def test_banded_price_schedule_shows_hours(banded_lot, provider_user):
    client = signed_in(provider_user)
    client.post("/bidding/opportunities/MC-2026-001/lots/2/")
    bid = Bid.objects.get()
    page = client.get(f"/bidding/bids/{bid.pk}/").content.decode()
    assert "Urban hourly rate" in page and "Expected 1,000.0 hours a year" in page
    assert "How will you reach villages?" in page


@pytest.mark.parametrize(
    "price,message",
    [
        ("abc", "must be an amount in pounds"),
        ("-5", "more than £0"),
        ("1.999", "2 decimal places"),
        ("1e999", "too large"),
    ],
)
def test_bad_prices_on_the_page_are_errors_not_500(lot, provider_user, price, message):
    client = signed_in(provider_user)
    client.post("/bidding/opportunities/MC-2026-001/lots/1/")
    bid = Bid.objects.get()
    response = client.post(f"/bidding/bids/{bid.pk}/", {"price_total": price})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert queries.prices_of(bid) == {}


def test_oversize_and_wrong_type_uploads_refused_with_a_message(lot, provider_user, media_root):
    client = signed_in(provider_user)
    client.post("/bidding/opportunities/MC-2026-001/lots/1/")
    bid = Bid.objects.get()
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * documents.MAX_BYTES)
    response = client.post(f"/bidding/bids/{bid.pk}/documents/", {"document": big})
    assert response.status_code == 400 and "10 MB or smaller" in response.content.decode()
    exe = SimpleUploadedFile("tool.exe", b"MZ\x90\x00")
    response = client.post(f"/bidding/bids/{bid.pk}/documents/", {"document": exe})
    assert response.status_code == 400 and "must be one of PDF" in response.content.decode()
    none = client.post(f"/bidding/bids/{bid.pk}/documents/", {})
    assert none.status_code == 400 and "Choose a file to upload" in none.content.decode()
    assert not BidDocument.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else True


def test_late_submission_through_the_page_is_refused(lot, provider_user, make_bid):
    bid = make_bid(provider_user, lot, submit=False)
    procurement = lot.procurement
    procurement.bid_deadline = timezone.make_aware(dt.datetime(2026, 3, 3, 14, 0))
    procurement.save()
    client = signed_in(provider_user)
    response = client.post(f"/bidding/bids/{bid.pk}/submit/")
    assert response.status_code == 400
    assert (
        "Bids closed at 14:00 on 3 March 2026; late bids cannot be accepted"
        in response.content.decode()
    )
    assert Bid.objects.get().status == "draft"
    page = client.get(f"/bidding/bids/{bid.pk}/").content.decode()
    assert "can no longer be changed" in page and "Submit bid" not in page


@pytest.mark.parametrize(
    "path",
    [
        "/bidding/bids/abc/",
        "/bidding/bids/99999999/",
        "/bidding/documents/0/",
        "/bidding/documents/99999999999999999999/",
        "/bidding/opportunities/NOPE/",
        "/bidding/opportunities/MC-2026-001/lots/99/",
        "/bidding/received/NOPE/",
        "/bidding/clarifications/123456/answer/",
        "/history/bidding.bid/abc/",
        "/history/bidding.bid/99999999999999999999/",
        "/api/v1/bidding/bids/abc",
        "/api/v1/bidding/bids/99999999999999999999",
        "/api/v1/bidding/bids/-1",
        "/api/v1/bidding/procurements/NOPE/clarifications",
    ],
)
@pytest.mark.parametrize("who", ["provider_user", "administrator"])
def test_junk_ids_are_404_not_500(request, procurement, path, who):
    response = signed_in(request.getfixturevalue(who)).get(path)
    assert response.status_code == 404, (path, response.status_code)


def test_staff_bids_page_after_the_deadline_lists_bids(sealed_bid, procurement, commissioner):
    close_bids(procurement)
    body = signed_in(commissioner).get("/bidding/received/MC-2026-001/").content.decode()
    assert "1 submitted bid opened" in body and "Riverside Care Ltd" in body
    assert f"/bidding/bids/{sealed_bid.pk}/" in body


def test_staff_read_only_bid_page_after_the_deadline(sealed_bid, procurement, commissioner):
    close_bids(procurement)
    body = signed_in(commissioner).get(f"/bidding/bids/{sealed_bid.pk}/").content.decode()
    assert "£1,250,000.00" in body and "Our answer to Q1" in body
    assert "Save draft" not in body and "Withdraw bid" not in body
    assert signed_in(commissioner).post(f"/bidding/bids/{sealed_bid.pk}/", {}).status_code == 403


def test_history_page_of_own_bid(sealed_bid, provider_user):
    body = signed_in(provider_user).get(f"/history/bidding.bid/{sealed_bid.pk}/").content.decode()
    assert "Bid submitted" in body and "Bid started" in body


def test_document_missing_from_storage_is_404_not_500(sealed_bid, provider_user, media_root):
    doc = sealed_bid.documents.get()
    (media_root / doc.file.name).unlink()
    assert signed_in(provider_user).get(f"/bidding/documents/{doc.pk}/").status_code == 404


def test_staff_see_the_opportunity_with_links_to_their_pages(procurement, procurement_lead):
    body = signed_in(procurement_lead).get("/bidding/opportunities/MC-2026-001/").content.decode()
    assert "/bidding/received/MC-2026-001/" in body and "Register interest" not in body


def test_withdraw_through_the_page(sealed_bid, provider_user):
    client = signed_in(provider_user)
    page = client.post(f"/bidding/bids/{sealed_bid.pk}/withdraw/", follow=True).content.decode()
    assert "Your bid is withdrawn" in page
    assert Bid.objects.get().status == "withdrawn"
    lot_page = client.get("/bidding/opportunities/MC-2026-001/lots/1/").content.decode()
    assert "Start your bid again" in lot_page
