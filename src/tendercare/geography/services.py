"""Writes about geography. Each is one transaction and leaves an audit record."""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from tendercare.core.audit import Auditor, snapshot
from tendercare.core.errors import DomainError, NotAllowed

from . import ons_files, queries
from .extract import DATA_DIR
from .models import (
    GeographyLoad,
    Locality,
    LocalityWard,
    Lsoa,
    OrganisationBand,
    Place,
    Postcode,
    RuralityBand,
    Ward,
)
from .ons_files import RowError
from .rules import can_change_localities_of, can_edit_geography

BAND_FILE = "rurality_bands.csv"
LOCALITY_FILE = "localities.csv"
BATCH = 2000
# progress(stage, done, total): called as each stage advances, for a progress bar.
Progress = Callable[[str, int, int], None]


class GeographyLoadError(DomainError):
    """The files have problems; nothing was written. `errors` lists every one."""

    def __init__(self, errors: Sequence[RowError]):
        self.errors = list(errors)
        shown = "\n".join(f"- {e}" for e in self.errors[:50])
        more = len(self.errors) - 50
        if more > 0:
            shown += f"\n- and {more} more"
        super().__init__(f"Nothing was loaded: {len(self.errors)} problem(s) found.\n{shown}")


@dataclass
class LoadSummary:
    source: str
    lads: list[str]
    places: int = 0
    wards: int = 0
    lsoas: int = 0
    postcodes: int = 0
    created: dict[str, int] = field(default_factory=dict)
    bands_created: int = 0
    localities_created: int = 0
    seconds: float = 0.0
    files: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "places": self.places,
            "wards": self.wards,
            "lsoas": self.lsoas,
            "postcodes": self.postcodes,
            "created": self.created,
            "bands_created": self.bands_created,
            "localities_created": self.localities_created,
            "files": self.files,
        }


def _upsert(model, objs: list, fields: list[str], stage: str, progress: Progress) -> int:
    """Insert new rows and update existing ones by primary key; returns how many were new."""
    before = model.objects.count()
    total = len(objs)
    for start in range(0, total, BATCH):
        model.objects.bulk_create(
            objs[start : start + BATCH],
            update_conflicts=True,
            unique_fields=[model._meta.pk.name],
            update_fields=fields,
        )
        progress(stage, min(start + BATCH, total), total)
    if not total:
        progress(stage, 0, 0)
    return model.objects.count() - before


def _read_bands(problems: list[RowError]) -> list[dict]:
    path = DATA_DIR / BAND_FILE
    out = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["band"] not in RuralityBand.Band.values:
                problems.append(RowError(BAND_FILE, 0, "band", f"'{row['band']}' is not a band"))
            out.append(row)
    return out


def _read_localities(problems: list[RowError]) -> list[dict]:
    path = DATA_DIR / LOCALITY_FILE
    out = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            row["ward_codes"] = [c.strip() for c in row["ward_codes"].split(";") if c.strip()]
            row["_row"] = reader.line_num
            out.append(row)
    return out


