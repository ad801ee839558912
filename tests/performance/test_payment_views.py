"""Payment pages: who sees which statement, issuing, disputing and resolving through the
forms, and the payment terms form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from tendercare.organisations.models import Role
from tendercare.performance import statements
from tendercare.performance.models import (
    Dispute,
    KpiDefinition,
    KpiResult,
    KpiSchedule,
    PaymentRule,
    PaymentTerms,
    Statement,
)
from tests.factories import UserFactory

from .kpi_setup import monitored_fixture  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
APRIL = dt.date(2025, 4, 1)


@pytest.fixture(name="issued")
def issued_fixture(monitored, commissioner):
    schedule = KpiSchedule.objects.create(
        contract=monitored.contract,
        kpi=KpiDefinition.objects.get(code="punctuality"),
        target=90,
        amber=80,
    )
    statements.terms_set(
        contract=monitored.contract,
        rates={"urban": "24.50"},
        monthly_hours={"urban": "1000"},
        penalty_cap_percent=5,
        reward_cap_percent=2,
        rules={schedule.pk: {"red": "-2"}},
        by=commissioner,
    )
    KpiResult.objects.create(
        kpi=schedule.kpi,
        provider=monitored.provider,
        zone=monitored.zone,
        contract=monitored.contract,
        month=APRIL,
        numerator=70,
        denominator=100,
        value=D("70"),
    )
    statement = statements.statement_issue(
        contract=monitored.contract, month=APRIL, by=commissioner, delivered={"urban": "900"}
    )
    return statement


def as_user(client, user):
    client.force_login(user)
    return client


def test_a_commissioner_sees_the_statement_with_its_adjustment(client, issued, commissioner):
    page = as_user(client, commissioner).get(reverse("performance:statement", args=[issued.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Visits started on time 70% rated red" in html
    assert "£22,050.00" in html  # 900 x 24.50
    assert "£-490.00" in html or "-£490.00" in html  # 2% of 24,500
    assert "History of this statement" in html
    listing = client.get(reverse("performance:statements"))
    assert "April 2025" in listing.content.decode()


def test_the_provider_sees_only_its_own_statements_and_may_dispute(
    client, issued, provider_user, monitored
):
    other = Statement.objects.create(
        contract=monitored.other_contract,
        provider=monitored.other_provider,
        month=APRIL,
        commissioned_amount=0,
        delivered_amount=0,
        adjustments_amount=0,
        total=0,
    )
    as_user(client, provider_user)
    listing = client.get(reverse("performance:statements")).content.decode()
    assert monitored.contract.reference in listing
    assert monitored.other_contract.reference not in listing
    assert client.get(reverse("performance:statement", args=[other.pk])).status_code == 404
    page = client.get(reverse("performance:statement", args=[issued.pk])).content.decode()
    assert "Dispute this statement" in page
    adjustment = issued.adjustments.get()
    response = client.post(
        reverse("performance:dispute-raise", args=[issued.pk]),
        {"adjustment": str(adjustment.pk), "reason": "ECM outage"},
    )
    assert response.status_code == 302
    dispute = Dispute.objects.get()
    assert dispute.adjustment == adjustment and dispute.raised_by == provider_user
    assert (
        client.post(
            reverse("performance:dispute-raise", args=[other.pk]), {"reason": "x"}
        ).status_code
        == 404
    )


def test_a_dispute_without_a_reason_shows_an_error(client, issued, provider_user):
    response = as_user(client, provider_user).post(
        reverse("performance:dispute-raise", args=[issued.pk]), {"reason": ""}
    )
    assert response.status_code == 400
    assert "Say why you dispute the statement" in response.content.decode()
    assert not Dispute.objects.exists()


def test_the_commissioner_resolves_a_dispute(client, issued, provider_user, commissioner):
    dispute = statements.dispute_raise(
        statement=issued, adjustment=issued.adjustments.get(), reason="x", by=provider_user
    )
    as_user(client, commissioner)
    page = client.get(reverse("performance:statement", args=[issued.pk])).content.decode()
    assert "Resolve the open dispute" in page
    bad = client.post(reverse("performance:dispute-resolve", args=[dispute.pk]), {})
    assert bad.status_code == 400
    assert "Choose whether the dispute is upheld or rejected" in bad.content.decode()
    response = client.post(
        reverse("performance:dispute-resolve", args=[dispute.pk]),
        {"outcome": "upheld", "resolution": "Outage confirmed by the ECM supplier"},
    )
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.total == D("22050.00") and issued.status == Statement.Status.RESOLVED
    history = client.get(reverse("history", args=["performance.dispute", dispute.pk]))
    assert history.status_code == 200


def test_councillors_read_but_cannot_act(client, issued, councillor, provider_user):
    dispute = statements.dispute_raise(statement=issued, reason="x", by=provider_user)
    as_user(client, councillor)
    page = client.get(reverse("performance:statement", args=[issued.pk])).content.decode()
    assert "Resolve the open dispute" not in page and "Dispute this statement" not in page
    assert (
        client.post(
            reverse("performance:dispute-resolve", args=[dispute.pk]),
            {"outcome": "upheld", "resolution": "r"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("performance:statement-issue"),
            {"contract": issued.contract_id, "month": "2025-05"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("performance:terms", args=[issued.contract_id]), {"penalty_cap": "1"}
        ).status_code
        == 403
    )
    assert client.get(reverse("performance:terms", args=[issued.contract_id])).status_code == 200


def test_others_get_404(client, issued, evaluator, other_commissioner):
    for user in (evaluator, other_commissioner):
        as_user(client, user)
        assert client.get(reverse("performance:statement", args=[issued.pk])).status_code == 404
        assert (
            client.get(reverse("performance:terms", args=[issued.contract_id])).status_code == 404
        )
    as_user(client, evaluator)
    assert client.get(reverse("performance:statements")).status_code == 404


def test_issue_through_the_form(client, issued, commissioner, monitored):
    as_user(client, commissioner)
    bad = client.post(
        reverse("performance:statement-issue"),
        {"contract": str(monitored.contract.pk), "month": "April"},
    )
    assert bad.status_code == 400 and "Enter the month as YYYY-MM" in bad.content.decode()
    response = client.post(
        reverse("performance:statement-issue"),
        {"contract": str(monitored.contract.pk), "month": "2025-05"},
    )
    assert response.status_code == 302
    assert Statement.objects.filter(month=dt.date(2025, 5, 1)).exists()
    again = client.post(reverse("performance:statement-reissue", args=[issued.pk]))
    assert again.status_code == 302


def test_the_terms_form_saves_and_shows_errors(client, issued, commissioner, monitored):
    as_user(client, commissioner)
    url = reverse("performance:terms", args=[monitored.contract.pk])
    page = client.get(url).content.decode()
    assert 'value="24.50"' in page and "Visits started on time" in page
    schedule = KpiSchedule.objects.get()
    data = {
        "rate_urban": "25.00",
        "hours_urban": "1100",
        "rate_rural": "abc",
        "penalty_cap": "5",
        "reward_cap": "2",
        f"rule_{schedule.pk}_red": "-3",
    }
    bad = client.post(url, data)
    assert bad.status_code == 400 and "The rural rate must be a number" in bad.content.decode()
    data["rate_rural"] = "31"
    data[f"rule_{schedule.pk}_green"] = "-1"
    wrong_sign = client.post(url, data)
    assert wrong_sign.status_code == 400
    assert "A green rating is a reward" in wrong_sign.content.decode()
    del data[f"rule_{schedule.pk}_green"]
    assert client.post(url, data).status_code == 302
    terms = PaymentTerms.objects.get()
    assert terms.rates == {"urban": "25.00", "rural": "31"}
    assert PaymentRule.objects.get(schedule=schedule, rating="red").percent == D("-3")


def test_a_novated_contracts_old_statements_stay_with_the_old_provider(client, issued, monitored):
    new_provider_user = UserFactory(
        username="newprov", role=Role.PROVIDER, organisation=monitored.other_provider
    )
    monitored.contract.provider = monitored.other_provider
    monitored.contract.save()
    as_user(client, new_provider_user)
    assert client.get(reverse("performance:statement", args=[issued.pk])).status_code == 404
