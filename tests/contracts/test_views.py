import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

import tendercare.contracts as contracts_app
from tendercare.contracts import queries
from tendercare.contracts import register_rules as rr
from tendercare.contracts.models import Contract
from tendercare.core.models import AuditLog
from tests.factories import UserFactory

from .test_importing import GOOD, csv_bytes

TODAY = dt.date.today()


@pytest.fixture
def register(make_contract, council, other_council, other_provider):
    soon = make_contract(
        "SOON-1",
        end_date=rr.add_months(TODAY, 6),
        title="Ending soon",
        annual_value=Decimal("1000"),
    )
    big = make_contract(
        "BIG-1",
        title='=HYPERLINK("http://evil")',
        annual_value=Decimal("900000"),
        procurement_route="rollover",
        start_date=TODAY - dt.timedelta(days=3000),
        end_date=rr.add_months(TODAY, 40),
        provider=other_provider,
    )
    kent = make_contract("KENT-1", shares=[(other_council, Decimal("100"))], title="Kent only")
    return {"soon": soon, "big": big, "kent": kent}


def refs(response):
    return re.findall(r'href="/contracts/([A-Z]+-\d)/"', response.content.decode())


def test_views_and_api_never_touch_objects_directly():
    folder = Path(contracts_app.__file__).parent
    for name in ("views.py", "api.py"):
        assert ".objects" not in (folder / name).read_text(), name


def test_register_lists_own_contracts_with_warnings_and_rules(signed_in, register):
    page = signed_in.get("/contracts/")
    text = page.content.decode()
    assert page.status_code == 200
    assert set(refs(page)) == {"SOON-1", "BIG-1"}
    assert "Ending within lead time" in text and "Over threshold, not competed" in text
    assert "18 months" in text and "£663,540" in text and "£650,000" in text
    assert 'aria-sort="ascending"' in text


def test_filters_and_sorting(signed_in, register, other_provider):
    assert refs(signed_in.get("/contracts/?warning=ending_soon")) == ["SOON-1"]
    assert refs(signed_in.get("/contracts/?warning=not_competed")) == ["BIG-1"]
    assert refs(signed_in.get(f"/contracts/?provider={other_provider.pk}")) == ["BIG-1"]
    assert refs(signed_in.get("/contracts/?q=ending")) == ["SOON-1"]
    assert refs(signed_in.get("/contracts/?route=rollover")) == ["BIG-1"]
    desc = signed_in.get("/contracts/?sort=annual_value&direction=desc")
    assert refs(desc) == ["BIG-1", "SOON-1"]
    assert 'aria-sort="descending"' in desc.content.decode()
    assert refs(signed_in.get("/contracts/?sort=annual_value&direction=asc")) == ["SOON-1", "BIG-1"]


def test_rule_parameters_change_warnings_and_bad_ones_are_explained(signed_in, register):
    assert refs(signed_in.get("/contracts/?warning=ending_soon&lead_time_months=48")) == [
        "SOON-1",
        "BIG-1",
    ]
    assert refs(signed_in.get("/contracts/?warning=not_competed&threshold=50000000")) == []
    page = signed_in.get("/contracts/?sort=nonsense&page=abc&threshold=xyz&years=-3&direction=up")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Threshold must be an amount in pounds" in text
    assert "There is a problem with the warning rules" in text
    assert signed_in.get("/contracts/?provider=99999999999999999&page=99999").status_code == 200


def test_pagination(signed_in, make_contract):
    for i in range(55):
        make_contract(f"P-{i:02d}")
    first = signed_in.get("/contracts/?sort=reference")
    assert "page 1 of 2" in first.content.decode()
    assert first.content.decode().count('href="/contracts/P-') == 50
    second = signed_in.get("/contracts/?sort=reference&page=2")
    assert "page 2 of 2" in second.content.decode()
    assert second.content.decode().count('href="/contracts/P-') == 5


