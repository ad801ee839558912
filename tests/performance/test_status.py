"""Provider status services: quality scores from KPI results, CQC and audits; recommendations;
a commissioner's decision with a reason; history; the brokerage order; who may do what."""

import datetime as dt
from decimal import Decimal

import pytest

from tendercare.core.audit import history_for
from tendercare.core.errors import DomainError, NotAllowed
from tendercare.organisations.models import ProviderLocation, Role
from tendercare.performance import queries, status
from tendercare.performance.models import (
    CqcRating,
    KpiDefinition,
    KpiResult,
    ProviderStatus,
    QualityScore,
    StatusRecommendation,
)
from tests.factories import ProviderOrgFactory, UserFactory

D = Decimal
MONTHS = [dt.date(2026, m, 1) for m in range(1, 7)]


@pytest.fixture
def zone_setup(db, council):
    hoo = ProviderOrgFactory(name="Hoo Home Care Ltd")
    strood = ProviderOrgFactory(name="Strood Care Ltd")
    castle = ProviderOrgFactory(name="Castle Care Ltd")
    zone = status.zone_create(owner=council, name="Strood", lsoa_codes=["e01016052"])
    since = dt.date(2025, 4, 1)
    for org, kind in ((hoo, "prime"), (strood, "supplementary"), (castle, "supplementary")):
        status.provider_status_open(
            zone=zone, provider=org, status=kind, since=since, reason="Award of lot 1"
        )
    for org in (hoo, strood, castle):
        location = ProviderLocation.objects.create(
            organisation=org, cqc_location_id=f"1-{org.pk:09d}", name=f"{org.name} office"
        )
        status.cqc_rating_record(
            location=location,
            rating="good",
            published_on=since,
            source=status.cqc_location_url(location),
        )
    return zone, hoo, strood, castle


def kpi_month(zone, provider, month, *, good: bool):
    """Two KPI results: both green (good) or both red."""
    punctuality = KpiDefinition.objects.get(code="punctuality")
    missed = KpiDefinition.objects.get(code="missed")
    for kpi, value in ((punctuality, 95 if good else 50), (missed, D("0.1") if good else 5)):
        KpiResult.objects.create(
            kpi=kpi,
            provider=provider,
            zone=zone,
            month=month,
            numerator=D(value),
            denominator=D(100),
            value=D(value),
        )


def history(zone, hoo, strood, castle, *, hoo_good=(True,) * 6):
    for month, good in zip(MONTHS, hoo_good, strict=True):
        kpi_month(zone, hoo, month, good=good)
        kpi_month(zone, strood, month, good=True)
        kpi_month(zone, castle, month, good=month.month % 2 == 0)


def test_zone_create_checks_its_input_and_is_audited(council, commissioner):
    with pytest.raises(DomainError, match="Enter a name"):
        status.zone_create(owner=council, name=" ", by=commissioner)
    with pytest.raises(DomainError, match="not LSOA codes"):
        status.zone_create(owner=council, name="North", lsoa_codes=["ME4 4TR"], by=commissioner)
    zone = status.zone_create(owner=council, name="North", by=commissioner)
    status.zone_set_lsoas(zone=zone, lsoa_codes=["E01016052", "e01016052 "], by=commissioner)
    zone.refresh_from_db()
    assert zone.lsoa_codes == ["E01016052"]
    assert history_for(zone).count() == 2
    with pytest.raises(DomainError, match="already has a zone"):
        status.zone_create(owner=council, name="North", by=commissioner)


