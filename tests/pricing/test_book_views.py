"""Budget impact and open-book pages: who sees what, flags shown, never a 500 on bad input."""

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tendercare.organisations.models import Role
from tendercare.pricing import submissions
from tendercare.pricing.models import CommissionedHours, CostSubmission
from tests.factories import ProviderOrgFactory, UserFactory

from .book_helpers import GOOD_SUBMISSION, bid_with_prices, csv_bytes, scenario_for

BUDGET = reverse("pricing:budget")
BOOK = reverse("pricing:submissions")
UPLOAD = reverse("pricing:submission-upload")


def page(response) -> str:
    return response.content.decode()


def add_hours(owner):
    for zone, band, hours, spend in (
        ("North", "urban", "1000", "29000"),
        ("North", "rural", "300", "10500"),
        ("South", "urban", "500", "15000"),
    ):
        CommissionedHours.objects.create(
            owner=owner,
            year=2025,
            zone=zone,
            band=band,
            hours=D(hours),
            current_spend=D(spend),
        )


def submit(by, provider, commissioner, rows=GOOD_SUBMISSION, **kwargs):
    kwargs.setdefault("source", "annual_return")
    outcome = submissions.cost_submission_import(
        file=csv_bytes(rows),
        filename="costs.csv",
        by=by,
        provider=provider,
        commissioner=commissioner,
        year=2025,
        **kwargs,
    )
    assert outcome.result.ok, outcome.result.errors
    return outcome.submission


# --- budget ----------------------------------------------------------------------------------


def test_budget_page_shows_tables_chart_and_totals(client, commissioner, council):
    scenario_for(council)
    add_hours(council)
    client.force_login(commissioner)
    html = page(client.get(BUDGET))
    assert "Budget impact 2025/26" in html
    assert 'role="img"' in html and "Modelled cost and current spend by zone" in html
    # North urban 1000 x 30.40; the whole: 56,136.00 modelled against 54,500.00 (worked in
    # tests/pricing/test_budget.py), 1,636.00 more.
    assert "£30,400.00" in html and "£56,136.00" in html and "£54,500.00" in html
    assert "£1,636.00" in html
    assert "By locality" in html and "No locality given" in html


def test_what_if_costs_a_pay_rise_in_a_year(client, commissioner, council):
    scenario = scenario_for(council)
    add_hours(council)
    client.force_login(commissioner)
    response = client.get(
        BUDGET, {"scenario": scenario.pk, "parameter": "pay_rate", "value": "12.60", "band": ""}
    )
    html = page(response)
    assert response.status_code == 200
    assert 'id="what-if-result"' in html and "Care worker pay rate from 12.21" in html


@pytest.mark.parametrize(
    "params",
    [
        {"parameter": "pay_rate", "value": "lots"},
        {"parameter": "pay_rate", "value": "-3"},
        {"parameter": "nonsense", "value": "1"},
        {"parameter": "holiday_pay", "value": "150"},
        {"parameter": "paid_hours_per_year", "value": "0"},
        {"parameter": "pay_rate", "value": "1", "band": "moon"},
        {"parameter": "pay_rate", "value": "1e400"},
        {"scenario": "abc", "year": "x", "parameter": "", "value": ""},
    ],
)
def test_bad_what_if_input_is_an_error_message_not_a_500(client, commissioner, council, params):
    scenario_for(council)
    add_hours(council)
    client.force_login(commissioner)
    response = client.get(BUDGET, params)
    assert response.status_code == 200
    assert "There is a problem" in page(response)
    assert 'id="what-if-result"' not in page(response)


def test_budget_access_by_role(client, councillor, provider_user, evaluator, other_commissioner):
    add_hours(councillor.organisation)
    scenario_for(councillor.organisation)
    client.force_login(councillor)
    assert client.get(BUDGET).status_code == 200
    assert client.get(reverse("pricing:budget-import")).status_code == 403
    for user in (provider_user, evaluator):
        client.force_login(user)
        assert client.get(BUDGET).status_code == 404
    # Another council sees none of these hours.
    client.force_login(other_commissioner)
    assert "£56,118.00" not in page(client.get(BUDGET))


