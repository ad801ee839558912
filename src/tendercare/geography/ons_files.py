"""Read the ONS open-data files (named as in shared/data/ons/SOURCES.md) into plain rows. Pure.

Every file may be plain or gzipped (`name.csv` or `name.csv.gz`). Every problem is collected
with its file, row (the header is row 1) and column, so that one run reports them all; the
caller writes nothing when there is any.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

LOOKUP = "lookup_lsoa21_ward24_ltla24_ew_geographr.csv"
CENSUS = "census2021_lsoa21_usual_residents_age6_ew_hack25usefuldata.csv"
IMD = "iod2025_lsoa21_england_humaniverse.csv"
RUC = "ruc21_lsoa21_ew_geographr.csv"
AREA = "lsoa_area_km2_uk_mysociety.csv"
ICB = "lookup_lsoa21_sicbl24_icb24_england_geographr.csv"
POSTCODES = "postcode_lad_ward_lsoa21_kent_medway_leics_towerhamlets_aug2024.csv"
WARD_LATLONG = "drkane_ward_latlong.csv"
# Derived by `tendercare geography extract` from the boundary files (not in SOURCES.md).
LSOA_CENTROIDS = "lsoa21_centroids.csv"
WARD_CENTROIDS = "ward24_centroids.csv"
# District -> county (upper tier), transcribed from the ONS lookup for the shipped areas. A
# source folder may hold its own file of that name and columns; otherwise the shipped one is read.
UPPER_TIER = "lad_upper_tier.csv"
SHIPPED_DIR = Path(__file__).resolve().parent / "data"

CENSUS_COLUMNS = (
    "Aged 15 years and under",
    "Aged 16 to 24 years",
    "Aged 25 to 34 years",
    "Aged 35 to 49 years",
    "Aged 50 to 64 years",
    "Aged 65 years and over",
)
SEED_LADS = (
    "E06000035",  # Medway
    "E09000030",  # Tower Hamlets
    *(f"E070001{n:02d}" for n in range(5, 17)),  # Kent districts
    *(f"E070001{n:02d}" for n in range(29, 36)),  # Leicestershire districts
)
ONS_CODE = re.compile(r"^[EWSN]\d{8}$")
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")


def normalise_postcode(text: str) -> str | None:
    """'me1 1aa', ' ME11AA ' -> 'ME11AA'; None when it cannot be a UK postcode."""
    code = re.sub(r"\s+", "", text or "").upper()
    return code if POSTCODE.match(code) else None


def display_postcode(code: str) -> str:
    return f"{code[:-3]} {code[-3:]}"


@dataclass(frozen=True)
class RowError:
    file: str
    row: int
    column: str
    message: str

    def __str__(self):
        where = f"{self.file}, row {self.row}" if self.row else self.file
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class Problems:
    def __init__(self):
        self.errors: list[RowError] = []

    def add(self, file: str, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(file, row, column, message))

    def __bool__(self):
        return bool(self.errors)


@dataclass
class LsoaData:
    code: str
    name: str
    ward_code: str
    place_code: str
    population: tuple[int, ...] = ()
    imd_decile: int | None = None
    imd_rank: int | None = None
    ruc_code: str = ""
    area_km2: float | None = None
    latitude: float | None = None
    longitude: float | None = None
    boundary_km2: float | None = None  # from the generalised boundary, when the area file lacks it

    @property
    def best_area_km2(self) -> float | None:
        return self.area_km2 if self.area_km2 is not None else self.boundary_km2


@dataclass
class Parsed:
    places: dict[str, str] = field(default_factory=dict)  # code -> name
    place_icb: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (icb code, name)
    place_upper_tier: dict[str, str] = field(default_factory=dict)  # code -> county (or own) code
    wards: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (name, place code)
    ward_centroids: dict[str, tuple[float, float]] = field(default_factory=dict)
    lsoas: dict[str, LsoaData] = field(default_factory=dict)
    postcodes: dict[str, str] = field(default_factory=dict)  # normalised code -> lsoa code
    files_read: list[str] = field(default_factory=list)


def find(directory: Path, name: str) -> Path | None:
    for candidate in (directory / name, directory / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return path.open(encoding="utf-8-sig", newline="")


def rows(
    path: Path, required: Iterable[str], problems: Problems
) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, row) for each data row; a missing column is one problem and no rows."""
    with open_text(path) as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in required if c not in header]
        for column in missing:
            problems.add(path.name, 1, column, "column is missing from the header")
        if missing:
            return
        try:
            for row in reader:
                yield reader.line_num, row
        except (csv.Error, UnicodeDecodeError) as exc:
            problems.add(path.name, reader.line_num, "", f"cannot be read as CSV: {exc}")


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError
    return value


