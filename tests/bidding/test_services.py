import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tendercare.bidding import documents, queries, services
from tendercare.bidding.models import Bid, BidDocument, Clarification, Interest
from tendercare.core.errors import DomainError, NotAllowed
from tendercare.core.models import AuditLog
from tendercare.organisations.models import Organisation, ProviderLocation, Role, User
from tendercare.procurement.models import State

from .conftest import PDF, answers_for, close_bids, pdf_upload

pytestmark = pytest.mark.django_db


def audit_rows(obj):
    return AuditLog.objects.filter(
        object_type=f"{obj._meta.app_label}.{obj._meta.model_name}", object_id=str(obj.pk)
    )


# Registration -------------------------------------------------------------------------------


def register(**overrides):
    values = {
        "organisation_name": "Sunrise Home Care CIC",
        "kind": "vcse",
        "cqc_location_id": "1-123456789",
        "username": "sunrise",
        "password": "a-long enough passphrase 42",
        "email": "bids@sunrise.example",
        "first_name": "Ada",
        "last_name": "Okafor",
    }
    values.update(overrides)
    return services.provider_register(**values)


def test_provider_register_creates_organisation_location_and_provider_user_with_audit():
    user = register()
    org = user.organisation
    assert org.name == "Sunrise Home Care CIC" and org.kind == Organisation.Kind.VCSE
    assert user.role == Role.PROVIDER and user.check_password("a-long enough passphrase 42")
    assert ProviderLocation.objects.get(organisation=org).cqc_location_id == "1-123456789"
    assert audit_rows(org).count() >= 2  # created, and the registration event
    assert audit_rows(user).filter(action="create").exists()
    assert AuditLog.objects.filter(object_type="organisations.providerlocation").exists()


def test_provider_register_refuses_commissioner_kinds_and_duplicates():
    with pytest.raises(DomainError, match="independent provider, VCSE or NHS trust"):
        register(kind="council")
    register()
    with pytest.raises(DomainError, match="already registered"):
        register(username="other")
    with pytest.raises(DomainError, match="username is already taken"):
        register(organisation_name="Another Ltd")
    assert Organisation.objects.filter(name="Another Ltd").count() == 0


def test_provider_register_writes_nothing_when_cqc_location_is_taken():
    register()
    with pytest.raises(DomainError, match="CQC location"):
        register(organisation_name="Second Ltd", username="second", kind="independent")
    assert not Organisation.objects.filter(name="Second Ltd").exists()
    assert not User.objects.filter(username="second").exists()


# Interest and clarifications ----------------------------------------------------------------


def test_interest_is_registered_once_and_audited(procurement, provider_user):
    first = services.interest_register(procurement=procurement, by=provider_user)
    second = services.interest_register(procurement=procurement, by=provider_user)
    assert first.pk == second.pk
    assert Interest.objects.count() == 1
    assert audit_rows(first).count() == 1


def test_only_providers_register_interest(procurement, commissioner):
    with pytest.raises(NotAllowed):
        services.interest_register(procurement=procurement, by=commissioner)


@pytest.mark.parametrize("state", [State.DRAFT, State.ROUTE_DECIDED, State.BIDS_CLOSED])
def test_procurement_must_be_open(procurement, provider_user, state):
    procurement.state = state
    procurement.save()
    with pytest.raises(DomainError, match="not open for bids"):
        services.interest_register(procurement=procurement, by=provider_user)


def test_dialogue_is_open_only_for_competitive_flexible(procurement, provider_user, lot):
    procurement.state = State.DIALOGUE
    procurement.save()
    with pytest.raises(DomainError):
        services.bid_start(lot=lot, by=provider_user)
    procurement.route = "competitive_flexible"
    procurement.save()
    assert services.bid_start(lot=lot, by=provider_user).status == Bid.Status.DRAFT


def test_clarification_needs_interest_and_a_question(procurement, provider_user):
    with pytest.raises(DomainError, match="Register your interest"):
        services.clarification_ask(procurement=procurement, question="Hours?", by=provider_user)
    services.interest_register(procurement=procurement, by=provider_user)
    with pytest.raises(DomainError, match="Enter your question"):
        services.clarification_ask(procurement=procurement, question="   ", by=provider_user)
    c = services.clarification_ask(procurement=procurement, question="Hours?", by=provider_user)
    assert c.asked_by == provider_user.organisation
    assert audit_rows(c).count() == 1