def test_budget_import_page_refuses_a_bad_file_whole(client, commissioner):
    client.force_login(commissioner)
    bad = csv_bytes(
        [
            ["year", "zone", "band", "hours", "current_spend"],
            ["2025", "North", "urban", "10", "300"],
            ["2025", "North", "lunar", "x", "300"],
        ]
    )
    response = client.post(
        reverse("pricing:budget-import"),
        {"file": SimpleUploadedFile("hours.csv", bad, content_type="text/csv")},
    )
    html = page(response)
    assert response.status_code == 200
    assert "nothing was saved" in html
    assert "Row 3, column band" in html and "Row 3, column hours" in html
    assert CommissionedHours.objects.count() == 0
    good = csv_bytes(
        [["year", "zone", "band", "hours", "current_spend"], [2025, "N", "rural", 1, 2]]
    )
    response = client.post(
        reverse("pricing:budget-import"), {"file": SimpleUploadedFile("h.csv", good)}
    )
    assert "Import complete" in page(response) and CommissionedHours.objects.count() == 1


# --- open book -------------------------------------------------------------------------------


def test_provider_sees_only_its_own_submissions(client, provider_user, provider_org, council):
    mine = submit(provider_user, provider_org, council)
    rival = ProviderOrgFactory(name="Rival Care")
    theirs = submit(None, rival, council)
    client.force_login(provider_user)
    html = page(client.get(BOOK))
    assert reverse("pricing:submission", args=[mine.pk]) in html
    assert reverse("pricing:submission", args=[theirs.pk]) not in html
    assert client.get(reverse("pricing:submission", args=[mine.pk])).status_code == 200
    assert client.get(reverse("pricing:submission", args=[theirs.pk])).status_code == 404


def test_commissioner_family_sees_received_submissions_others_404(
    client, commissioner, councillor, other_commissioner, evaluator, provider_org, council
):
    submission = submit(None, provider_org, council)
    url = reverse("pricing:submission", args=[submission.pk])
    for user in (commissioner, councillor):
        client.force_login(user)
        assert client.get(url).status_code == 200
        assert url in page(client.get(BOOK))
    client.force_login(other_commissioner)
    assert client.get(url).status_code == 404
    assert url not in page(client.get(BOOK))
    client.force_login(evaluator)
    assert client.get(url).status_code == 404
    assert client.get(BOOK).status_code == 404
    client.force_login(commissioner)
    assert client.get(reverse("pricing:submission", args=[999999])).status_code == 404


def test_flags_are_shown_against_the_chosen_scenario(client, commissioner, provider_org, council):
    scenario = scenario_for(council)
    rows = [
        ["band", "item", "value"],
        ["", "pay_rate", "11.00"],
        ["", "travel_paid", "0"],
        ["", "overheads", "15"],
        ["", "return_rate", "1"],
    ]
    submission = submit(None, provider_org, council, rows=rows)
    client.force_login(commissioner)
    html = page(
        client.get(reverse("pricing:submission", args=[submission.pk]), {"scenario": scenario.pk})
    )
    assert "Pay below the legal minimum" in html and "£1.21 below the National Living" in html
    assert "Travel time unpaid" in html
    assert "Overheads outside the credible range" in html
    assert "Return outside the credible range" in html
    assert "govuk-warning-text" in html
    assert "model rate £32.15" in html  # fringe: the all-bands rate on the HCA defaults


def test_abnormally_low_warning_for_a_bid_past_its_deadline(
    client, commissioner, provider_user, provider_org, council
):
    scenario_for(council)
    # Urban model rate 30.40, rural 35.12: both bid prices are below.
    bid = bid_with_prices(council, provider_org, prices={"urban": "29.00", "rural": "34.00"})
    submission = submit(provider_user, provider_org, council, source="bid", bid_id=bid.pk)
    client.force_login(commissioner)
    html = page(client.get(reverse("pricing:submission", args=[submission.pk])))
    assert "Abnormally low price" in html
    # 30.40 - 29.00 = 1.40.
    assert "The bid price of £29.00 an hour for urban visits is £1.40" in html
    assert "Seek a clarification" in html and "section 19" in html


def test_a_sealed_bid_cannot_be_linked_from_the_upload_page(
    client, provider_user, provider_org, council
):
    sealed = bid_with_prices(council, provider_org, deadline_passed=False)
    client.force_login(provider_user)
    form = page(client.get(UPLOAD))
    assert f'value="{sealed.pk}"' not in form
    response = client.post(
        UPLOAD,
        {
            "file": SimpleUploadedFile("c.csv", csv_bytes(GOOD_SUBMISSION)),
            "source": "bid",
            "year": "2025",
            "commissioner": str(council.pk),
            "bid": str(sealed.pk),
        },
    )
    assert response.status_code == 200
    assert "There is a problem" in page(response)
    assert CostSubmission.objects.count() == 0