def _whole(text: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    value = _number(text)
    if value != int(value) or value < minimum or (maximum is not None and value > maximum):
        raise ValueError
    return int(value)


def read_source(
    directory: Path,
    *,
    lads: Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[Parsed, list[RowError]]:
    """Read every file in directory; keep English LSOAs (in lads, when given)."""
    directory = Path(directory)
    wanted = {c.strip().upper() for c in lads} if lads else None
    problems = Problems()
    out = Parsed()
    note = progress or (lambda _stage: None)

    def required(name: str) -> Path | None:
        path = find(directory, name)
        if path is None:
            problems.add(name, 0, "", f"file not found in {directory} (nor {name}.gz)")
        return path

    lookup_path = required(LOOKUP)
    census_path = required(CENSUS)
    imd_path = required(IMD)
    ruc_path = required(RUC)
    if problems:
        return out, problems.errors

    note("LSOAs, wards and local authorities")
    cols = ("lsoa21_code", "lsoa21_name", "ward24_code", "ward24_name")
    for n, row in rows(lookup_path, (*cols, "ltla24_code", "ltla24_name"), problems):
        lad = row["ltla24_code"].strip()
        if not lad.startswith("E") or (wanted is not None and lad not in wanted):
            continue
        for column in ("lsoa21_code", "ward24_code", "ltla24_code"):
            if not ONS_CODE.match(row[column].strip()):
                problems.add(lookup_path.name, n, column, f"'{row[column]}' is not an ONS code")
        for column in ("lsoa21_name", "ward24_name", "ltla24_name"):
            if not row[column].strip():
                problems.add(lookup_path.name, n, column, "is empty")
        code, ward = row["lsoa21_code"].strip(), row["ward24_code"].strip()
        out.places[lad] = row["ltla24_name"].strip()
        out.wards[ward] = (row["ward24_name"].strip(), lad)
        out.lsoas[code] = LsoaData(code, row["lsoa21_name"].strip(), ward, lad)
    out.files_read.append(lookup_path.name)
    if wanted is not None:
        for lad in sorted(wanted - set(out.places)):
            problems.add(lookup_path.name, 0, "ltla24_code", f"no LSOAs for local authority {lad}")

    _read_upper_tiers(directory, out, problems, note)

    note("Census 2021 population")
    seen = set()
    for n, row in rows(census_path, ("lsoa21_code", *CENSUS_COLUMNS), problems):
        lsoa = out.lsoas.get(row["lsoa21_code"].strip())
        if lsoa is None:
            continue
        values = []
        for column in CENSUS_COLUMNS:
            try:
                values.append(_whole(row[column]))
            except ValueError:
                problems.add(
                    census_path.name, n, column, f"'{row[column]}' is not a whole number >= 0"
                )
                values.append(0)
        lsoa.population = tuple(values)
        seen.add(lsoa.code)
    for code in sorted(set(out.lsoas) - seen)[:20]:
        problems.add(census_path.name, 0, "lsoa21_code", f"no population for LSOA {code}")
    out.files_read.append(census_path.name)

    note("Indices of Deprivation 2025")
    for n, row in rows(imd_path, ("lsoa21_code", "IMD_decile", "IMD_rank"), problems):
        lsoa = out.lsoas.get(row["lsoa21_code"].strip())
        if lsoa is None:
            continue
        try:
            lsoa.imd_decile = _whole(row["IMD_decile"], minimum=1, maximum=10)
        except ValueError:
            problems.add(imd_path.name, n, "IMD_decile", f"'{row['IMD_decile']}' is not 1 to 10")
        try:
            lsoa.imd_rank = _whole(row["IMD_rank"], minimum=1)
        except ValueError:
            problems.add(imd_path.name, n, "IMD_rank", f"'{row['IMD_rank']}' is not a rank")
    out.files_read.append(imd_path.name)

    note("Rural-urban classification 2021")
    for n, row in rows(ruc_path, ("lsoa21_code", "ruc21_code"), problems):
        lsoa = out.lsoas.get(row["lsoa21_code"].strip())
        if lsoa is None:
            continue
        code = row["ruc21_code"].strip().upper()
        if not re.match(r"^[A-Z]{1,4}[0-9]$", code):
            problems.add(
                ruc_path.name, n, "ruc21_code", f"'{row['ruc21_code']}' is not an RUC code"
            )
        lsoa.ruc_code = code
    out.files_read.append(ruc_path.name)

    path = find(directory, AREA)
    if path:
        note("LSOA areas")
        for n, row in rows(path, ("lsoa", "area"), problems):
            lsoa = out.lsoas.get(row["lsoa"].strip())
            if lsoa is None:
                continue
            try:
                lsoa.area_km2 = _number(row["area"])
                if lsoa.area_km2 < 0:
                    raise ValueError
            except ValueError:
                problems.add(path.name, n, "area", f"'{row['area']}' is not an area in km2")
        out.files_read.append(path.name)

    path = find(directory, ICB)
    if path:
        note("Integrated care boards")
        votes: dict[str, dict[tuple[str, str], int]] = {}
        for _n, row in rows(path, ("lsoa21_code", "icb24_code", "icb24_name"), problems):
            lsoa = out.lsoas.get(row["lsoa21_code"].strip())
            if lsoa is None:
                continue
            key = (row["icb24_code"].strip(), row["icb24_name"].strip())
            place_votes = votes.setdefault(lsoa.place_code, {})
            place_votes[key] = place_votes.get(key, 0) + 1
        # A local authority's ICB is the one most of its LSOAs fall in.
        for place, place_votes in votes.items():
            out.place_icb[place] = max(place_votes.items(), key=lambda kv: kv[1])[0]
        out.files_read.append(path.name)

    _read_centroids(directory, out, problems, note)
    _read_postcodes(directory, out, problems, note)
    return out, problems.errors


def _read_upper_tiers(directory: Path, out: Parsed, problems: Problems, note) -> None:
    """Each place's upper tier: its county council's code for a district, else its own code
    (a unitary authority, a London borough, or a district the file does not list)."""
    path = find(directory, UPPER_TIER) or find(SHIPPED_DIR, UPPER_TIER)
    upper: dict[str, str] = {}
    if path:
        note("Counties of districts")
        for n, row in rows(path, ("lad_code", "upper_tier_code"), problems):
            lad, county = row["lad_code"].strip().upper(), row["upper_tier_code"].strip().upper()
            bad = False
            for column, code in (("lad_code", lad), ("upper_tier_code", county)):
                if not ONS_CODE.match(code):
                    problems.add(path.name, n, column, f"'{row[column]}' is not an ONS code")
                    bad = True
            if not bad:
                upper[lad] = county
        out.files_read.append(path.name)
    for code in out.places:
        out.place_upper_tier[code] = upper.get(code, code)


def _latlong(problems, name, n, row, lat_col, long_col):
    try:
        lat, lon = _number(row[lat_col]), _number(row[long_col])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError
        return lat, lon
    except ValueError:
        problems.add(name, n, lat_col, f"'{row[lat_col]}, {row[long_col]}' is not a latitude")
        return None


def _read_centroids(directory: Path, out: Parsed, problems: Problems, note) -> None:
    note("Centroids")
    path = find(directory, LSOA_CENTROIDS)
    if path:
        for n, row in rows(path, ("lsoa21_code", "latitude", "longitude"), problems):
            lsoa = out.lsoas.get(row["lsoa21_code"].strip())
            if lsoa is None:
                continue
            if ll := _latlong(problems, path.name, n, row, "latitude", "longitude"):
                lsoa.latitude, lsoa.longitude = ll
            if row.get("area_km2"):
                try:
                    lsoa.boundary_km2 = _number(row["area_km2"])
                except ValueError:
                    problems.add(path.name, n, "area_km2", f"'{row['area_km2']}' is not an area")
        out.files_read.append(path.name)
    else:
        for code, (lat, lon, km2) in lsoa_centroids_from_boundaries(directory, out.places).items():
            if code in out.lsoas:
                lsoa = out.lsoas[code]
                lsoa.latitude, lsoa.longitude = lat, lon
                lsoa.boundary_km2 = km2

    path = find(directory, WARD_CENTROIDS)
    if path:
        for n, row in rows(path, ("ward24_code", "latitude", "longitude"), problems):
            code = row["ward24_code"].strip()
            if code in out.wards and (
                ll := _latlong(problems, path.name, n, row, "latitude", "longitude")
            ):
                out.ward_centroids[code] = ll
        out.files_read.append(path.name)
    else:
        out.ward_centroids.update(ward_centroids_from_sources(directory, out))


def _read_postcodes(directory: Path, out: Parsed, problems: Problems, note) -> None:
    path = find(directory, POSTCODES)
    if not path:
        return
    note("Postcodes")
    # A plain csv.reader: England-wide postcode files have millions of rows.
    with open_text(path) as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        lsoa_column = next((c for c in ("lsoa21_code", "lsoa21cd", "lsoa21") if c in header), None)
        for column in ("pcds", lsoa_column or "lsoa21_code"):
            if column not in header:
                problems.add(path.name, 1, column, "column is missing from the header")
                return
        pcds_at, lsoa_at = header.index("pcds"), header.index(lsoa_column)
        lsoas, postcodes = out.lsoas, out.postcodes
        for row in reader:
            if len(row) <= max(pcds_at, lsoa_at):
                problems.add(path.name, reader.line_num, "", "has too few columns")
                continue
            lsoa = row[lsoa_at].strip()
            if lsoa not in lsoas:
                continue
            code = normalise_postcode(row[pcds_at])
            if code is None:
                problems.add(
                    path.name, reader.line_num, "pcds", f"'{row[pcds_at]}' is not a postcode"
                )
                continue
            postcodes[code] = lsoa
    out.files_read.append(path.name)


# Centroids from boundaries ---------------------------------------------------------------


def polygon_centroid(rings: list) -> tuple[float, float, float]:
    """(longitude, latitude, area) of a polygon's outer ring by the shoelace formula; small areas
    in WGS84 are near enough flat for a centroid used to place a label or estimate travel."""
    ring = rings[0]
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-15:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return sum(xs) / len(xs), sum(ys) / len(ys), 0.0
    return cx / (3 * area), cy / (3 * area), abs(area) / 2


def _ring_area(ring: list) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)))


