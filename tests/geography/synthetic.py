"""A tiny England-and-Wales-shaped source folder, named as in SOURCES.md, for loader tests."""

import csv
import json
from pathlib import Path

from tendercare.geography import ons_files as f

# (lsoa, name, ward, ward name, lad, lad name, ages, imd decile, rank, ruc)
ROWS = [
    (
        "E01900001",
        "Testshire 001A",
        "E05900001",
        "Alpha",
        "E06900001",
        "Testshire",
        (100, 80, 120, 200, 150, 300),
        1,
        120,
        "UN1",
    ),
    (
        "E01900002",
        "Testshire 001B",
        "E05900001",
        "Alpha",
        "E06900001",
        "Testshire",
        (90, 70, 100, 180, 160, 250),
        4,
        9000,
        "RLF1",
    ),
    (
        "E01900003",
        "Testshire 002A",
        "E05900002",
        "Beta",
        "E06900001",
        "Testshire",
        (50, 40, 60, 100, 200, 400),
        9,
        30000,
        "RSF1",
    ),
    (
        "E01900004",
        "Otherton 001A",
        "E05900003",
        "Gamma",
        "E07900002",
        "Otherton",
        (120, 100, 140, 220, 180, 150),
        6,
        20000,
        "RSN1",
    ),
    (
        "W01900005",
        "Welshford 001A",
        "W05900004",
        "Delta",
        "W06900003",
        "Welshford",
        (110, 90, 130, 210, 170, 160),
        None,
        None,
        "UF1",
    ),
]


def write_csv(path: Path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(header)
        w.writerows(rows)


def square(lon, lat, size=0.01):
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def make_source(directory: Path, *, with_boundaries=True) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    write_csv(
        directory / f.LOOKUP,
        ["lsoa21_name", "lsoa21_code", "ward24_name", "ward24_code", "ltla24_name", "ltla24_code"],
        [(r[1], r[0], r[3], r[2], r[5], r[4]) for r in ROWS],
    )
    write_csv(
        directory / f.CENSUS,
        ["lsoa21_code", "lsoa21_name", *f.CENSUS_COLUMNS],
        [(r[0], r[1], *(f"{a}.0" for a in r[6])) for r in ROWS],
    )
    write_csv(
        directory / f.IMD,
        ["lsoa21_code", "IMD_decile", "Income_decile", "IMD_rank"],
        [(r[0], f"{r[7]}.0", "1.0", f"{r[8]}.0") for r in ROWS if r[7]],
    )
    write_csv(
        directory / f.RUC,
        ["lsoa21_code", "ruc21_code", "classification", "ruc"],
        [(r[0], r[9], "x", "y") for r in ROWS],
    )
    write_csv(directory / f.AREA, ["lsoa", "area"], [(r[0], "1.5") for r in ROWS[:3]])
    write_csv(
        directory / f.ICB,
        ["lsoa21_name", "lsoa21_code", "icb24_name", "icb24_code"],
        [(r[1], r[0], "NHS Test ICB", "E54900001") for r in ROWS if r[0].startswith("E")],
    )
    write_csv(
        directory / f.POSTCODES,
        ["pcds", "lad_code", "lad_name", "ward_code", "lsoa21_code"],
        [
            ("TE1 1AA", "E06900001", "Testshire", "E05900001", "E01900001"),
            ("TE1 1AB", "E06900001", "Testshire", "E05900002", "E01900003"),
            ("OT2 2BB", "E07900002", "Otherton", "E05900003", "E01900004"),
            ("CF1 1AA", "W06900003", "Welshford", "W05900004", "W01900005"),
        ],
    )
    write_csv(
        directory / f.WARD_LATLONG,
        ["wdcd", "longitude", "latitude"],
        [("E05900001", "0.5", "51.5")],
    )
    if with_boundaries:
        (directory / "boundaries" / "lsoa21").mkdir(parents=True, exist_ok=True)
        for lad in ("E06900001", "E07900002"):
            features = [
                {
                    "type": "Feature",
                    "properties": {"LSOA21CD": r[0]},
                    "geometry": square(0.1 * i, 51.0 + 0.1 * i),
                }
                for i, r in enumerate(ROWS)
                if r[4] == lad
            ]
            path = directory / "boundaries" / "lsoa21" / f"{lad}.geojson"
            path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return directory
