"""Loading Census 2021 local-authority tables in the Nomis bulk CSV layout."""

import io

import pytest
from django.core.management import CommandError, call_command

from tendercare.core.models import AuditLog
from tendercare.engagement import census, services
from tendercare.engagement.models import CensusPopulation

from .test_activity_support import MEDWAY, make_geography

# TEST FIXTURES, NOT REAL FIGURES: hand-written in the layout of the Nomis bulk files
# (census2021-tsNNN-ltla.csv), with round numbers so that the results can be checked by eye.
# E06000099 is not a place loaded in the tests: its row is read and skipped.
TS021 = """date,geography,geography code,"Ethnic group: Total: All usual residents","Ethnic group: Asian, Asian British or Asian Welsh","Ethnic group: Asian, Asian British or Asian Welsh: Bangladeshi","Ethnic group: Black, Black British, Black Welsh, Caribbean or African","Ethnic group: Mixed or Multiple ethnic groups","Ethnic group: White","Ethnic group: White: Irish","Ethnic group: Other ethnic group"
2021,Medway,E06000035,2000,100,10,80,60,1700,20,60
2021,Testshire,E06000099,1000,10,1,10,10,960,5,10
"""  # noqa: E501
TS008 = """date,geography,geography code,Sex: All persons; measures: Value,Sex: Female; measures: Value,Sex: Male; measures: Value
2021,Medway,E06000035,2000,1020,980
"""  # noqa: E501
TS039 = """date,geography,geography code,Provision of unpaid care: Total: All usual residents aged 5 and over,Provision of unpaid care: Provides no unpaid care,Provision of unpaid care: Provides 19 or less hours unpaid care a week,Provision of unpaid care: Provides 20 to 49 hours unpaid care a week,Provision of unpaid care: Provides 50 or more hours unpaid care a week
2021,Medway,E06000035,1900,1710,100,40,50
"""  # noqa: E501
TS038 = """geography code,Female,Disabled under the Equality Act,Not disabled under the Equality Act
E06000035,1,350,1650
"""


@pytest.fixture
def medway(db):
    return make_geography()


def _load(text, table, by=None):
    return services.census_load(
        file=io.BytesIO(text.encode()), filename=f"{table}.csv", table=table, by=by
    )


def _counts(dimension):
    return dict(
        CensusPopulation.objects.filter(place_id=MEDWAY, dimension=dimension).values_list(
            "group", "count"
        )
    )


def test_ethnic_group_reads_the_five_high_level_groups_and_skips_other_areas(medway):
    result = _load(TS021, "TS021")
    assert result.ok, result.errors
    assert _counts("ethnic_group") == {
        "asian": 100,
        "black": 80,
        "mixed": 60,
        "white": 1700,
        "other": 60,
    }
    assert any("1 areas skipped" in n for n in result.notes)
    row = CensusPopulation.objects.filter(dimension="ethnic_group").first()
    assert row.source.startswith("ONS Census 2021 TS021 (Ethnic group)")
    assert AuditLog.objects.filter(summary__startswith="Census TS021 loaded").exists()


def test_sex_unpaid_care_and_disability(medway):
    for text, table in ((TS008, "TS008"), (TS039, "TS039"), (TS038, "ts038")):
        assert _load(text, table).ok
    assert _counts("sex") == {"female": 1020, "male": 980}
    # carers = everyone aged 5 and over less those who provide no unpaid care
    assert _counts("carer") == {"carer": 190, "not_carer": 1710}
    assert _counts("disability") == {"disabled": 350, "not_disabled": 1650}


def test_loading_again_replaces_the_figures(medway):
    _load(TS008, "TS008")
    result = _load(TS008.replace("2000,1020,980", "2001,1021,980"), "TS008")
    assert result.updated == 2 and result.created == 0
    assert _counts("sex")["female"] == 1021


def test_a_bad_row_writes_nothing_and_names_row_and_column(medway):
    bad = TS021 + "2021,Nowhere,E0600,1,1,1,1,1,1,1,1\n2021,Kent,E10000016,10,x,1,1,1,1,1,-1\n"
    result = _load(bad, "TS021")
    assert not result.ok
    found = {(e.row, e.column) for e in result.errors}
    assert (4, "geography code") in found
    assert (5, "Ethnic group: Asian, Asian British or Asian Welsh") in found
    assert (5, "Ethnic group: Other ethnic group") in found
    assert not CensusPopulation.objects.exists()


def test_a_missing_column_is_named(medway):
    result = _load(TS008.replace("Sex: Male; measures: Value", "Sex: Unknown"), "TS008")
    assert [(e.row, e.column) for e in result.errors] == [(1, "male")]
    result = _load("geography,Female,Male\nMedway,1,2\n", "TS008")
    assert result.errors[0].column == "geography code"


def test_unknown_table_and_more_carers_than_people(medway):
    assert "Unknown table" in _load(TS008, "TS999").errors[0].message
    result = _load(TS039.replace("1900,1710", "1000,1710"), "TS039")
    assert "less than" in result.errors[0].message


def test_header_categories():
    assert census.category_of("Ethnic group: White; measures: Value") == "white"
    assert census.category_of("Ethnic group: White: Irish") == "white: irish"
    assert census.category_of("Sex: All persons") == "total"
    assert (
        census.category_of("Disabled under the Equality Act") == "disabled under the equality act"
    )


def test_a_councillor_cannot_load(medway, councillor):
    from tendercare.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        _load(TS008, "TS008", by=councillor)


def test_the_command(medway, tmp_path, capsys):
    path = tmp_path / "census2021-ts008-ltla.csv"
    path.write_text(TS008)
    call_command("load_census", str(path), table="ts008")
    assert "1 areas read: 2 figures created" in capsys.readouterr().out
    with pytest.raises(CommandError, match="nothing was saved"):
        path.write_text("geography code,Female,Male\nE06000035,lots,2\n")
        call_command("load_census", str(path), table="TS008")