def geometry_centroid(geometry: dict) -> tuple[float, float, float]:
    """(latitude, longitude, area in km2) of a GeoJSON Polygon or MultiPolygon, area-weighted.

    The area uses an equirectangular projection at the centroid's latitude: within about 0.5%
    for areas the size of an LSOA, which is enough for population density."""
    polygons = (
        [geometry["coordinates"]]
        if geometry["type"] == "Polygon"
        else list(geometry["coordinates"])
    )
    parts = [polygon_centroid(p) for p in polygons]
    total = sum(a for _, _, a in parts)
    if total == 0:
        lon = sum(x for x, _, _ in parts) / len(parts)
        lat = sum(y for _, y, _ in parts) / len(parts)
    else:
        lon = sum(x * a for x, _, a in parts) / total
        lat = sum(y * a for _, y, a in parts) / total
    degrees2 = sum(
        (_ring_area(p[0]) - sum(_ring_area(hole) for hole in p[1:])) / 2 for p in polygons
    )
    km2 = degrees2 * 111.32 * 111.32 * math.cos(math.radians(lat))
    return round(lat, 6), round(lon, 6), round(km2, 4)


def lsoa_centroids_from_boundaries(
    directory: Path, lads: Iterable[str]
) -> dict[str, tuple[float, float, float]]:
    """LSOA code -> (latitude, longitude, area km2) from boundaries/lsoa21/<LAD>.geojson."""
    out = {}
    for lad in lads:
        path = directory / "boundaries" / "lsoa21" / f"{lad}.geojson"
        if not path.is_file():
            continue
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            out[feature["properties"]["LSOA21CD"]] = geometry_centroid(feature["geometry"])
    return out


