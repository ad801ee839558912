"""One prime provider per zone, never two, not even for a moment inside a decision: approving a
move to prime ends the old prime in the same transaction (zone and statuses locked), and the
service refuses with a clear message when another prime stands in the way."""

import datetime as dt

import pytest
from django.db.models import Q
from django.db.models.signals import post_save
from django.urls import reverse

from tendercare.core.audit import history_for
from tendercare.core.errors import DomainError
from tendercare.organisations.models import Role
from tendercare.performance import status
from tendercare.performance.models import ProviderStatus, StatusRecommendation
from tests.factories import UserFactory
from tests.performance.test_status import MONTHS, history, zone_setup  # noqa: F401

DAY = dt.date(2026, 7, 6)


@pytest.fixture
def manager(council):
    return UserFactory(username="contracts", role=Role.CONTRACT_MANAGER, organisation=council)


@pytest.fixture
def moves(zone_setup, council):  # noqa: F811
    """Hoo (prime) is recommended down to supplementary and Strood up to prime."""
    zone, hoo, strood, castle = zone_setup
    history(zone, hoo, strood, castle, hoo_good=(True, True, True, False, False, False))
    made = status.recommendations_refresh(owner=council, month=MONTHS[5])
    demotion = next(r for r in made if r.provider == hoo)
    promotion = next(r for r in made if r.provider == strood)
    return zone, hoo, strood, castle, demotion, promotion


def primes_on(zone, day) -> set[int]:
    return set(
        ProviderStatus.objects.filter(zone=zone, status="prime", since__lte=day)
        .filter(Q(until__isnull=True) | Q(until__gt=day))
        .values_list("provider_id", flat=True)
    )


@pytest.fixture
def watch_primes():
    """Count the zone's primes on DAY after every status row saved, inside the transaction."""
    seen: list[int] = []

    def count(sender, instance, **kwargs):
        seen.append(len(primes_on(instance.zone, DAY)))

    post_save.connect(count, sender=ProviderStatus, dispatch_uid="watch-primes")
    yield seen
    post_save.disconnect(sender=ProviderStatus, dispatch_uid="watch-primes")


def test_approving_the_promotion_swaps_prime_and_supplementary_in_one_step(
    moves, manager, watch_primes
):
    zone, hoo, strood, _castle, demotion, promotion = moves
    status.recommendation_decide(
        recommendation=promotion, approve=True, reason="Strood has been strong", by=manager, on=DAY
    )
    assert primes_on(zone, DAY) == {strood.pk}
    assert status.status_on(zone, hoo.pk, DAY).status == "supplementary"
    # Hoo's own pending move out of prime was approved with it, with the same reason.
    demotion.refresh_from_db()
    assert demotion.state == StatusRecommendation.State.APPROVED
    assert demotion.decided_by == manager
    assert demotion.decision_reason == (
        f"Approved with the move of {strood} to prime: Strood has been strong"
    )
    assert history_for(demotion).count() == 2
    hoo_rows = list(ProviderStatus.objects.filter(zone=zone, provider=hoo).order_by("since"))
    assert [(r.status, r.until) for r in hoo_rows] == [("prime", DAY), ("supplementary", None)]
    assert "with the move of Strood Care Ltd to prime" in hoo_rows[1].reason
    # Never two primes on the day, at any save inside the transaction.
    assert watch_primes and max(watch_primes) <= 1
    # The brokerage order follows: Strood is offered first.
    assert status.brokerage_order(zone, on=DAY)[0].name == "Strood Care Ltd"
    with pytest.raises(DomainError, match="already approved"):
        status.recommendation_decide(recommendation=demotion, approve=True, reason="x", by=manager)


def test_approving_the_demotion_first_then_the_promotion_also_works(moves, manager, watch_primes):
    zone, hoo, strood, _castle, demotion, promotion = moves
    status.recommendation_decide(
        recommendation=demotion, approve=True, reason="Missed visits", by=manager, on=DAY
    )
    assert primes_on(zone, DAY) == set()
    status.recommendation_decide(
        recommendation=promotion, approve=True, reason="Strong", by=manager, on=DAY
    )
    assert primes_on(zone, DAY) == {strood.pk}
    assert max(watch_primes) <= 1


