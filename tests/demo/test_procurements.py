"""The demo's procurements: a completed home care procurement and a live one in dialogue."""

import datetime as dt

import jsonschema
import pytest
from django.urls import reverse

from tendercare.award import ocds
from tendercare.award.models import Award, Letter, Representation
from tendercare.bidding.models import Bid, Clarification, Interest
from tendercare.contracts.models import Contract, ContractStatus
from tendercare.demo import county
from tendercare.demo.procurements import COMMUNITY_REFERENCE, HOME_CARE_REFERENCE
from tendercare.evaluation import queries as evaluation_queries
from tendercare.evaluation.models import (
    Assignment,
    Conflict,
    Declaration,
    ModeratedScore,
    PriceClarification,
    Score,
)
from tendercare.organisations.models import Organisation, Role, User
from tendercare.procurement.models import Lot, Procurement, Route, State

AS_OF = dt.date(2026, 11, 23)


@pytest.fixture
def county_with_geography(db):
    # Zone lots need the localities, which come with the geography.
    return county.build(as_of=AS_OF, with_geography=True)


@pytest.fixture
def quick_county(db):
    return county.build(as_of=AS_OF, with_geography=False)


def test_completed_home_care_procurement(county_with_geography):
    procurement = Procurement.objects.get(reference=HOME_CARE_REFERENCE)
    medway = Organisation.objects.get(name="Medway Council")
    assert procurement.owner == medway
    assert procurement.programme.name == "Home care from November 2026"
    assert (procurement.route, procurement.light_touch) == (Route.OPEN, True)
    assert procurement.route_decisions.get().recommended_route == Route.OPEN
    assert procurement.state == State.CONTRACTED
    assert procurement.bid_deadline.date() < AS_OF

    # Four zones, each tied to a Medway locality and priced by band.
    lots = list(procurement.lots.select_related("locality__place"))
    assert len(lots) == 4
    assert {lot.kind for lot in lots} == {Lot.Kind.ZONE}
    assert {lot.locality.place.name for lot in lots} == {"Medway"}
    assert all(lot.priced_by_band and lot.band_volumes.exists() for lot in lots)

    # Twelve bidders, each for one to four lots, with a clarification answered and published.
    bids = Bid.objects.filter(lot__procurement=procurement)
    assert bids.values("provider").distinct().count() == 12
    assert {b.status for b in bids} == {Bid.Status.SUBMITTED}
    assert all(b.submitted_at < procurement.bid_deadline for b in bids)
    per_bidder = {}
    for bid in bids:
        per_bidder[bid.provider_id] = per_bidder.get(bid.provider_id, 0) + 1
    assert set(per_bidder.values()) <= {1, 2, 3, 4}
    assert Clarification.objects.filter(
        procurement=procurement, published=True, answer__gt=""
    ).exists()

    # Three officers and a lay evaluator, all declared; one conflict; scores with rationales.
    evaluators = {a.evaluator for a in Assignment.objects.filter(procurement=procurement)}
    panel = [e for e in evaluators if e.role == Role.EVALUATOR]
    assert len(panel) == 4
    assert sum(1 for e in panel if e.is_lay_evaluator) == 1
    declared = set(Declaration.objects.filter(procurement=procurement).values_list("evaluator"))
    assert {(e.pk,) for e in evaluators} <= declared
    conflict = Conflict.objects.get(declaration__procurement=procurement)
    assert not Score.objects.filter(
        bid__provider=conflict.provider, evaluator=conflict.declaration.evaluator
    ).exists()
    scores = Score.objects.filter(bid__lot__procurement=procurement)
    assert scores.count() > 250
    assert not scores.filter(rationale="").exists()

    # A spread of two or more, moderated with a reason; quality locked.
    moderated = ModeratedScore.objects.filter(bid__lot__procurement=procurement)
    assert moderated.exists()
    assert not moderated.filter(reason="").exists()
    spreads = [
        row
        for row in evaluation_queries.moderation_rows_all(procurement)
        if row.moderated is not None
    ]
    assert any(row.spread >= 2 for row in spreads)
    assert procurement.quality_locked_at is not None

    # One abnormally low bid, its price clarification recorded (rejected: excluded).
    (clarification,) = PriceClarification.objects.filter(bid__lot__procurement=procurement)
    assert clarification.outcome == PriceClarification.Outcome.REJECTED
    assert evaluation_queries.is_abnormally_low(clarification.bid)

    # A prime and two supplementary providers per zone, confirmed, each with a contract.
    for lot in lots:
        awards = list(Award.objects.filter(lot=lot).order_by("rank"))
        assert [a.role for a in awards] == [
            Award.Role.PRIME,
            Award.Role.SUPPLEMENTARY,
            Award.Role.SUPPLEMENTARY,
        ]
        assert {a.status for a in awards} == {Award.Status.CONFIRMED}
        assert clarification.bid not in [a.bid for a in awards]
        for award in awards:
            assert award.contract is not None
            assert award.contract.provider == award.bid.provider
            assert award.contract.start_date == dt.date(2026, 11, 1)
            assert award.contract.status == ContractStatus.ACTIVE  # started before AS_OF

    # Letters to every bidder, a representation answered, the standstill passed.
    assert Letter.objects.filter(procurement=procurement).count() == 12
    representation = Representation.objects.get(procurement=procurement)
    assert representation.response and representation.responded_on
    assert procurement.standstill_starts <= representation.received_on
    assert representation.received_on <= procurement.standstill_ends
    assert procurement.notices.filter(code="UK6").exists()

    # The Medway home care contracts it replaces are marked; Kent's are untouched.
    replaced = procurement.replaces.all()
    assert replaced.count() == 12
    for contract in replaced:
        assert contract.reference.startswith("HC")
        assert contract.status == ContractStatus.RECOMMISSIONING
        assert HOME_CARE_REFERENCE in contract.notes
    kent = Contract.objects.filter(
        reference__startswith="HC", shares__organisation__name="Kent County Council"
    )
    assert kent.exists()
    assert not kent.filter(status=ContractStatus.RECOMMISSIONING).exists()