def test_other_council_cannot_see_or_export(client, other_commissioner, register):
    client.force_login(other_commissioner)
    assert client.get("/contracts/SOON-1/").status_code == 404
    assert refs(client.get("/contracts/")) == ["KENT-1"]
    body = client.get("/contracts/export.csv").content.decode("utf-8-sig")
    assert "KENT-1" in body and "SOON-1" not in body and "BIG-1" not in body
    assert client.get("/contracts/SOON-1/vary/").status_code == 404
    history = f"/history/contracts.contract/{register['soon'].pk}/"
    assert client.get(history).status_code == 404


def test_provider_sees_only_own_and_evaluator_none(client, provider_user, evaluator, register):
    client.force_login(provider_user)
    assert set(refs(client.get("/contracts/"))) == {"SOON-1", "KENT-1"}
    assert client.get("/contracts/BIG-1/").status_code == 404
    assert client.get("/contracts/SOON-1/vary/").status_code == 403
    client.force_login(evaluator)
    page = client.get("/contracts/")
    assert refs(page) == [] and "does not give access" in page.content.decode()
    assert client.get("/contracts/SOON-1/").status_code == 404


def test_councillor_reads_but_cannot_change(client, councillor, register):
    client.force_login(councillor)
    detail = client.get("/contracts/SOON-1/")
    assert detail.status_code == 200 and "Record a variation" not in detail.content.decode()
    assert client.post("/contracts/SOON-1/vary/", {}).status_code == 403
    assert client.get("/contracts/import/").status_code == 403
    assert client.get("/contracts/add/").status_code == 403


def test_detail_shows_everything_and_links_history(signed_in, register, commissioner):
    text = signed_in.get("/contracts/BIG-1/").content.decode()
    assert "Commissioners and their shares" in text and "Medway Council" in text
    assert f"/history/contracts.contract/{register['big'].pk}/" in text
    assert "Rolled over without competition" in text
    history = signed_in.get(f"/history/contracts.contract/{register['big'].pk}/")
    assert history.status_code == 200


def test_vary_form(signed_in, register):
    bad = signed_in.post("/contracts/SOON-1/vary/", {"effective_on": "soon", "reason": ""})
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "There is a problem" in text and "YYYY-MM-DD or DD/MM/YYYY" in text
    good = signed_in.post(
        "/contracts/SOON-1/vary/",
        {
            "effective_on": TODAY.strftime("%d/%m/%Y"),
            "annual_value_change": "-100",
            "reason": "Cut",
        },
    )
    assert good.status_code == 302
    assert queries.contract_by_reference("SOON-1").annual_value == Decimal("900")


def test_baseline_form(signed_in, register):
    response = signed_in.post(
        "/contracts/SOON-1/baseline/",
        {"annual_cost": "950", "activity": "10", "activity_unit": "", "recorded_on": "2025-01-01"},
    )
    assert "Say what the activity counts" in response.content.decode()
    response = signed_in.post(
        "/contracts/SOON-1/baseline/",
        {"annual_cost": "950", "recorded_on": "2025-01-01", "service_model_notes": "One team"},
    )
    assert response.status_code == 302
    assert "One team" in signed_in.get("/contracts/SOON-1/").content.decode()


def test_add_contract_form(signed_in, provider_org, make_contract):
    make_contract("SEED-1")  # creates the service line
    service = queries.service_lines().first()
    data = {
        "reference": "NEW-1",
        "title": "Podiatry",
        "commissioners": "Medway Council",
        "provider": provider_org.pk,
        "service": service.pk,
        "annual_value": "250000",
        "start_date": "01/04/2025",
        "end_date": "2028-03-31",
        "extension_months": "12",
        "procurement_route": "psr_competitive",
        "status": "active",
    }
    assert signed_in.post("/contracts/add/", {**data, "end_date": "2020-01-01"}).status_code == 200
    response = signed_in.post("/contracts/add/", data)
    assert response.status_code == 302
    assert queries.contract_by_reference("NEW-1").whole_life_value == Decimal("1000000.00")