def geography_load(
    *,
    source: str | Path | None = None,
    lads: Iterable[str] | None = None,
    by=None,
    progress: Progress | None = None,
) -> LoadSummary:
    """Load places, wards, LSOAs and postcodes from the ONS files in `source` (default: the
    extracts shipped in the package), optionally only for some local authorities. Re-running
    updates rows in place. Band mappings and localities are created when missing and never
    overwritten, so that edits made in the application survive a reload.

    Raises GeographyLoadError listing every problem (file, row, column); then nothing is written.
    """
    started = time.monotonic()
    directory = Path(source) if source else DATA_DIR
    lads = sorted({c.strip().upper() for c in lads if c.strip()}) if lads else None
    tick: Progress = progress or (lambda _s, _d, _t: None)
    if not directory.is_dir():
        raise GeographyLoadError([RowError(str(directory), 0, "", "folder not found")])

    parsed, errors = ons_files.read_source(directory, lads=lads, progress=lambda s: tick(s, 0, 0))
    errors = list(errors)
    bands = _read_bands(errors)
    localities = _read_localities(errors)
    known_ruc = {b["ruc_code"] for b in bands} | set(
        RuralityBand.objects.values_list("ruc_code", flat=True)
    )
    unmapped = sorted({x.ruc_code for x in parsed.lsoas.values() if x.ruc_code} - known_ruc)
    for code in unmapped:
        errors.append(
            RowError(ons_files.RUC, 0, "ruc21_code", f"RUC code {code} has no band in {BAND_FILE}")
        )
    if errors:
        raise GeographyLoadError(errors)

    summary = LoadSummary(source=str(directory), lads=lads or sorted(parsed.places))
    summary.files = parsed.files_read
    with transaction.atomic():
        existing = set(RuralityBand.objects.values_list("ruc_code", flat=True))
        new_bands = [
            RuralityBand(
                ruc_code=b["ruc_code"],
                band=b["band"],
                description=b["description"],
                source=b["source"],
            )
            for b in bands
            if b["ruc_code"] not in existing
        ]
        RuralityBand.objects.bulk_create(new_bands)
        summary.bands_created = len(new_bands)

        places = [
            Place(
                code=code,
                name=name,
                upper_tier_code=parsed.place_upper_tier.get(code, code),
                icb_code=parsed.place_icb.get(code, ("", ""))[0],
                icb_name=parsed.place_icb.get(code, ("", ""))[1],
            )
            for code, name in sorted(parsed.places.items())
        ]
        summary.created["places"] = _upsert(
            Place,
            places,
            ["name", "upper_tier_code", "icb_code", "icb_name"],
            "Writing local authorities",
            tick,
        )
        wards = [
            Ward(
                code=code,
                name=name,
                place_id=place,
                latitude=parsed.ward_centroids.get(code, (None, None))[0],
                longitude=parsed.ward_centroids.get(code, (None, None))[1],
            )
            for code, (name, place) in sorted(parsed.wards.items())
        ]
        summary.created["wards"] = _upsert(
            Ward, wards, ["name", "place", "latitude", "longitude"], "Writing wards", tick
        )
        lsoas = []
        for x in sorted(parsed.lsoas.values(), key=lambda x: x.code):
            lsoa = Lsoa(
                code=x.code,
                name=x.name,
                ward_id=x.ward_code,
                place_id=x.place_code,
                pop_total=sum(x.population),
                imd_decile=x.imd_decile,
                imd_rank=x.imd_rank,
                ruc_id=x.ruc_code or None,
                area_km2=x.best_area_km2,
                latitude=x.latitude,
                longitude=x.longitude,
            )
            for name, value in zip(Lsoa.AGE_FIELDS, x.population, strict=True):
                setattr(lsoa, name, value)
            lsoas.append(lsoa)
        lsoa_fields = [
            "name",
            "ward",
            "place",
            *Lsoa.AGE_FIELDS,
            "pop_total",
            "imd_decile",
            "imd_rank",
            "ruc",
            "area_km2",
            "latitude",
            "longitude",
        ]
        summary.created["lsoas"] = _upsert(Lsoa, lsoas, lsoa_fields, "Writing LSOAs", tick)
        postcodes = [
            Postcode(code=code, pcds=ons_files.display_postcode(code), lsoa_id=lsoa)
            for code, lsoa in sorted(parsed.postcodes.items())
        ]
        summary.created["postcodes"] = _upsert(
            Postcode, postcodes, ["pcds", "lsoa"], "Writing postcodes", tick
        )
        summary.places, summary.wards = len(places), len(wards)
        summary.lsoas, summary.postcodes = len(lsoas), len(postcodes)

        summary.localities_created = _create_missing_localities(localities, parsed, by)
        summary.seconds = round(time.monotonic() - started, 2)
        record = GeographyLoad.objects.create(
            by=by if getattr(by, "is_authenticated", False) else None,
            source=summary.source,
            lads=",".join(lads or []),
            counts=summary.as_dict(),
        )
        Auditor(by=by).event(
            record,
            summary=(
                f"Geography loaded from {directory.name}: {summary.places} local authorities, "
                f"{summary.wards} wards, {summary.lsoas} LSOAs, {summary.postcodes} postcodes"
            ),
            data=summary.as_dict(),
        )
    summary.seconds = round(time.monotonic() - started, 2)
    return summary


def _create_missing_localities(rows: list[dict], parsed, by) -> int:
    auditor = Auditor(by=by)
    existing = set(Locality.objects.values_list("place_id", "name"))
    created = 0
    for row in rows:
        place = row["place_code"]
        if place not in parsed.places or (place, row["locality"]) in existing:
            continue
        ward_codes = [c for c in row["ward_codes"] if c in parsed.wards]
        locality = Locality.objects.create(
            place_id=place, name=row["locality"], description=row["description"]
        )
        LocalityWard.objects.bulk_create(
            [LocalityWard(locality=locality, ward_id=code) for code in ward_codes]
        )
        auditor.created(locality, summary=f"Wards: {', '.join(ward_codes)}")
        created += 1
    return created