def test_clarification_refused_after_its_deadline(procurement, provider_user):
    services.interest_register(procurement=procurement, by=provider_user)
    procurement.clarification_deadline = timezone.now() - dt.timedelta(hours=1)
    procurement.save()
    with pytest.raises(DomainError, match="Clarification questions closed at"):
        services.clarification_ask(procurement=procurement, question="Late?", by=provider_user)
    assert not Clarification.objects.exists()


def test_answer_by_owner_staff_only(
    procurement, provider_user, procurement_lead, other_commissioner, councillor, contract_manager
):
    services.interest_register(procurement=procurement, by=provider_user)
    c = services.clarification_ask(procurement=procurement, question="TUPE?", by=provider_user)
    for outsider in (other_commissioner, councillor, contract_manager, provider_user):
        with pytest.raises(NotAllowed):
            services.clarification_answer(clarification=c, answer="Yes", publish=True, by=outsider)
    with pytest.raises(DomainError, match="Enter an answer"):
        services.clarification_answer(
            clarification=c, answer=" ", publish=True, by=procurement_lead
        )
    c = services.clarification_answer(
        clarification=c, answer="TUPE applies", publish=True, by=procurement_lead
    )
    assert c.published and c.answered_by == procurement_lead and c.answered_at
    assert audit_rows(c).filter(action="update").count() == 1


# Bids ---------------------------------------------------------------------------------------


def test_bid_start_is_idempotent_and_registers_interest(lot, provider_user):
    bid = services.bid_start(lot=lot, by=provider_user)
    assert services.bid_start(lot=lot, by=provider_user).pk == bid.pk
    assert Interest.objects.filter(provider=provider_user.organisation).exists()
    assert audit_rows(bid).filter(action="create").count() == 1


def test_submit_requires_prices_and_every_answer(lot, banded_lot, provider_user):
    bid = services.bid_start(lot=lot, by=provider_user)
    with pytest.raises(DomainError, match="Enter the total price"):
        services.bid_submit(bid=bid, by=provider_user)
    services.bid_save(bid=bid, prices={"total": "1000"}, by=provider_user)
    with pytest.raises(DomainError, match="Answer question Q1"):
        services.bid_submit(bid=bid, by=provider_user)
    services.bid_save(bid=bid, answers=answers_for(lot), by=provider_user)
    assert services.bid_submit(bid=bid, by=provider_user).status == Bid.Status.SUBMITTED

    banded = services.bid_start(lot=banded_lot, by=provider_user)
    services.bid_save(
        bid=banded,
        answers=answers_for(banded_lot),
        prices={"urban": "24", "fringe": "25", "rural": "27"},
        by=provider_user,
    )
    with pytest.raises(DomainError, match="isolated hourly rate"):
        services.bid_submit(bid=banded, by=provider_user)
    assert "Answer question Q2" not in services.bid_missing(banded)


def test_banded_lot_needs_q2_which_lot_1_does_not(lot, banded_lot):
    assert [q.number for q in queries.questions_for_lot(lot)] == ["Q1"]
    assert [q.number for q in queries.questions_for_lot(banded_lot)] == ["Q1", "Q2"]


def test_late_bid_refused_with_the_deadline_in_words(lot, provider_user, make_bid):
    bid = make_bid(provider_user, lot, submit=False)
    procurement = lot.procurement
    procurement.bid_deadline = timezone.make_aware(dt.datetime(2026, 3, 3, 14, 0))
    procurement.save()
    with pytest.raises(DomainError) as exc:
        services.bid_submit(
            bid=bid, by=provider_user, at=timezone.make_aware(dt.datetime(2026, 3, 3, 14, 0, 1))
        )
    assert exc.value.message == (
        "Bids closed at 14:00 on 3 March 2026; late bids cannot be accepted"
    )
    bid.refresh_from_db()
    assert bid.status == Bid.Status.DRAFT and bid.submitted_at is None


def test_submit_at_a_moment_before_the_deadline_is_accepted(lot, provider_user, make_bid):
    bid = make_bid(provider_user, lot, submit=False)
    at = lot.procurement.bid_deadline - dt.timedelta(seconds=1)
    assert services.bid_submit(bid=bid, by=provider_user, at=at).submitted_at == at


