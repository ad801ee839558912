import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tendercare.core.models import AuditLog
from tendercare.geography import ons_files
from tendercare.geography.models import (
    GeographyLoad,
    Locality,
    Lsoa,
    Place,
    Postcode,
    RuralityBand,
    Ward,
)
from tendercare.geography.services import GeographyLoadError, geography_load

from .synthetic import make_source, write_csv

MEDWAY, DOVER = "E06000035", "E07000108"


@pytest.mark.django_db
def test_shipped_extracts_load_medway_and_dover():
    summary = geography_load(lads=[MEDWAY, DOVER])
    assert Lsoa.objects.filter(place_id=MEDWAY).count() == 169
    assert Ward.objects.filter(place_id=MEDWAY).count() == 24
    assert summary.places == 2 and summary.lsoas == Lsoa.objects.count()
    dover_bands = set(Lsoa.objects.filter(place_id=DOVER).values_list("ruc__band", flat=True))
    assert dover_bands == {"urban", "fringe", "rural", "isolated"}
    medway = Place.objects.get(code=MEDWAY)
    assert medway.name == "Medway"
    assert medway.icb_name == "NHS Kent and Medway Integrated Care Board"
    # Medway is a unitary authority, its own upper tier; Dover is a district of Kent.
    assert medway.upper_tier_code == MEDWAY
    assert Place.objects.get(code=DOVER).upper_tier_code == "E10000016"
    # Every LSOA has population, a deprivation decile, a class, an area and a centroid.
    assert not Lsoa.objects.filter(pop_total=0).exists()
    assert not Lsoa.objects.filter(imd_decile__isnull=True).exists()
    assert not Lsoa.objects.filter(ruc__isnull=True).exists()
    assert not Lsoa.objects.filter(area_km2__isnull=True).exists()
    assert not Lsoa.objects.filter(latitude__isnull=True).exists()
    assert not Ward.objects.filter(latitude__isnull=True).exists()
    lsoa = Lsoa.objects.get(code="E01035297")  # contains ME4 4TR
    assert 51.3 < lsoa.latitude < 51.45 and 0.45 < lsoa.longitude < 0.6
    assert lsoa.pop_total == sum(getattr(lsoa, f) for f in Lsoa.AGE_FIELDS)
    # Medway's six illustrative local care teams cover all 24 wards, each once.
    teams = Locality.objects.filter(place_id=MEDWAY)
    assert teams.count() == 6
    ward_ids = list(teams.values_list("wards", flat=True))
    assert len(ward_ids) == len(set(ward_ids)) == 24
    assert "Illustrative" in teams.first().description
    assert Locality.objects.filter(place_id=DOVER).count() == 2
    # Only the chosen areas were loaded, postcodes included.
    assert Postcode.objects.filter(code="ME44TR").exists()
    assert not Place.objects.filter(code="E09000030").exists()


@pytest.mark.django_db
def test_reloading_updates_without_duplicating_and_keeps_edits():
    geography_load(lads=[DOVER])
    counts = [m.objects.count() for m in (Place, Ward, Lsoa, Postcode, Locality, RuralityBand)]
    RuralityBand.objects.filter(ruc_code="RSF1").update(band="rural")
    Lsoa.objects.filter(place_id=DOVER).update(pop_0_15=0)
    summary = geography_load(lads=[DOVER])
    assert [m.objects.count() for m in (Place, Ward, Lsoa, Postcode, Locality, RuralityBand)] == (
        counts
    )
    assert summary.created == {"places": 0, "wards": 0, "lsoas": 0, "postcodes": 0}
    assert summary.localities_created == 0 and summary.bands_created == 0
    assert not Lsoa.objects.filter(place_id=DOVER, pop_0_15=0).exists()  # values restored
    assert RuralityBand.objects.get(ruc_code="RSF1").band == "rural"  # the edit survives
    assert GeographyLoad.objects.count() == 2


@pytest.mark.django_db
def test_load_is_audited_with_counts(commissioner):
    summary = geography_load(lads=[DOVER], by=commissioner)
    entry = AuditLog.objects.get(object_type="geography.geographyload")
    assert entry.user == commissioner
    assert entry.action == AuditLog.Action.EVENT
    assert f"{summary.lsoas} LSOAs" in entry.summary
    assert entry.after["postcodes"] == summary.postcodes > 1000


@pytest.mark.django_db
def test_all_seed_areas_load_in_a_few_seconds():
    started = time.monotonic()
    summary = geography_load()
    elapsed = time.monotonic() - started
    assert summary.places == len(ons_files.SEED_LADS) == 21
    assert summary.lsoas == 1684
    assert summary.postcodes > 100_000
    assert elapsed < 30  # about 4s on a laptop; generous for a busy CI box


