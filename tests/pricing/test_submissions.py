"""Importing open-book submissions and commissioned hours: all or nothing, every error with its
row and column, audited; bids linked only when readable and past their deadline."""

from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tendercare.core.errors import DomainError, NotAllowed
from tendercare.core.models import AuditLog
from tendercare.organisations.models import Role
from tendercare.pricing import submissions
from tendercare.pricing.models import CommissionedHours, CostLine, CostSubmission
from tests.factories import ProviderOrgFactory, UserFactory

from .book_helpers import GOOD_SUBMISSION, bid_with_prices, csv_bytes, xlsx_bytes


def send(by, provider, commissioner, data, *, filename="costs.csv", **kwargs):
    kwargs.setdefault("source", "annual_return")
    kwargs.setdefault("year", 2025)
    return submissions.cost_submission_import(
        file=data,
        filename=filename,
        by=by,
        provider=provider,
        commissioner=commissioner,
        **kwargs,
    )


def errors_of(outcome):
    return [(e.row, e.column, e.message) for e in outcome.result.errors]


def test_a_provider_sends_a_good_file(provider_user, provider_org, council):
    outcome = send(provider_user, provider_org, council, csv_bytes(GOOD_SUBMISSION))
    assert outcome.result.ok, outcome.result.errors
    submission = outcome.submission
    assert (submission.provider, submission.commissioner, submission.year) == (
        provider_org,
        council,
        2025,
    )
    assert submission.uploaded_by == provider_user
    assert submissions.lines_of(submission) == {
        ("pay_rate", ""): D("12.5"),
        ("travel_paid", ""): D("1"),
        ("travel_minutes", ""): D("15"),
        ("travel_minutes", "rural"): D("22"),
        ("overheads", ""): D("8"),
        ("return_rate", ""): D("4"),
        ("hourly_price", "urban"): D("31"),
        ("hourly_price", "rural"): D("36"),
    }
    log = AuditLog.objects.get(object_type="pricing.costsubmission", object_id=str(submission.pk))
    assert log.user == provider_user and "8 lines" in log.summary


def test_xlsx_works_too_and_reads_pounds_and_percent_signs(provider_user, provider_org, council):
    rows = [
        ["band", "item", "value", "note"],
        [None, "pay_rate", 12.21, "NLW"],
        ["Rural", "hourly_price", "£35.50", ""],
        ["", "return_rate", "5%", ""],
    ]
    outcome = send(provider_user, provider_org, council, xlsx_bytes(rows), filename="c.xlsx")
    assert outcome.result.ok, outcome.result.errors
    assert submissions.lines_of(outcome.submission) == {
        ("pay_rate", ""): D("12.21"),
        ("hourly_price", "rural"): D("35.5"),
        ("return_rate", ""): D("5"),
    }


def test_a_bad_file_is_refused_whole_with_every_error_by_row_and_column(
    provider_user, provider_org, council
):
    rows = [
        ["band", "item", "value"],
        ["", "pay_rate", "12.50"],  # fine, but not saved
        ["", "holiday_money", "12"],  # unknown item
        ["suburban", "overheads", "8"],  # unknown band
        ["", "miles", "lots"],  # not a number
        ["", "pay_rate", "12.60"],  # duplicate of row 2
        ["", "overheads", "-1"],  # negative
        ["", "return_rate", "150"],  # a percentage over 100
        ["", "travel_paid", "2"],  # neither 0 nor 1
    ]
    outcome = send(provider_user, provider_org, council, csv_bytes(rows))
    assert not outcome.result.ok and outcome.submission is None
    found = errors_of(outcome)
    assert [(row, column) for row, column, _ in found] == [
        (3, "item"),
        (4, "band"),
        (5, "value"),
        (6, "item"),
        (7, "value"),
        (8, "value"),
        (9, "value"),
    ]
    messages = {(row, col): msg for row, col, msg in found}
    assert "Unknown item 'holiday_money'" in messages[(3, "item")]
    assert "pay_rate" in messages[(3, "item")]  # lists the items
    assert "Unknown band 'suburban'" in messages[(4, "band")]
    assert "'lots' is not a number" in messages[(5, "value")]
    assert "already given on row 2" in messages[(6, "item")]
    assert "cannot be negative" in messages[(7, "value")]
    assert "row 3, column item" in str(outcome.result.errors[0])
    assert CostSubmission.objects.count() == 0 and CostLine.objects.count() == 0
    assert not AuditLog.objects.filter(object_type="pricing.costsubmission").exists()