def test_a_provider_cannot_touch_another_providers_bid(sealed_bid, other_provider_user):
    with pytest.raises(NotAllowed):
        services.bid_save(bid=sealed_bid, prices={"total": "1"}, by=other_provider_user)
    with pytest.raises(NotAllowed):
        services.bid_submit(bid=sealed_bid, by=other_provider_user)
    with pytest.raises(NotAllowed):
        services.bid_withdraw(bid=sealed_bid, by=other_provider_user)
    with pytest.raises(NotAllowed):
        services.bid_document_add(
            bid=sealed_bid, uploaded_file=pdf_upload(), by=other_provider_user
        )


@pytest.mark.parametrize(
    "value,message",
    [
        ("abc", "must be an amount in pounds"),
        ("-5", "must be more than £0"),
        ("0", "must be more than £0"),
        ("1.234", "no more than 2 decimal places"),
        ("NaN", "must be an amount in pounds"),
        ("Infinity", "must be an amount in pounds"),
        ("1e30", "too large"),
    ],
)
def test_bad_prices_are_refused_and_nothing_is_saved(lot, provider_user, value, message):
    bid = services.bid_start(lot=lot, by=provider_user)
    with pytest.raises(DomainError, match=message):
        services.bid_save(bid=bid, prices={"total": value}, by=provider_user)
    assert queries.prices_of(bid) == {}


def test_prices_are_decimal_and_wrong_bands_refused(lot, banded_lot, provider_user):
    bid = services.bid_start(lot=lot, by=provider_user)
    services.bid_save(bid=bid, prices={"total": "£1,250,000.5"}, by=provider_user)
    assert queries.prices_of(bid) == {"total": Decimal("1250000.50")}
    with pytest.raises(DomainError, match="one total price"):
        services.bid_save(bid=bid, prices={"urban": "20"}, by=provider_user)
    banded = services.bid_start(lot=banded_lot, by=provider_user)
    with pytest.raises(DomainError, match="hourly rate per band"):
        services.bid_save(bid=banded, prices={"total": "20"}, by=provider_user)


def test_answers_only_for_the_lots_questions(lot, banded_lot, provider_user):
    bid = services.bid_start(lot=lot, by=provider_user)
    q2 = queries.questions_for_lot(banded_lot).get(number="Q2")
    with pytest.raises(DomainError, match="not one of this lot's questions"):
        services.bid_save(bid=bid, answers={str(q2.pk): "x"}, by=provider_user)
    with pytest.raises(DomainError, match="not one of this lot's questions"):
        services.bid_save(bid=bid, answers={"junk": "x"}, by=provider_user)


def test_changing_a_submitted_bid_returns_it_to_draft(sealed_bid, provider_user, lot):
    bid = services.bid_save(bid=sealed_bid, prices={"total": "999"}, by=provider_user)
    assert bid.status == Bid.Status.DRAFT
    assert services.bid_submit(bid=bid, by=provider_user).status == Bid.Status.SUBMITTED
    # Saving the same values changes nothing and keeps it submitted
    bid = services.bid_save(bid=bid, prices={"total": "999"}, by=provider_user)
    assert bid.status == Bid.Status.SUBMITTED


def test_withdraw_before_deadline_only_then_start_again(sealed_bid, provider_user, lot):
    bid = services.bid_withdraw(bid=sealed_bid, by=provider_user)
    assert bid.status == Bid.Status.WITHDRAWN
    assert audit_rows(bid).filter(summary="Bid withdrawn").exists()
    again = services.bid_start(lot=lot, by=provider_user)
    assert again.pk == bid.pk and again.status == Bid.Status.DRAFT
    services.bid_submit(bid=again, by=provider_user)
    close_bids(lot.procurement)
    with pytest.raises(DomainError, match="cannot be withdrawn after the deadline"):
        services.bid_withdraw(bid=again, by=provider_user)


def test_nothing_changes_after_the_deadline(sealed_bid, provider_user, lot):
    close_bids(lot.procurement)
    with pytest.raises(DomainError, match="late bids cannot be accepted"):
        services.bid_save(bid=sealed_bid, prices={"total": "1"}, by=provider_user)
    with pytest.raises(DomainError, match="late bids cannot be accepted"):
        services.bid_document_add(bid=sealed_bid, uploaded_file=pdf_upload(), by=provider_user)