def test_quality_score_combines_kpis_cqc_and_audit(zone_setup, council, commissioner):
    zone, hoo, *_ = zone_setup
    kpi_month(zone, hoo, MONTHS[0], good=True)
    status.quality_audit_record(
        provider=hoo, owner=council, audited_on=dt.date(2025, 12, 1), score=70, by=commissioner
    )
    # Only Hoo delivered in January: the others have no score for it.
    assert status.quality_scores_compute(owner=council, month=MONTHS[0]) == 1
    row = QualityScore.objects.get(zone=zone, provider=hoo, month=MONTHS[0])
    # 0.6 * 100 (both KPIs green) + 0.2 * 80 (CQC Good) + 0.2 * 70 (audit)
    assert row.score == D("90.0")
    assert row.components["kpis"] == "100.0"
    assert row.components["cqc_rating"] == "good"
    assert row.components["audit_on"] == "2025-12-01"
    assert {k["code"]: k["rating"] for k in row.components["kpi_ratings"]} == {
        "punctuality": "green",
        "missed": "green",
    }


def test_a_worsening_prime_is_recommended_once_and_a_strong_supplementary_for_prime(
    zone_setup, council
):
    zone, hoo, strood, castle = zone_setup
    history(zone, hoo, strood, castle, hoo_good=(True, True, True, False, False, False))
    # April: one bad month is not enough.
    assert status.recommendations_refresh(owner=council, month=MONTHS[3]) == []
    made = status.recommendations_refresh(owner=council, month=MONTHS[5])
    moves = {(r.provider, r.current, r.recommended) for r in made}
    assert moves == {(hoo, "prime", "supplementary"), (strood, "supplementary", "prime")}
    demotion = next(r for r in made if r.provider == hoo)
    assert "below 60 for 2 months in a row" in demotion.reason
    assert "May 2026" in demotion.reason and "June 2026" in demotion.reason
    assert demotion.state == StatusRecommendation.State.PENDING
    # No duplicates for the same pending move.
    assert status.recommendations_refresh(owner=council, month=MONTHS[5]) == []
    assert StatusRecommendation.objects.count() == 2
    assert history_for(demotion).count() == 1


def test_approving_closes_the_status_opens_the_new_one_and_keeps_history(
    zone_setup, council, client
):
    zone, hoo, strood, castle = zone_setup
    manager = UserFactory(username="contracts", role=Role.CONTRACT_MANAGER, organisation=council)
    history(zone, hoo, strood, castle, hoo_good=(True, True, True, False, False, False))
    made = status.recommendations_refresh(owner=council, month=MONTHS[5], by=manager)
    demotion = next(r for r in made if r.provider == hoo)
    day = dt.date(2026, 7, 6)
    before = [o.name for o in status.brokerage_order(zone, on=day)]
    assert before[0] == "Hoo Home Care Ltd"

    with pytest.raises(DomainError, match="Enter the reason"):
        status.recommendation_decide(recommendation=demotion, approve=True, reason=" ", by=manager)
    decided = status.recommendation_decide(
        recommendation=demotion,
        approve=True,
        reason="Missed visits doubled since April; improvement plan failed",
        by=manager,
        on=day,
    )
    assert decided.state == StatusRecommendation.State.APPROVED
    assert decided.decided_by == manager and decided.decision_reason.startswith("Missed")
    rows = list(ProviderStatus.objects.filter(zone=zone, provider=hoo).order_by("since"))
    assert [(r.status, r.since, r.until) for r in rows] == [
        ("prime", dt.date(2025, 4, 1), day),
        ("supplementary", day, None),
    ]
    assert rows[1].decided_by == manager and "improvement plan failed" in rows[1].reason
    assert history_for(rows[0]).count() == 2 and history_for(decided).count() == 2
    with pytest.raises(DomainError, match="already approved"):
        status.recommendation_decide(recommendation=demotion, approve=False, reason="x", by=manager)

    # The brokerage order follows the approved status: Hoo is supplementary now.
    after = status.brokerage_order(zone, on=day)
    assert [o.status for o in after] == ["supplementary"] * 3
    assert [o.name for o in after][0] == "Strood Care Ltd"  # highest rolling score first

    # The history pages exist and are scoped.
    client.force_login(manager)
    assert client.get(f"/history/performance.providerstatus/{rows[1].pk}/").status_code == 200
    page = client.get(f"/history/performance.statusrecommendation/{decided.pk}/")
    assert page.status_code == 200