def test_a_bad_xlsx_is_refused_whole(provider_user, provider_org, council):
    rows = [["band", "item", "value"], ["", "pay_rate", 12.5], ["", "pay_rate", "x"]]
    outcome = send(provider_user, provider_org, council, xlsx_bytes(rows), filename="c.xlsx")
    assert errors_of(outcome) == [(3, "value", "'x' is not a number")]
    assert CostSubmission.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"band,thing,value\n,pay_rate,1\n", "Missing column"),
        (b"band,item,value\n", "no rows"),
        (b"\xff\xfe\x00garbage", "UTF-8"),
    ],
)
def test_files_that_cannot_be_read_are_refused(
    provider_user, provider_org, council, data, fragment
):
    outcome = send(provider_user, provider_org, council, data)
    assert not outcome.result.ok
    assert fragment in " ".join(e.message for e in outcome.result.errors)
    assert CostSubmission.objects.count() == 0


def test_who_may_send(
    provider_user, provider_org, council, commissioner, councillor, other_council
):
    other_provider = ProviderOrgFactory(name="Elsewhere Care")
    good = csv_bytes(GOOD_SUBMISSION)
    with pytest.raises(NotAllowed):
        send(provider_user, other_provider, council, good)  # not its own organisation
    with pytest.raises(NotAllowed):
        send(councillor, provider_org, council, good)  # councillors only read
    with pytest.raises(NotAllowed):
        send(commissioner, provider_org, other_council, good)  # not its family
    with pytest.raises(DomainError):
        send(provider_user, provider_org, provider_org, good)  # not a commissioner
    outcome = send(commissioner, provider_org, council, good)  # on the provider's behalf
    assert outcome.result.ok and outcome.submission.uploaded_by == commissioner
    assert CostSubmission.objects.count() == 1


def test_a_bid_past_its_deadline_can_be_linked(provider_user, provider_org, council):
    bid = bid_with_prices(council, provider_org)
    outcome = send(
        provider_user,
        provider_org,
        council,
        csv_bytes(GOOD_SUBMISSION),
        source="bid",
        bid_id=bid.pk,
    )
    assert outcome.submission.bid == bid


def test_a_sealed_bid_cannot_be_linked_by_anyone(
    provider_user, provider_org, council, commissioner
):
    sealed = bid_with_prices(council, provider_org, deadline_passed=False)
    for by in (provider_user, commissioner, None):
        with pytest.raises(DomainError, match="sealed"):
            send(
                by,
                provider_org,
                council,
                csv_bytes(GOOD_SUBMISSION),
                source="bid",
                bid_id=sealed.pk,
            )
    assert submissions.linkable_bid(commissioner, sealed.pk) is None
    assert sealed not in submissions.linkable_bids(provider_user)
    assert CostSubmission.objects.count() == 0


def test_another_providers_bid_or_junk_cannot_be_linked(provider_org, council, commissioner):
    rival = ProviderOrgFactory(name="Rival Care")
    rival_user = UserFactory(username="rival", role=Role.PROVIDER, organisation=rival)
    bid = bid_with_prices(council, provider_org)
    with pytest.raises(DomainError):
        send(rival_user, rival, council, csv_bytes(GOOD_SUBMISSION), source="bid", bid_id=bid.pk)
    with pytest.raises(DomainError, match="was made by"):
        send(commissioner, rival, council, csv_bytes(GOOD_SUBMISSION), source="bid", bid_id=bid.pk)
    for junk in ("abc", "-1", "99999999999999", "0"):
        assert submissions.linkable_bid(commissioner, junk) is None
    with pytest.raises(DomainError):
        send(
            commissioner,
            provider_org,
            council,
            csv_bytes(GOOD_SUBMISSION),
            source="annual_return",
            bid_id=bid.pk,
        )


def test_bid_prices_are_read_only_through_the_sealing_rules(
    provider_user, provider_org, council, commissioner, other_commissioner
):
    bid = bid_with_prices(council, provider_org)
    submission = send(
        provider_user,
        provider_org,
        council,
        csv_bytes(GOOD_SUBMISSION),
        source="bid",
        bid_id=bid.pk,
    ).submission
    assert submissions.bid_prices_for(commissioner, submission) == {
        "urban": D("29.00"),
        "rural": D("34.00"),
    }
    assert submissions.bid_prices_for(other_commissioner, submission) == {}


# --- commissioned hours ------------------------------------------------------------------------

HOURS = [
    ["year", "locality", "zone", "band", "hours", "current_spend"],
    ["2025", "", "North", "urban", "1000", "29000"],
    ["2025/26", "", "North", "rural", "200.5", "£7,500.00"],
    ["2025", "", "South", "urban", "500", "15000"],
]


def hours_import(by, owner, data, filename="hours.csv", **kwargs):
    return submissions.commissioned_hours_import(
        file=data, filename=filename, owner=owner, by=by, **kwargs
    )