def test_demo_procurements_open_for_their_people_and_publish_ocds(county_with_geography, client):
    home = Procurement.objects.get(reference=HOME_CARE_REFERENCE)
    live = Procurement.objects.get(reference=COMMUNITY_REFERENCE)
    pages = [
        ("commissioner", reverse("procurement:detail", args=[home.pk])),
        ("commissioner", reverse("award:detail", args=[home.reference])),
        ("procurement", reverse("evaluation:results", args=[home.pk])),
        ("procurement", reverse("evaluation:report", args=[home.pk])),
        ("procurement", reverse("evaluation:moderation", args=[home.pk])),
        ("lay.evaluator", reverse("evaluation:worklist")),
        ("provider", reverse("award:letter", args=[home.reference])),
        ("icb.commissioner", reverse("procurement:detail", args=[live.pk])),
        ("icb.commissioner", reverse("bidding:clarifications")),
        ("bids.downs-therapy-partners", reverse("bidding:opportunity", args=[live.reference])),
    ]
    for username, url in pages:
        client.force_login(User.objects.get(username=username))
        response = client.get(url)
        assert response.status_code == 200, (username, url)
    client.logout()
    assert client.get(f"/api/v1/procurements/{home.reference}/ocds").status_code == 200

    # The completed procurement's OCDS package builds, validates and compiles.
    package = ocds.release_package(home)
    assert [r["tag"] for r in package["releases"]][-1] == ["contract"]
    validator = jsonschema.Draft4Validator(
        ocds.patched_release_schema(), format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    for release in package["releases"]:
        assert list(validator.iter_errors(release)) == []
    (record,) = ocds.record_package(package)["records"]
    assert len(record["compiledRelease"]["awards"]) == 12
    assert len(record["compiledRelease"]["contracts"]) == 12
    assert ocds.dumps(package)


def test_live_procurement_in_dialogue_and_quick_build_without_zones(quick_county):
    procurement = Procurement.objects.get(reference=COMMUNITY_REFERENCE)
    assert procurement.owner.name == "NHS Kent and Medway Integrated Care Board"
    assert procurement.programme.name == "Community services re-procurement"
    assert procurement.route == Route.COMPETITIVE_FLEXIBLE
    assert procurement.route_decisions.get().rationale
    assert procurement.state == State.DIALOGUE
    assert procurement.stage == "Dialogue round 1"
    assert procurement.notices.filter(code="UK4").exists()
    assert procurement.replaces.filter(reference__startswith="KM-CHS").count() >= 5
    assert procurement.lots.filter(kind=Lot.Kind.SERVICE_LINE).count() == 3
    interested = Organisation.objects.filter(interests__procurement=procurement)
    assert {o.kind for o in interested} >= {
        Organisation.Kind.NHS_TRUST,
        Organisation.Kind.INDEPENDENT,
    }
    assert interested.count() >= 5
    questions = Clarification.objects.filter(procurement=procurement)
    assert questions.filter(published=True).exists()
    assert questions.filter(answer="").exists()  # one waiting for the ICB to answer
    assert not Bid.objects.filter(lot__procurement=procurement).exists()
    assert not Award.objects.filter(lot__procurement=procurement).exists()

    # Without the geography the home care lots have no locality, so they cannot be zones
    # (lot_add refuses a zone without one): service-line lots with one sole provider each.
    home = Procurement.objects.get(reference=HOME_CARE_REFERENCE)
    assert home.state == State.CONTRACTED
    assert not home.lots.filter(locality__isnull=False).exists()
    assert set(Award.objects.filter(lot__procurement=home).values_list("role", flat=True)) == {
        Award.Role.SOLE
    }
    assert quick_county.procurements == [HOME_CARE_REFERENCE, COMMUNITY_REFERENCE]
    assert quick_county.bidders == 12
    assert Interest.objects.count() == quick_county.interests
