"""Build the compact extracts shipped in geography/data/ from the full ONS files. Pure.

Each extract keeps the original file's name and column names (plus .gz), filtered to the seed
local authorities, so that the loader reads shipped extracts and full files the same way.
Centroids are derived here from the boundary files, which are too big to ship.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable, Iterable
from pathlib import Path

from . import ons_files as f

DATA_DIR = Path(__file__).resolve().parent / "data"

# file -> (column holding the LSOA code, columns to keep or None for all)
FILTERED = {
    f.LOOKUP: ("lsoa21_code", None),
    f.CENSUS: ("lsoa21_code", None),
    f.IMD: ("lsoa21_code", ("lsoa21_code", "IMD_decile", "IMD_rank", "IMD_score")),
    f.RUC: ("lsoa21_code", None),
    f.AREA: ("lsoa", None),
    f.ICB: ("lsoa21_code", ("lsoa21_code", "sicbl24_code", "icb24_code", "icb24_name")),
    f.POSTCODES: ("lsoa21_code", ("pcds", "lsoa21_code")),
}


def write_gz(path: Path, header: list[str], rows: Iterable[list]) -> int:
    """A gzipped CSV with a fixed timestamp, so that re-running gives identical bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(buffer.getvalue().encode("utf-8"))
    return count


def build_extracts(
    source: Path,
    out: Path = DATA_DIR,
    *,
    lads: Iterable[str] = f.SEED_LADS,
    note: Callable[[str], None] = lambda _s: None,
) -> dict[str, int]:
    source, out = Path(source), Path(out)
    lads = tuple(lads)
    parsed, errors = f.read_source(source, lads=lads, progress=note)
    if errors:
        raise ValueError("; ".join(str(e) for e in errors[:10]))
    keep = set(parsed.lsoas)
    counts: dict[str, int] = {}
    for name, (key, columns) in FILTERED.items():
        path = f.find(source, name)
        if path is None:
            continue
        note(f"Extracting {name}")
        with f.open_text(path) as handle:
            reader = csv.DictReader(handle)
            available = reader.fieldnames or []
            header = [c for c in columns if c in available] if columns else list(available)
            selected = ([row[c] for c in header] for row in reader if row[key].strip() in keep)
            counts[name] = write_gz(out / f"{name}.gz", header, selected)
    note("Writing centroids")
    counts[f.LSOA_CENTROIDS] = write_gz(
        out / f"{f.LSOA_CENTROIDS}.gz",
        ["lsoa21_code", "latitude", "longitude", "area_km2"],
        (
            [lsoa.code, lsoa.latitude, lsoa.longitude, lsoa.boundary_km2]
            for lsoa in sorted(parsed.lsoas.values(), key=lambda x: x.code)
            if lsoa.latitude is not None
        ),
    )
    counts[f.WARD_CENTROIDS] = write_gz(
        out / f"{f.WARD_CENTROIDS}.gz",
        ["ward24_code", "latitude", "longitude"],
        ([code, lat, lon] for code, (lat, lon) in sorted(parsed.ward_centroids.items())),
    )
    return counts