def test_a_weak_prime_the_recommendation_weighed_is_replaced(moves, manager, watch_primes):
    zone, hoo, strood, _castle, demotion, promotion = moves
    status.recommendation_decide(
        recommendation=demotion, approve=False, reason="Give Hoo a month", by=manager
    )
    status.recommendation_decide(
        recommendation=promotion, approve=True, reason="Strood is better", by=manager, on=DAY
    )
    assert primes_on(zone, DAY) == {strood.pk}
    replaced = status.status_on(zone, hoo.pk, DAY)
    assert replaced.status == "supplementary" and replaced.decided_by == manager
    assert replaced.reason.startswith("Replaced as prime by Strood Care Ltd")
    demotion.refresh_from_db()
    assert demotion.state == StatusRecommendation.State.REJECTED  # its own decision stands
    assert max(watch_primes) <= 1


def test_a_prime_that_came_after_the_recommendation_refuses_it_and_changes_nothing(moves, manager):
    zone, hoo, strood, castle, demotion, promotion = moves
    status.recommendation_decide(
        recommendation=demotion, approve=True, reason="Missed visits", by=manager, on=DAY
    )
    status.provider_status_open(
        zone=zone, provider=castle, status="prime", since=DAY, reason="Interim prime", by=manager
    )
    before = list(ProviderStatus.objects.order_by("pk").values_list("pk", "status", "until"))
    with pytest.raises(DomainError, match="one prime provider at a time"):
        status.recommendation_decide(
            recommendation=promotion, approve=True, reason="Strong", by=manager, on=DAY
        )
    assert list(ProviderStatus.objects.order_by("pk").values_list("pk", "status", "until")) == (
        before
    )
    promotion.refresh_from_db()
    assert promotion.state == StatusRecommendation.State.PENDING
    assert primes_on(zone, DAY) == {castle.pk}
    # Rejecting is still possible.
    status.recommendation_decide(
        recommendation=promotion, approve=False, reason="Castle is prime now", by=manager
    )


def test_opening_a_second_prime_is_refused(moves, manager):
    zone, hoo, strood, castle, *_ = moves
    with pytest.raises(DomainError, match=r"Hoo Home Care Ltd is the prime provider in Strood"):
        status.provider_status_open(
            zone=zone, provider=castle, status="prime", since=DAY, reason="x", by=manager
        )
    # A prime starting later than the day asked also blocks.
    with pytest.raises(DomainError, match="one prime provider at a time"):
        status.provider_status_open(
            zone=zone,
            provider=strood,
            status="prime",
            since=dt.date(2024, 1, 1),
            reason="x",
            by=manager,
        )
    assert primes_on(zone, DAY) == {hoo.pk}
    # The prime itself may be given a new prime status (it closes its own row).
    status.provider_status_open(
        zone=zone, provider=hoo, status="prime", since=DAY, reason="New contract", by=manager
    )
    assert primes_on(zone, DAY) == {hoo.pk}


def test_the_decision_page_says_what_happens_to_the_current_prime(moves, manager, client):
    _zone, _hoo, _strood, _castle, _demotion, promotion = moves
    client.force_login(manager)
    page = client.get(reverse("performance:recommendation", args=[promotion.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "A zone has one prime provider at a time" in text
    assert "approving also approves that move" in text


def test_a_refused_approval_shows_the_reason_on_the_page(moves, manager, client):
    zone, _hoo, _strood, castle, demotion, promotion = moves
    today = dt.date.today()
    status.recommendation_decide(
        recommendation=demotion, approve=True, reason="Missed visits", by=manager, on=today
    )
    status.provider_status_open(
        zone=zone, provider=castle, status="prime", since=today, reason="Interim", by=manager
    )
    client.force_login(manager)
    url = reverse("performance:recommendation", args=[promotion.pk])
    assert "approval will be refused" in client.get(url).content.decode()
    refused = client.post(url, {"decision": "approve", "reason": "Strong"})
    assert refused.status_code == 400
    assert "one prime provider at a time" in refused.content.decode()
    assert "govuk-error-summary" in refused.content.decode()