@pytest.mark.django_db
def test_england_wide_files_load_england_only(tmp_path):
    source = make_source(tmp_path / "ons")
    summary = geography_load(source=source)
    assert sorted(Place.objects.values_list("code", flat=True)) == ["E06900001", "E07900002"]
    assert summary.lsoas == 4 and summary.postcodes == 3
    lsoa = Lsoa.objects.get(code="E01900001")
    assert (lsoa.pop_0_15, lsoa.pop_65_plus, lsoa.pop_total) == (100, 300, 950)
    assert (lsoa.imd_decile, lsoa.imd_rank, lsoa.ruc_id, lsoa.band) == (1, 120, "UN1", "urban")
    assert lsoa.area_km2 == 1.5
    assert lsoa.latitude == pytest.approx(51.005) and lsoa.longitude == pytest.approx(0.005)
    # No area in the area file: taken from the boundary instead (0.01 x 0.01 degrees).
    other = Lsoa.objects.get(code="E01900004")
    assert other.area_km2 == pytest.approx(0.01 * 0.01 * 111.32**2 * 0.6271, rel=0.01)
    assert Ward.objects.get(code="E05900001").latitude == 51.5  # from drkane's lat/long
    assert Ward.objects.get(code="E05900002").latitude == pytest.approx(51.205)  # LSOA mean
    assert Place.objects.get(code="E06900001").icb_code == "E54900001"
    assert Lsoa.objects.get(code="E01900003").band == "isolated"


@pytest.mark.django_db
def test_lads_filter_on_full_files(tmp_path):
    source = make_source(tmp_path / "ons")
    summary = geography_load(source=source, lads=["E07900002"])
    assert summary.lads == ["E07900002"]
    assert list(Lsoa.objects.values_list("code", flat=True)) == ["E01900004"]


@pytest.mark.django_db
def test_bad_file_names_file_row_and_column_and_writes_nothing(tmp_path):
    source = make_source(tmp_path / "ons")
    write_csv(
        source / ons_files.CENSUS,
        ["lsoa21_code", "lsoa21_name", *ons_files.CENSUS_COLUMNS],
        [
            ("E01900001", "a", "1", "2", "3", "4", "5", "6"),
            ("E01900002", "b", "1", "2", "lots", "4", "5", "6"),
            ("E01900003", "c", "1", "2", "3", "4", "5", "-6"),
            ("E01900004", "d", "1", "2", "3", "4", "5", "6"),
        ],
    )
    with pytest.raises(GeographyLoadError) as caught:
        geography_load(source=source)
    messages = [str(e) for e in caught.value.errors]
    assert (
        f"{ons_files.CENSUS}, row 3, column 'Aged 25 to 34 years': "
        "'lots' is not a whole number >= 0" in messages
    )
    assert any("row 4, column 'Aged 65 years and over'" in m for m in messages)
    assert "Nothing was loaded" in caught.value.message
    for model in (Place, Ward, Lsoa, Postcode, RuralityBand, GeographyLoad, Locality):
        assert not model.objects.exists()


@pytest.mark.django_db
def test_missing_column_and_missing_file_are_reported(tmp_path):
    source = make_source(tmp_path / "ons")
    (source / ons_files.RUC).unlink()
    write_csv(source / ons_files.IMD, ["lsoa21_code", "IMD_rank"], [("E01900001", "5")])
    with pytest.raises(GeographyLoadError) as caught:
        geography_load(source=source)
    messages = [str(e) for e in caught.value.errors]
    assert any(ons_files.RUC in m and "file not found" in m for m in messages)
    # The file check stops before reading rows, so fix the RUC file to see the column error.
    make_source(tmp_path / "fresh")
    (source / ons_files.RUC).write_bytes((tmp_path / "fresh" / ons_files.RUC).read_bytes())
    with pytest.raises(GeographyLoadError) as caught:
        geography_load(source=source)
    assert f"{ons_files.IMD}, row 1, column 'IMD_decile': column is missing from the header" in [
        str(e) for e in caught.value.errors
    ]
    assert not Lsoa.objects.exists()


@pytest.mark.django_db
def test_unmapped_rurality_class_is_an_error(tmp_path):
    source = make_source(tmp_path / "ons")
    write_csv(
        source / ons_files.RUC,
        ["lsoa21_code", "ruc21_code"],
        [("E01900001", "ZZ9"), ("E01900002", "UN1"), ("E01900003", "UN1"), ("E01900004", "UN1")],
    )
    with pytest.raises(GeographyLoadError, match="RUC code ZZ9 has no band"):
        geography_load(source=source)


@pytest.mark.django_db
def test_command_reports_errors_and_exits_non_zero(tmp_path):
    source = make_source(tmp_path / "ons")
    write_csv(source / ons_files.LOOKUP, ["lsoa21_code"], [("E01900001",)])
    with pytest.raises(CommandError, match="column 'ltla24_code'"):
        call_command("geography_load", "--source", str(source))
    with pytest.raises(CommandError, match="folder not found"):
        call_command("geography_load", "--source", str(tmp_path / "nowhere"))