def ward_centroids_from_sources(directory: Path, parsed: Parsed) -> dict[str, tuple[float, float]]:
    """Ward centroids: drkane's ward lat/long, then the 2025 ward boundary files' LAT/LONG (for
    wards whose code did not change), then the mean of the ward's LSOA centroids."""
    out: dict[str, tuple[float, float]] = {}
    path = find(directory, WARD_LATLONG)
    if path:
        sink = Problems()
        for n, row in rows(path, ("wdcd", "latitude", "longitude"), sink):
            code = row["wdcd"].strip()
            if code in parsed.wards and (
                ll := _latlong(sink, path.name, n, row, "latitude", "longitude")
            ):
                out[code] = ll
    for lad in parsed.places:
        path = directory / "boundaries" / "ward25" / f"{lad}.geojson"
        if not path.is_file():
            continue
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            p = feature["properties"]
            if p.get("WD25CD") in parsed.wards and p["WD25CD"] not in out and p.get("LAT"):
                out[p["WD25CD"]] = (float(p["LAT"]), float(p["LONG"]))
    members: dict[str, list[tuple[float, float]]] = {}
    for lsoa in parsed.lsoas.values():
        if lsoa.latitude is not None:
            members.setdefault(lsoa.ward_code, []).append((lsoa.latitude, lsoa.longitude))
    for ward, points in members.items():
        if ward not in out:
            out[ward] = (
                round(sum(p[0] for p in points) / len(points), 6),
                round(sum(p[1] for p in points) / len(points), 6),
            )
    return out