# Documents ----------------------------------------------------------------------------------


def test_document_stored_with_sha256_size_and_safe_name(lot, provider_user, media_root):
    import hashlib

    bid = services.bid_start(lot=lot, by=provider_user)
    doc = services.bid_document_add(
        bid=bid, uploaded_file=pdf_upload("../../etc/Our method <v2>.pdf"), by=provider_user
    )
    assert doc.sha256 == hashlib.sha256(PDF).hexdigest()
    assert doc.size == len(PDF)
    assert doc.filename == "Our method _v2_.pdf"
    assert doc.content_type == "application/pdf"
    stored = media_root / doc.file.name
    assert stored.read_bytes() == PDF
    assert "Our method" not in doc.file.name  # stored under a random name
    assert audit_rows(doc).count() == 1


def files_in(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("big.pdf", b"%PDF-" + b"0" * (documents.MAX_BYTES), "10 MB or smaller"),
        ("virus.exe", b"MZ\x90\x00", "must be one of PDF, DOCX"),
        ("noextension", b"%PDF-1.4", "must be one of"),
        ("fake.pdf", b"<html>not a pdf</html>", "contents are not PDF"),
        ("fake.docx", b"%PDF-1.4 not a zip", "contents are not DOCX"),
        ("binary.csv", b"a,b\x00\x01", "contents are not CSV"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_bad_documents_refused_and_nothing_written(
    lot, provider_user, media_root, name, content, message
):
    bid = services.bid_start(lot=lot, by=provider_user)
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(DomainError, match=message):
        services.bid_document_add(bid=bid, uploaded_file=upload, by=provider_user)
    assert not BidDocument.objects.exists()
    assert files_in(media_root) == []
    assert not AuditLog.objects.filter(object_type="bidding.biddocument").exists()


@pytest.mark.parametrize(
    "name,content",
    [
        ("plan.docx", b"PK\x03\x04rest"),
        ("prices.xlsx", b"PK\x03\x04rest"),
        ("policy.odt", b"PK\x03\x04rest"),
        ("notes.txt", "Plain text £".encode()),
        ("rates.csv", b"band,rate\nurban,24.50\n"),
        ("SCAN.PDF", PDF),
    ],
)
def test_allowed_documents_accepted(lot, provider_user, name, content):
    bid = services.bid_start(lot=lot, by=provider_user)
    doc = services.bid_document_add(
        bid=bid, uploaded_file=SimpleUploadedFile(name, content), by=provider_user
    )
    assert doc.size == len(content)


def test_missing_file_refused(lot, provider_user):
    bid = services.bid_start(lot=lot, by=provider_user)
    with pytest.raises(DomainError, match="Choose a file"):
        services.bid_document_add(bid=bid, uploaded_file=None, by=provider_user)


def test_document_remove_deletes_file(
    lot, provider_user, media_root, django_capture_on_commit_callbacks
):
    bid = services.bid_start(lot=lot, by=provider_user)
    doc = services.bid_document_add(bid=bid, uploaded_file=pdf_upload(), by=provider_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.bid_document_remove(document=doc, by=provider_user)
    assert not BidDocument.objects.exists()
    assert files_in(media_root) == []


def test_every_write_is_audited(make_bid, provider_user, lot):
    before = AuditLog.objects.count()
    make_bid(provider_user, lot)
    actions = list(AuditLog.objects.order_by("id")[before:].values_list("summary", flat=True))
    assert "Interest registered" in actions
    assert "Bid started" in actions
    assert "Bid saved" in actions
    assert "Bid submitted" in actions
    assert any(s.startswith("Document") for s in actions)


def test_past_actions_are_checked_against_the_deadlines_of_their_moment(
    procurement, lot, provider_user
):
    """Imports and the demo record what a provider did earlier: `at` is checked, not the clock."""
    before = procurement.bid_deadline - dt.timedelta(days=1)
    after = procurement.bid_deadline + dt.timedelta(minutes=1)
    assert services.interest_register(procurement=procurement, by=provider_user, at=before)
    with pytest.raises(DomainError, match="late bids cannot be accepted"):
        services.bid_start(lot=lot, by=provider_user, at=after)
    assert timezone.now() < procurement.bid_deadline
