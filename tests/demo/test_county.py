import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction

from tendercare.award.models import Award
from tendercare.bidding.models import Bid
from tendercare.contracts import queries as contract_queries
from tendercare.contracts import register_rules as rr
from tendercare.contracts.models import Contract, Novation
from tendercare.demo import county
from tendercare.evaluation.models import Score
from tendercare.geography.models import Lsoa, Place
from tendercare.geography.rules import can_change_localities_of
from tendercare.organisations.models import Organisation, Role, User
from tendercare.procurement.models import Procurement
from tendercare.programmes.models import Milestone, Programme, Risk

AS_OF = dt.date(2026, 11, 23)


def fingerprint():
    contracts = sorted(
        (c.reference, c.title, c.provider.name, str(c.annual_value), c.end_date.isoformat())
        for c in Contract.objects.select_related("provider")
    )
    procurements = sorted(
        (p.reference, p.state, p.stage, p.bid_deadline.isoformat())
        for p in Procurement.objects.all()
    )
    bids = sorted(
        (
            b.lot.procurement.reference,
            b.lot.number,
            b.provider.name,
            b.submitted_at.isoformat(),
            tuple(sorted((line.band, str(line.amount)) for line in b.prices.all())),
        )
        for b in Bid.objects.select_related("lot__procurement", "provider")
    )
    scores = sorted(
        (s.bid.provider.name, s.bid.lot.number, s.question.number, s.evaluator.username, s.score)
        for s in Score.objects.select_related("bid__provider", "bid__lot", "question", "evaluator")
    )
    awards = sorted(
        (a.lot.number, a.rank, a.role, a.bid.provider.name, a.contract.reference)
        for a in Award.objects.select_related("lot", "bid__provider", "contract")
    )
    return contracts, procurements, bids, scores, awards


@pytest.fixture
def demo(db):
    # Geography is tested on its own below; loading it here would only slow every test.
    return county.build(as_of=AS_OF, with_geography=False)


def test_demo_county_has_what_the_tour_promises(demo):
    assert Contract.objects.count() >= 60
    assert Organisation.objects.exclude(kind__in=Organisation.COMMISSIONER_KINDS).count() >= 30
    assert demo.joint_contracts >= 5
    everything = Contract.objects.all()
    counts = contract_queries.warning_counts(everything, params=rr.RuleParameters(), today=AS_OF)
    assert counts[rr.ENDING_SOON] >= 5
    assert counts[rr.NOT_COMPETED] >= 5
    # Every role has a demo user, and the lay evaluator is marked as such.
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.filter(is_lay_evaluator=True).count() == 1


def test_demo_merges_eight_ccgs_and_novates_their_contracts(demo):
    icb = Organisation.objects.get(name="NHS Kent and Medway Integrated Care Board")
    merged = Organisation.objects.get(name="NHS Kent and Medway CCG")
    assert Organisation.objects.filter(merged_into=merged).count() == 8
    assert merged.merged_into == icb
    assert Novation.objects.filter(to_organisation=icb).exists()
    # After the mergers no contract is still held by a CCG.
    assert not Contract.objects.filter(shares__organisation__kind="ccg").exists()


def test_demo_geography_has_every_pricing_band(db):
    county.build(as_of=AS_OF, with_geography=True)
    bands = {lsoa.band for lsoa in Lsoa.objects.select_related("ruc")}
    assert {"urban", "fringe", "rural", "isolated"} <= bands
    # Who may change localities: Medway's people Medway's, the ICB's people both places'.
    medway, dover = Place.objects.get(code="E06000035"), Place.objects.get(code="E07000108")
    assert {medway.icb_code, dover.icb_code} == {"E54000032"}
    icb = Organisation.objects.get(name="NHS Kent and Medway Integrated Care Board")
    assert (icb.ons_code, icb.ods_code) == ("E54000032", "QKS")
    kent = Organisation.objects.get(name="Kent County Council")
    assert kent.ons_code == dover.upper_tier_code == "E10000016"
    for username, places in [
        ("commissioner", {medway}),
        ("admin", {medway}),
        ("icb.commissioner", {medway, dover}),
    ]:
        person = User.objects.get(username=username)
        assert {p for p in (medway, dover) if can_change_localities_of(person, p)} == places


def test_demo_programmes_have_revised_milestones_and_risks(demo):
    assert Programme.objects.count() == 2
    assert {"Community services re-procurement", "Home care from November 2026"} == set(
        Programme.objects.values_list("name", flat=True)
    )
    for programme in Programme.objects.all():
        assert Milestone.objects.filter(programme=programme, revisions__isnull=False).exists()
        assert Risk.objects.filter(programme=programme).count() >= 3
    assert Milestone.objects.filter(
        revisions__reason__icontains="six-week delay for NHS England assurance"
    ).exists()


def test_demo_is_deterministic(db, settings, tmp_path):
    # Visit records are files, which a rollback does not remove: each build gets its own store.
    settings.VISIT_STORE = tmp_path / "first"
    with transaction.atomic():
        county.build(as_of=AS_OF, with_geography=False)
        first = fingerprint()
        transaction.set_rollback(True)
    settings.VISIT_STORE = tmp_path / "second"
    county.build(as_of=AS_OF, with_geography=False)
    assert fingerprint() == first
    contracts, procurements, bids, scores, awards = first
    assert len(contracts) >= 60
    assert len(procurements) == 2
    assert len({b[2] for b in bids}) == 12
    assert scores
    assert len(awards) == 4  # without geography the lots are not zones: one sole provider each


def test_demo_command_prints_accounts_and_is_safe_to_rerun(db, capsys):
    call_command("demo", "--as-of", "2026-11-23", "--no-geography")
    call_command("demo", "--as-of", "2026-11-23", "--no-geography")
    out = capsys.readouterr().out
    assert "already loaded" in out
    for username in ("commissioner", "councillor", "provider", "lay.evaluator", "evaluator3"):
        assert username in out
    assert "tendercare-demo" in out
    assert "MED-HC-2026" in out and "KMICB-CHS-2026" in out
