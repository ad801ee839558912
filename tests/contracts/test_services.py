import datetime as dt
from decimal import Decimal

import pytest

from tendercare.contracts import services
from tendercare.contracts.models import Contract, ContractCommissioner, Novation
from tendercare.core.audit import history_for
from tendercare.core.errors import DomainError
from tests.factories import CommissionerOrgFactory


def test_create_calculates_whole_life_value_and_audits(make_contract, commissioner):
    contract = make_contract("MC-1", extension_months=24, by=commissioner)
    # 5 years + 2 years of extension options at GBP 100,000 a year
    assert contract.whole_life_value == Decimal("700000.00")
    assert contract.last_competed_on == contract.start_date  # open procedure was competitive
    assert history_for(contract).filter(action="create").count() == 1


def test_vary_changes_annual_and_whole_life_value(make_contract, commissioner):
    contract = make_contract("MC-2", by=commissioner)
    variation = services.contract_vary(
        contract=contract,
        effective_on=dt.date(2027, 4, 1),
        annual_value_change=Decimal("12000"),
        reason="Extra district nursing hours for winter",
        by=commissioner,
    )
    contract.refresh_from_db()
    assert contract.annual_value == Decimal("112000.00")
    assert variation.whole_life_value_change == Decimal("12000.00")  # 12 months left
    assert contract.whole_life_value == Decimal("512000.00")
    assert history_for(contract).filter(action="update").count() == 1


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"reason": " "}, "reason"),
        ({"effective_on": dt.date(2030, 1, 1)}, "between"),
        ({"annual_value_change": Decimal("-200000")}, "negative"),
        ({"annual_value_change": Decimal("1.001")}, "pounds and pence"),
    ],
)
def test_vary_rejects_bad_input(make_contract, kw, message):
    contract = make_contract("MC-3")
    args = {
        "contract": contract,
        "effective_on": dt.date(2025, 1, 1),
        "annual_value_change": Decimal("1"),
        "reason": "x",
    }
    with pytest.raises(DomainError, match=message):
        services.contract_vary(**{**args, **kw})


def test_shares_must_sum_to_100(make_contract, council, icb):
    contract = make_contract("MC-4")
    with pytest.raises(DomainError, match="add up to 90%"):
        services.contract_set_shares(
            contract=contract, shares=[(council, Decimal("60")), (icb, Decimal("30"))]
        )
    services.contract_set_shares(
        contract=contract, shares=[(council, Decimal("60")), (icb, Decimal("40"))]
    )
    assert {s.organisation.name: s.share_percent for s in contract.shares.all()} == {
        "Medway Council": Decimal("60.00"),
        "NHS Kent and Medway ICB": Decimal("40.00"),
    }


def test_a_provider_cannot_hold_a_commissioning_share(make_contract, provider_org):
    with pytest.raises(DomainError, match="not a commissioning body"):
        make_contract("MC-5", shares=[(provider_org, Decimal("100"))])


def test_baseline_record_then_update(make_contract, commissioner):
    contract = make_contract("MC-6")
    baseline = services.baseline_record(
        contract=contract,
        annual_cost=Decimal("98000"),
        activity=Decimal("5200"),
        activity_unit="visits a year",
        service_model_notes="Two teams, 8am to 8pm",
        recorded_on=dt.date(2025, 1, 10),
        by=commissioner,
    )
    again = services.baseline_record(
        contract=contract, annual_cost=Decimal("99000"), recorded_on=dt.date(2025, 2, 1)
    )
    assert again.pk == baseline.pk and again.annual_cost == Decimal("99000")
    assert history_for(baseline).count() == 2


def test_eight_ccgs_merge_into_one_icb_and_contracts_novate(make_contract, council, icb):
    ccgs = [CommissionerOrgFactory(name=f"NHS Area {i} CCG", kind="ccg") for i in range(8)]
    for i, ccg in enumerate(ccgs):
        make_contract(f"CCG-{i}", shares=[(ccg, Decimal("100"))])
    joint = make_contract(
        "JOINT-1", shares=[(council, Decimal("50")), (ccgs[0], Decimal("30")), (icb, Decimal("20"))]
    )
    novations = services.commissioners_merge(
        predecessors=ccgs, successor=icb, on=dt.date(2022, 7, 1)
    )
    assert len(novations) == 9
    assert not ContractCommissioner.objects.filter(organisation__in=ccgs).exists()
    assert Contract.objects.filter(shares__organisation=icb).count() == 9
    joint_shares = {s.organisation_id: s.share_percent for s in joint.shares.all()}
    assert joint_shares == {council.pk: Decimal("50.00"), icb.pk: Decimal("50.00")}
    # History kept: the CCGs stay on record, merged, and each contract says who held it before.
    ccgs[0].refresh_from_db()
    assert ccgs[0].merged_into == icb
    assert Novation.objects.filter(from_organisation=ccgs[0]).count() == 2
    assert history_for(joint).filter(action="event", summary__contains="Novated").exists()


def test_merging_twice_is_refused(icb):
    ccg = CommissionerOrgFactory(name="NHS Swale CCG", kind="ccg")
    services.commissioners_merge(predecessors=[ccg], successor=icb, on=dt.date(2022, 7, 1))
    with pytest.raises(DomainError, match="already merged"):
        services.commissioners_merge(predecessors=[ccg], successor=icb, on=dt.date(2022, 7, 1))


def test_update_recalculates_whole_life_value(make_contract):
    contract = make_contract("MC-7")
    services.contract_update(contract=contract, annual_value=Decimal("200000"))
    assert contract.whole_life_value == Decimal("1000000.00")
    with pytest.raises(DomainError, match="cannot be changed here"):
        services.contract_update(contract=contract, reference="NEW")