def test_rejecting_keeps_the_status_and_suspended_providers_get_no_offers(
    zone_setup, council, commissioner
):
    zone, hoo, strood, castle = zone_setup
    history(zone, hoo, strood, castle, hoo_good=(True, True, True, False, False, False))
    made = status.recommendations_refresh(owner=council, month=MONTHS[5])
    promotion = next(r for r in made if r.provider == strood)
    status.recommendation_decide(
        recommendation=promotion, approve=False, reason="Wait for the audit", by=commissioner
    )
    assert status.status_on(zone, strood.pk, dt.date.today()).status == "supplementary"
    # A CQC rating of Inadequate suspends: recommended, approved, then never offered.
    location = ProviderLocation.objects.get(organisation=castle)
    CqcRating.objects.create(location=location, rating="inadequate", published_on=MONTHS[5])
    suspension = status.recommendations_refresh(owner=council, month=MONTHS[5])
    assert [(r.provider, r.recommended) for r in suspension] == [(castle, "suspended")]
    status.recommendation_decide(
        recommendation=suspension[0], approve=True, reason="CQC Inadequate", by=commissioner
    )
    names = [o.name for o in status.brokerage_order(zone)]
    assert "Castle Care Ltd" not in names and names[0] == "Hoo Home Care Ltd"


@pytest.mark.parametrize("who", ["other_commissioner", "councillor", "provider_user", "none"])
def test_only_the_owners_commissioning_staff_decide(zone_setup, council, request, who):
    zone, hoo, strood, castle = zone_setup
    history(zone, hoo, strood, castle, hoo_good=(True, True, True, False, False, False))
    made = status.recommendations_refresh(owner=council, month=MONTHS[5])
    user = None if who == "none" else request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        status.recommendation_decide(recommendation=made[0], approve=True, reason="x", by=user)
    assert StatusRecommendation.objects.filter(state="pending").count() == 2


def test_evidence_is_checked_and_only_staff_record_it(zone_setup, council, commissioner, request):
    zone, hoo, *_ = zone_setup
    with pytest.raises(DomainError, match="from 0 to 100"):
        status.quality_audit_record(
            provider=hoo, owner=council, audited_on=dt.date(2026, 1, 5), score=120, by=commissioner
        )
    with pytest.raises(DomainError, match="must be a number"):
        status.quality_audit_record(
            provider=hoo, owner=council, audited_on=dt.date(2026, 1, 5), score="x", by=commissioner
        )
    future = dt.date.today() + dt.timedelta(days=3)
    with pytest.raises(DomainError, match="today or in the past"):
        status.quality_audit_record(
            provider=hoo, owner=council, audited_on=future, score=50, by=commissioner
        )
    for who in ("other_commissioner", "councillor", "provider_user"):
        with pytest.raises(NotAllowed):
            status.quality_audit_record(
                provider=hoo,
                owner=council,
                audited_on=dt.date(2026, 1, 5),
                score=50,
                by=request.getfixturevalue(who),
            )
    location = ProviderLocation.objects.get(organisation=hoo)
    with pytest.raises(DomainError, match="Choose the CQC rating"):
        status.cqc_rating_record(
            location=location,
            rating="brilliant",
            published_on=dt.date(2026, 1, 5),
            source=status.cqc_location_url(location),
        )


def test_status_reads_are_scoped(zone_setup, council, commissioner, other_commissioner):
    zone, hoo, strood, castle = zone_setup
    history(zone, hoo, strood, castle, hoo_good=(True, True, True, False, False, False))
    status.recommendations_refresh(owner=council, month=MONTHS[5])
    assert list(queries.zones_visible_to(commissioner)) == [zone]
    assert not queries.zones_visible_to(other_commissioner).exists()
    assert queries.recommendations_visible_to(commissioner).count() == 2
    assert not queries.recommendations_visible_to(other_commissioner).exists()
    provider_user = UserFactory(username="hoo", role=Role.PROVIDER, organisation=hoo)
    assert list(queries.zones_visible_to(provider_user)) == [zone]
    assert not queries.recommendations_visible_to(provider_user).exists()