def test_a_sealed_bid_linked_earlier_shows_no_prices(client, commissioner, provider_org, council):
    scenario_for(council)
    bid = bid_with_prices(council, provider_org)
    submission = submit(None, provider_org, council, source="bid", bid_id=bid.pk)
    # The deadline is moved back into the future (an extension): the prices are sealed again.
    procurement = bid.lot.procurement
    from django.utils import timezone

    procurement.bid_deadline = timezone.now() + timezone.timedelta(days=2)
    procurement.save()
    client.force_login(commissioner)
    html = page(client.get(reverse("pricing:submission", args=[submission.pk])))
    assert "£29.00" not in html and "Abnormally low" not in html


def test_upload_by_provider_then_redirect_to_the_comparison(
    client, provider_user, provider_org, council
):
    client.force_login(provider_user)
    response = client.post(
        UPLOAD,
        {
            "file": SimpleUploadedFile("c.csv", csv_bytes(GOOD_SUBMISSION)),
            "source": "annual_return",
            "year": "2025",
            "commissioner": str(council.pk),
        },
    )
    submission = CostSubmission.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("pricing:submission", args=[submission.pk])
    assert submission.provider == provider_org
    html = page(client.get(response.url))
    # The provider sees its figures and the model-free checks, no commissioner scenario.
    assert "No flags" in html and "No cost model is compared here" in html


def test_upload_with_a_bad_file_lists_row_and_column_errors(
    client, provider_user, provider_org, council
):
    client.force_login(provider_user)
    bad = csv_bytes([["band", "item", "value"], ["", "pay_rate", "abc"], ["mars", "miles", "1"]])
    response = client.post(
        UPLOAD,
        {
            "file": SimpleUploadedFile("c.csv", bad),
            "source": "annual_return",
            "year": "2025",
            "commissioner": str(council.pk),
        },
    )
    html = page(response)
    assert response.status_code == 200
    assert "2 problems in c.csv: nothing was saved" in html
    assert "Row 2, column value" in html and "Row 3, column band" in html
    assert CostSubmission.objects.count() == 0


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"source": "x", "year": "twenty", "commissioner": "999"},
        {"source": "bid", "year": "1850", "commissioner": "", "bid": "abc"},
    ],
)
def test_upload_form_errors_are_messages_not_500s(client, provider_user, council, data):
    client.force_login(provider_user)
    response = client.post(UPLOAD, data)
    assert response.status_code == 200 and "There is a problem" in page(response)


def test_staff_upload_on_behalf_and_who_may_upload(
    client, commissioner, councillor, evaluator, provider_org, council
):
    client.force_login(commissioner)
    response = client.post(
        UPLOAD,
        {
            "file": SimpleUploadedFile("c.xlsx", b"PK\x03\x04 broken"),
            "source": "annual_return",
            "year": "2025",
            "commissioner": str(council.pk),
            "provider": str(provider_org.pk),
        },
    )
    assert "cannot be opened as an Excel workbook" in page(response)
    response = client.post(
        UPLOAD,
        {
            "file": SimpleUploadedFile("c.csv", csv_bytes(GOOD_SUBMISSION)),
            "source": "annual_return",
            "year": "2025",
            "commissioner": str(council.pk),
            "provider": str(provider_org.pk),
        },
    )
    assert response.status_code == 302
    assert CostSubmission.objects.get().uploaded_by == commissioner
    client.force_login(councillor)
    assert client.get(UPLOAD).status_code == 403
    client.force_login(evaluator)
    assert client.get(UPLOAD).status_code == 404
    client.logout()
    assert client.get(UPLOAD).status_code == 302  # to sign in


def test_a_provider_cannot_send_as_another(client, provider_org, council):
    rival = ProviderOrgFactory(name="Rival Care")
    user = UserFactory(username="rivaluser", role=Role.PROVIDER, organisation=rival)
    client.force_login(user)
    client.post(
        UPLOAD,
        {
            "file": SimpleUploadedFile("c.csv", csv_bytes(GOOD_SUBMISSION)),
            "source": "annual_return",
            "year": "2025",
            "commissioner": str(council.pk),
            "provider": str(provider_org.pk),  # ignored: a provider sends its own
        },
    )
    assert CostSubmission.objects.get().provider == rival


def test_budget_page_without_a_scenario_or_hours_says_so(client, commissioner, council):
    client.force_login(commissioner)
    assert "There is no pricing scenario yet" in page(client.get(BUDGET))
    scenario_for(council)
    html = page(client.get(BUDGET, {"parameter": "pay_rate", "value": "13"}))
    assert "No commissioned hours have been imported yet" in html
    assert 'id="what-if-result"' not in html
