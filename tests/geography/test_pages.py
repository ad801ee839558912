import re

import pytest

from tendercare.core.models import AuditLog
from tendercare.geography import queries
from tendercare.geography.models import Locality, Lsoa, OrganisationBand, RuralityBand

MEDWAY, DOVER = "E06000035", "E07000108"
pytestmark = pytest.mark.usefixtures("seeded")


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def table_cells(html: str, table_id: str) -> list[list[str]]:
    body = html.split(f'id="{table_id}"')[1].split("</table>")[0]
    out = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        out.append([re.sub(r"<[^>]+>", "", c).strip() for c in cells])
    return out


@pytest.mark.django_db
def test_areas_need_sign_in(client):
    for url in ["/areas/", f"/areas/{MEDWAY}/", "/areas/wards/E05014449/", "/areas/postcode/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")


@pytest.mark.django_db
def test_places_list_links_to_each_place(signed_in):
    html = text_of(signed_in.get("/areas/"))
    assert f'href="/areas/{MEDWAY}/"' in html and "Medway" in html
    assert "Dover" in html and "NHS Kent and Medway Integrated Care Board" in html


@pytest.mark.django_db
def test_place_page_lists_localities_and_wards(signed_in):
    html = text_of(signed_in.get(f"/areas/{MEDWAY}/"))
    for name in ["Strood and Peninsula", "Rochester", "Chatham", "Gillingham", "Rainham"]:
        assert name in html
    assert "illustrative" in html
    assert html.count('href="/areas/wards/') == 24
    assert "24 wards" in html


@pytest.mark.django_db
def test_ward_profile_chart_and_table_show_the_same_numbers(signed_in, commissioner):
    html = text_of(signed_in.get("/areas/wards/E05014449/"))  # All Saints
    area = queries.ward_profile(commissioner, queries.ward(commissioner, "E05014449"))
    chart = re.search(r'<svg[^>]*id="age".*?</svg>', html).group(0)
    chart_values = [int(v.replace(",", "")) for v in re.findall(r">([\d,]+)</text>", chart)]
    rows = table_cells(html, "age-table")[1:7]
    table_values = [int(r[1].replace(",", "")) for r in rows]
    assert chart_values == table_values == [b.population for b in area.profile.age_bands]
    assert sum(table_values) == area.profile.total > 0
    assert 'role="img"' in chart and "<title" in chart
    assert "English Indices of Deprivation 2025, MHCLG" in html
    assert "ONS Rural Urban Classification 2021" in html
    assert "Source: ONS Census 2021" in html
    assert html.count("<svg") == 3  # age, deprivation, rurality
    assert "style=" not in html.split("<main")[1]


@pytest.mark.django_db
def test_locality_profile_shows_wards_deprivation_rurality_and_lsoas(signed_in):
    locality = Locality.objects.get(place_id=MEDWAY, name="Strood and Peninsula")
    response = signed_in.get(f"/areas/localities/{locality.pk}/")
    html = text_of(response)
    assert response.status_code == 200
    assert "Illustrative grouping" in html
    lsoas = Lsoa.objects.filter(ward__localities=locality)
    lsoa_rows = table_cells(html, "lsoa-table")[1:]
    assert len(lsoa_rows) == lsoas.count()
    imd_rows = table_cells(html, "imd-table")[1:]
    assert sum(int(r[1]) for r in imd_rows) == lsoas.count()
    rurality = {r[0]: r for r in table_cells(html, "rurality-table")[1:]}
    assert rurality["Urban"][1] == "UN1, UF1"
    assert sum(int(r[2]) for r in rurality.values()) == lsoas.count()
    share = html.split('id="share-65"')[1].split("<")[0].strip(">% ")
    total = sum(lsoas.values_list("pop_total", flat=True))
    older = sum(lsoas.values_list("pop_65_plus", flat=True))
    assert float(share) == pytest.approx(100 * older / total, abs=0.05)


@pytest.mark.django_db
def test_dover_place_profile_has_all_four_bands(signed_in):
    html = text_of(signed_in.get(f"/areas/{DOVER}/"))
    rurality = {r[0]: int(r[2]) for r in table_cells(html, "rurality-table")[1:]}
    assert all(rurality[b] > 0 for b in ["Urban", "Fringe", "Rural", "Isolated"])