@pytest.mark.django_db
def test_command_loads_with_progress(tmp_path, capsys):
    call_command("geography_load", "--source", str(make_source(tmp_path / "ons")))
    out = capsys.readouterr().out
    assert "Loaded 2 local authorities, 3 wards, 4 LSOAs and 3 postcodes" in out
    assert "Writing LSOAs" in out


def test_cli_maps_geography_load():
    from tendercare.cli import translate

    assert translate(["geography", "load", "--lads", MEDWAY]) == [
        "geography_load",
        "--lads",
        MEDWAY,
    ]


def test_extract_builds_byte_identical_readable_extracts(tmp_path):
    # The real ../shared folder is not available in CI, so the builder runs on the synthetic one.
    from tendercare.geography.extract import build_extracts

    source = make_source(tmp_path / "ons")
    out = tmp_path / "out"
    out.mkdir()
    counts = build_extracts(source, out, lads=["E06900001"])
    assert counts[ons_files.LOOKUP] == 3
    assert counts[ons_files.POSTCODES] == 2
    first = (out / f"{ons_files.POSTCODES}.gz").read_bytes()
    build_extracts(source, out, lads=["E06900001"])
    assert (out / f"{ons_files.POSTCODES}.gz").read_bytes() == first  # byte for byte
    parsed, errors = ons_files.read_source(out)
    assert not errors and sorted(parsed.lsoas) == ["E01900001", "E01900002", "E01900003"]
    assert parsed.lsoas["E01900001"].latitude == pytest.approx(51.005)


def test_shipped_upper_tier_file_covers_every_shipped_local_authority():
    import csv
    import gzip

    from tendercare.geography.extract import DATA_DIR

    with gzip.open(DATA_DIR / f"{ons_files.LOOKUP}.gz", "rt", encoding="utf-8") as handle:
        lads = {r["ltla24_code"]: r["ltla24_name"] for r in csv.DictReader(handle)}
    with (DATA_DIR / ons_files.UPPER_TIER).open(encoding="utf-8", newline="") as handle:
        rows = {r["lad_code"]: r for r in csv.DictReader(handle)}
    assert set(rows) == set(lads) == set(ons_files.SEED_LADS)
    assert all(rows[code]["lad_name"] == name for code, name in lads.items())
    county = {code: r["upper_tier_code"] for code, r in rows.items()}
    kent = {f"E070001{n:02d}" for n in range(5, 17)}
    leicestershire = {f"E070001{n:02d}" for n in range(29, 36)}
    assert {county[c] for c in kent} == {"E10000016"}
    assert {county[c] for c in leicestershire} == {"E10000018"}
    assert county["E06000035"] == "E06000035" and county["E09000030"] == "E09000030"
    assert {rows[c]["upper_tier_name"] for c in kent} == {"Kent"}
    assert {rows[c]["upper_tier_name"] for c in leicestershire} == {"Leicestershire"}


@pytest.mark.django_db
def test_a_local_authority_missing_from_the_upper_tier_file_is_its_own(tmp_path):
    source = make_source(tmp_path / "ons")  # Testshire and Otherton are in no shipped row
    geography_load(source=source)
    assert dict(Place.objects.values_list("code", "upper_tier_code")) == {
        "E06900001": "E06900001",
        "E07900002": "E07900002",
    }


@pytest.mark.django_db
def test_a_source_folder_may_bring_its_own_upper_tier_file(tmp_path):
    source = make_source(tmp_path / "ons")
    write_csv(
        source / ons_files.UPPER_TIER,
        ["lad_code", "lad_name", "upper_tier_code", "upper_tier_name"],
        [("E07900002", "Otherton", "E10900009", "Testcounty")],
    )
    geography_load(source=source)
    assert Place.objects.get(code="E07900002").upper_tier_code == "E10900009"
    assert Place.objects.get(code="E06900001").upper_tier_code == "E06900001"


@pytest.mark.django_db
def test_a_bad_code_in_the_upper_tier_file_is_reported_and_nothing_written(tmp_path):
    source = make_source(tmp_path / "ons")
    write_csv(
        source / ons_files.UPPER_TIER,
        ["lad_code", "lad_name", "upper_tier_code", "upper_tier_name"],
        [("E07900002", "Otherton", "Kent", "Testcounty")],
    )
    with pytest.raises(GeographyLoadError) as caught:
        geography_load(source=source)
    assert (
        f"{ons_files.UPPER_TIER}, row 2, column 'upper_tier_code': 'Kent' is not an ONS code"
        in [str(e) for e in caught.value.errors]
    )
    assert not Place.objects.exists()