def organisation_band_set(*, ruc_code: str, band: str, reason: str, by) -> OrganisationBand:
    """Choose the band the person's organisation uses for an RUC2021 class. Only that
    organisation's LSOAs of the class move (its profiles, travel runs and visit imports from now
    on); Tendercare's mapping and every other organisation's bands stay as they are."""
    if band not in RuralityBand.Band.values:
        raise DomainError(f"'{band}' is not a band: choose urban, fringe, rural or isolated")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why your organisation uses this band")
    organisation = getattr(by, "organisation", None)
    if organisation is None:
        raise DomainError("Only people who belong to an organisation can choose its bands")
    with transaction.atomic():
        mapping = RuralityBand.objects.filter(ruc_code=ruc_code).first()
        if mapping is None:
            raise DomainError(f"There is no rurality class {ruc_code}")
        own = (
            OrganisationBand.objects.select_for_update()
            .filter(owner=organisation, ruc=mapping)
            .first()
        )
        old = own.get_band_display() if own else mapping.get_band_display()
        affected = mapping.lsoas.count()
        label = RuralityBand.Band(band).label
        summary = (
            f"{organisation} now uses {label} for {ruc_code} (was {old}; Tendercare's band "
            f"{mapping.get_band_display()}); {affected} LSOAs change band for {organisation}. "
            f"Reason: {reason}"
        )
        if own is None:
            own = OrganisationBand.objects.create(
                owner=organisation, ruc=mapping, band=band, reason=reason[:300]
            )
            Auditor(by=by).created(own, summary=summary)
        elif (own.band, own.reason) != (band, reason[:300]):
            before = snapshot(own)
            own.band, own.reason = band, reason[:300]
            own.save(update_fields=["band", "reason", "changed_at"])
            Auditor(by=by).updated(own, before=before, summary=summary)
    return own


def _may_change_localities(place: Place, by) -> None:
    """Refuse (NotAllowed) unless `by` is a commissioner or administrator of an organisation
    that serves the place: its council, its county council or its integrated care board."""
    if not can_edit_geography(by):
        raise NotAllowed("Only administrators and commissioners may change localities")
    if not can_change_localities_of(by, place):
        organisation = getattr(by, "organisation", None)
        who = str(organisation) if organisation else "Your organisation"
        raise NotAllowed(
            f"{who} does not serve {place}, so it may not change {place}'s localities: "
            f"only people of {queries.bodies_serving(place)} may"
        )


def locality_create(
    *, place: Place, name: str, description: str = "", ward_codes: Iterable[str] = (), by
) -> Locality:
    """A new locality of a place, for people whose organisation serves the place."""
    _may_change_localities(place, by)
    name = name.strip()
    if not name:
        raise DomainError("Enter the locality's name")
    if Locality.objects.filter(place=place, name__iexact=name).exists():
        raise DomainError(f"{place} already has a locality called {name}")
    with transaction.atomic():
        locality = Locality.objects.create(place=place, name=name, description=description)
        Auditor(by=by).created(locality)
        if ward_codes:
            _set_wards(locality, ward_codes, by)
    return locality


def locality_set_wards(*, locality: Locality, ward_codes: Iterable[str], by) -> Locality:
    """Make the locality exactly these wards, which must belong to the locality's place."""
    _may_change_localities(locality.place, by)
    return _set_wards(locality, ward_codes, by)


def _set_wards(locality: Locality, ward_codes: Iterable[str], by) -> Locality:
    """locality_set_wards once the caller has checked that `by` may change the locality."""
    codes = sorted({c.strip().upper() for c in ward_codes if c.strip()})
    wards = {w.code: w for w in Ward.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in wards]
    if unknown:
        raise DomainError(f"Unknown ward code(s): {', '.join(unknown)}")
    elsewhere = [w.name for w in wards.values() if w.place_id != locality.place_id]
    if elsewhere:
        raise DomainError(f"Not in {locality.place}: {', '.join(sorted(elsewhere))}")
    with transaction.atomic():
        before = sorted(locality.wards.values_list("code", flat=True))
        if before == codes:
            return locality
        LocalityWard.objects.filter(locality=locality).delete()
        LocalityWard.objects.bulk_create(
            [LocalityWard(locality=locality, ward_id=c) for c in codes]
        )
        Auditor(by=by).event(
            locality,
            summary=f"Wards set to {len(codes)}: {', '.join(wards[c].name for c in codes)}",
            data={"before": before, "after": codes},
        )
    return locality


def locality_update(
    *, locality: Locality, name: str, description: str, ward_codes: Iterable[str], by
) -> Locality:
    _may_change_localities(locality.place, by)
    name = name.strip()
    if not name:
        raise DomainError("Enter the locality's name")
    clash = Locality.objects.filter(place=locality.place, name__iexact=name).exclude(pk=locality.pk)
    if clash.exists():
        raise DomainError(f"{locality.place} already has a locality called {name}")
    with transaction.atomic():
        if (name, description) != (locality.name, locality.description):
            before = snapshot(locality)
            locality.name, locality.description = name, description
            locality.save(update_fields=["name", "description"])
            Auditor(by=by).updated(locality, before=before)
        _set_wards(locality, ward_codes, by)
    return locality