def test_import_page_lists_every_error_and_saves_nothing(signed_in, council):
    bad = [list(GOOD[0]), list(GOOD[1])]
    bad[0][7] = "31/31/2026"
    bad[1][4] = ""
    response = signed_in.post(
        "/contracts/import/", {"file": _upload(csv_bytes(bad), "register.csv")}
    )
    text = response.content.decode()
    assert "2 problems in register.csv: nothing was saved" in text
    assert "Row 2, column end_date" in text and "Row 3, column service" in text
    assert Contract.objects.count() == 0
    ok = signed_in.post("/contracts/import/", {"file": _upload(csv_bytes(GOOD), "register.csv")})
    assert "Import complete" in ok.content.decode() and "Created 2 new providers" in (
        ok.content.decode()
    )
    assert Contract.objects.count() == 2


def test_import_page_rejects_other_file_types(signed_in):
    response = signed_in.post("/contracts/import/", {"file": _upload(b"hello", "notes.txt")})
    assert "must be a CSV or an Excel" in response.content.decode()


def _upload(data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_export_neutralises_formulas_and_round_trips(signed_in, register, council, tmp_path):
    body = signed_in.get("/contracts/export.csv?sort=reference").content
    text = body.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "\n=" not in text and ",=" not in text
    xlsx = signed_in.get("/contracts/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["reference", "title", "commissioner"]
    titles = {row[0]: row[1] for row in values[1:]}
    assert titles["BIG-1"].startswith("'=")
    assert isinstance(values[1][5], int | float)
    # Export, then import into an empty register: the same contracts come back.
    path = tmp_path / "export.xlsx"
    path.write_bytes(xlsx.content)
    before = {
        c.reference: (c.annual_value, c.whole_life_value, c.end_date)
        for c in Contract.objects.all()
    }
    Contract.objects.all().delete()
    call_command("import_contracts", str(path))
    after = {
        c.reference: (c.annual_value, c.whole_life_value, c.end_date)
        for c in Contract.objects.all()
    }
    assert after == {k: v for k, v in before.items() if k != "KENT-1"}


def test_export_command_whole_register_and_scoped(tmp_path, register, other_council):
    out = tmp_path / "all.csv"
    call_command("export_contracts", "--format", "csv", "--output", str(out))
    assert out.read_text(encoding="utf-8-sig").count("\n") == 4
    scoped = tmp_path / "kent.xlsx"
    call_command(
        "export_contracts",
        "--format",
        "xlsx",
        "--output",
        str(scoped),
        "--organisation",
        "Kent County Council",
    )
    rows = list(load_workbook(scoped).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["KENT-1"]


def test_sql_warning_filters_agree_with_the_pure_rules(register, make_contract):
    make_contract("OLD-1", status="expired", end_date=rr.add_months(TODAY, 2))
    make_contract("EDGE-1", end_date=rr.add_months(TODAY, 18))
    params = rr.RuleParameters()
    everyone = Contract.objects.all()
    for code in rr.WARNING_LABELS:
        in_sql = set(
            everyone.filter(queries.warning_q(code, TODAY, params)).values_list(
                "reference", flat=True
            )
        )
        in_python = {
            c.reference
            for c in everyone
            if code in {w.code for w in rr.warnings_for(queries.facts_for(c), today=TODAY)}
        }
        assert in_sql == in_python, code
        assert "OLD-1" not in in_sql
    soon = everyone.filter(queries.warning_q(rr.ENDING_SOON, TODAY, params))
    assert "EDGE-1" in set(soon.values_list("reference", flat=True))


def test_import_audits_nothing_when_invalid(signed_in):
    before = AuditLog.objects.count()
    signed_in.post("/contracts/import/", {"file": _upload(b"reference\nX\n", "r.csv")})
    assert AuditLog.objects.count() == before


def test_administrator_of_other_org_cannot_edit(client, register, other_council):
    admin = UserFactory(username="kadmin", role="administrator", organisation=other_council)
    client.force_login(admin)
    assert client.get("/contracts/SOON-1/baseline/").status_code == 404