def test_hours_import_creates_then_updates(commissioner, council):
    result = hours_import(commissioner, council, csv_bytes(HOURS))
    assert result.ok and result.created == 3
    rural = CommissionedHours.objects.get(band="rural")
    assert (rural.year, rural.zone, rural.hours, rural.current_spend) == (
        2025,
        "North",
        D("200.5"),
        D("7500.00"),
    )
    again = [HOURS[0], ["2025", "", "North", "rural", "250", "8000"]]
    result = hours_import(commissioner, council, csv_bytes(again))
    assert (result.created, result.updated) == (0, 1)
    assert CommissionedHours.objects.get(band="rural").hours == D("250")
    assert AuditLog.objects.filter(object_type="pricing.commissionedhours").count() == 4


def test_hours_import_from_xlsx_with_a_locality(commissioner, council):
    from tendercare.geography.models import Locality, Place

    place = Place.objects.create(code="E06000035", name="Medway")
    Locality.objects.create(name="Gillingham", place=place)
    rows = [HOURS[0], [2025, "gillingham", "", "fringe", 120, 3600.5]]
    result = hours_import(commissioner, council, xlsx_bytes(rows), filename="h.xlsx")
    assert result.ok, result.errors
    assert CommissionedHours.objects.get().locality.name == "Gillingham"


def test_a_bad_hours_file_is_refused_whole(commissioner, council):
    rows = [
        HOURS[0],
        ["2025", "", "North", "urban", "1000", "29000"],
        ["last year", "", "North", "urban", "1", "1"],
        ["2025", "Atlantis", "", "rural", "1", "1"],
        ["2025", "", "", "rural", "1", "1"],
        ["2025", "", "North", "", "x", "-5"],
        ["2025", "", "North", "urban", "3", "3"],
    ]
    result = hours_import(commissioner, council, csv_bytes(rows))
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "year"),
        (4, "locality"),
        (5, "zone"),
        (6, "band"),
        (6, "current_spend"),
        (6, "hours"),
        (7, "band"),
    ]
    assert CommissionedHours.objects.count() == 0


def test_only_pricing_editors_of_the_owner_import_hours(councillor, other_commissioner, council):
    with pytest.raises(NotAllowed):
        hours_import(councillor, council, csv_bytes(HOURS))
    with pytest.raises(NotAllowed):
        hours_import(other_commissioner, council, csv_bytes(HOURS))
    assert CommissionedHours.objects.count() == 0


# --- management commands -----------------------------------------------------------------------


def test_commands_import_and_fail_loudly(tmp_path, council, provider_org, capsys):
    good = tmp_path / "hours.csv"
    good.write_bytes(csv_bytes(HOURS))
    call_command("import_commissioned_hours", str(good), "--owner", council.name)
    assert CommissionedHours.objects.count() == 3

    costs = tmp_path / "costs.xlsx"
    costs.write_bytes(xlsx_bytes(GOOD_SUBMISSION))
    call_command(
        "import_cost_submission",
        str(costs),
        "--provider",
        provider_org.name,
        "--commissioner",
        council.name,
        "--year",
        "2025",
    )
    assert CostSubmission.objects.get().lines.count() == 8

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["band", "item", "value"], ["x", "pay_rate", "1"], ["", "y", "1"]]))
    with pytest.raises(CommandError, match="2 problems"):
        call_command(
            "import_cost_submission",
            str(bad),
            "--provider",
            provider_org.name,
            "--commissioner",
            council.name,
            "--year",
            "2025",
        )
    err = capsys.readouterr().err
    assert "row 2, column band" in err and "row 3, column item" in err
    assert CostSubmission.objects.count() == 1
    with pytest.raises(CommandError, match="No organisation"):
        call_command("import_commissioned_hours", str(good), "--owner", "Nowhere Council")


def test_every_line_is_in_the_audit_log(provider_user, provider_org, council):
    submission = send(provider_user, provider_org, council, csv_bytes(GOOD_SUBMISSION)).submission
    logged = AuditLog.objects.filter(object_type="pricing.costline")
    assert logged.count() == 8
    assert {log.object_id for log in logged} == {
        str(pk) for pk in submission.lines.values_list("pk", flat=True)
    }


def test_a_dry_run_saves_nothing(provider_user, provider_org, council):
    outcome = send(provider_user, provider_org, council, csv_bytes(GOOD_SUBMISSION), dry_run=True)
    assert outcome.result.ok and outcome.submission is None
    assert CostSubmission.objects.count() == 0 and not AuditLog.objects.exists()


@pytest.mark.parametrize("year", ["twenty", None, 1999, "2101"])
def test_a_bad_year_is_refused(provider_user, provider_org, council, year):
    with pytest.raises(DomainError, match="four digits"):
        send(provider_user, provider_org, council, csv_bytes(GOOD_SUBMISSION), year=year)