@pytest.mark.django_db
def test_unknown_areas_are_404(signed_in):
    assert signed_in.get("/areas/E99999999/").status_code == 404
    assert signed_in.get("/areas/wards/E05999999/").status_code == 404
    assert signed_in.get("/areas/localities/999999/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["ME4 4TR", "me44tr", " Me4  4tR "])
def test_postcode_lookup_finds_the_lsoa(signed_in, text):
    html = text_of(signed_in.get("/areas/postcode/", {"postcode": text}))
    assert "ME4 4TR" in html
    assert "E01035297" in html and "Fort Pitt" in html and "Medway" in html
    assert "Urban (RUC2021 UN1)" in html
    lsoa = Lsoa.objects.get(code="E01035297")
    assert f"{lsoa.imd_decile} (1 is the most deprived" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not a postcode", "Enter a real postcode"),
        ("SW1A 1AA", "is not a postcode in the loaded areas"),
        ("", "Enter a postcode"),
    ],
)
def test_postcode_lookup_explains_a_bad_postcode(signed_in, text, message):
    response = signed_in.get("/areas/postcode/", {"postcode": text})
    html = text_of(response)
    assert response.status_code == 200
    assert "There is a problem" in html and message in html
    assert 'href="#id_postcode"' in html
    assert "Error:" in html.split("</title>")[0]


@pytest.mark.django_db
def test_postcode_page_without_a_query_shows_the_form(signed_in):
    html = text_of(signed_in.get("/areas/postcode/"))
    assert "There is a problem" not in html and 'name="postcode"' in html


@pytest.mark.django_db
def test_band_mapping_page_is_open_to_everyone_signed_in(client, councillor):
    client.force_login(councillor)
    html = text_of(client.get("/areas/rurality-bands/"))
    assert "RSF1" in html and "Isolated" in html
    assert "Change a band" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["councillor", "provider_user", "evaluator"])
def test_only_commissioners_and_administrators_may_change_bands(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/areas/rurality-bands/edit/").status_code == 403
    response = client.post(
        "/areas/rurality-bands/edit/", {"ruc_code": "RSF1", "band": "urban", "reason": "x"}
    )
    assert response.status_code == 403
    assert RuralityBand.objects.get(ruc_code="RSF1").band == "isolated"
    assert not OrganisationBand.objects.exists()


@pytest.mark.django_db
def test_commissioner_changes_a_band_for_their_organisation_and_lsoas_follow(
    signed_in, commissioner, client, other_commissioner
):
    lsoa = Lsoa.objects.filter(ruc_id="RSF1", postcodes__isnull=False).first()
    page = signed_in.get("/areas/rurality-bands/edit/?ruc=RSF1")
    html = page.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html and 'value="RSF1" selected' in html
    assert 'value="isolated" selected' in html  # the band it has now
    response = signed_in.post(
        "/areas/rurality-bands/edit/",
        {"ruc_code": "RSF1", "band": "rural", "reason": "Ten minutes from Chatham by car"},
    )
    assert response.status_code == 302 and response["Location"] == "/areas/rurality-bands/"
    own = OrganisationBand.objects.get(owner=commissioner.organisation, ruc_id="RSF1")
    assert own.band == "rural" and RuralityBand.objects.get(ruc_code="RSF1").band == "isolated"
    found = text_of(signed_in.get("/areas/postcode/", {"postcode": lsoa.postcodes.first().pcds}))
    assert "Rural (RUC2021 RSF1)" in found
    mapping = text_of(signed_in.get("/areas/rurality-bands/"))
    assert "Chosen by Medway Council: Ten minutes from Chatham by car" in mapping
    entry = AuditLog.objects.get(object_type="geography.organisationband", object_id=str(own.pk))
    assert entry.user == commissioner and entry.after["band"] == "rural"
    history = text_of(signed_in.get(f"/history/geography.organisationband/{own.pk}/"))
    assert "LSOAs change band" in history
    # Kent sees Tendercare's band, and cannot read Medway's history.
    client.force_login(other_commissioner)
    kent = text_of(client.get("/areas/rurality-bands/"))
    assert "Ten minutes from Chatham" not in kent
    assert client.get(f"/history/geography.organisationband/{own.pk}/").status_code == 404


@pytest.mark.django_db
def test_band_form_errors_are_shown(signed_in):
    response = signed_in.post(
        "/areas/rurality-bands/edit/", {"ruc_code": "", "band": "moon", "reason": ""}
    )
    html = text_of(response)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Choose a rurality class" in html and "Choose a band" in html
    assert "Say why your organisation uses this band" in html
    assert not OrganisationBand.objects.exists()
    assert not AuditLog.objects.filter(object_type="geography.ruralityband").exists()


def test_views_and_api_do_not_query_models_directly():
    from pathlib import Path

    import tendercare.geography as app

    for name in ("views.py", "api.py"):
        source = (Path(app.__file__).parent / name).read_text()
        assert ".objects" not in source, name
