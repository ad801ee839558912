"""Reads about geography. Geography is open data: anyone signed in sees all of it; nobody
signed out sees any of it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from tendercare.organisations.queries import organisation_family

from . import profiles
from .models import (
    GeographyLoad,
    Locality,
    Lsoa,
    OrganisationBand,
    Place,
    Postcode,
    RuralityBand,
    Ward,
)
from .ons_files import normalise_postcode
from .rules import can_change_localities_of, can_choose_bands, can_edit_geography


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def places_visible_to(user) -> QuerySet[Place]:
    return Place.objects.all() if _signed_in(user) else Place.objects.none()


def wards_visible_to(user) -> QuerySet[Ward]:
    if not _signed_in(user):
        return Ward.objects.none()
    return Ward.objects.select_related("place")


def localities_visible_to(user) -> QuerySet[Locality]:
    if not _signed_in(user):
        return Locality.objects.none()
    return Locality.objects.select_related("place")


def lsoas_visible_to(user) -> QuerySet[Lsoa]:
    if not _signed_in(user):
        return Lsoa.objects.none()
    return Lsoa.objects.select_related("ward", "place", "ruc")


def rurality_bands_visible_to(user) -> QuerySet[RuralityBand]:
    if not _signed_in(user):
        return RuralityBand.objects.none()
    return RuralityBand.objects.annotate(lsoa_count=Count("lsoas"))


def organisation_bands_visible_to(user) -> QuerySet[OrganisationBand]:
    """An organisation's own bands: seen by its people (and those of bodies merged into it)."""
    if not _signed_in(user):
        return OrganisationBand.objects.none()
    family = organisation_family(getattr(user, "organisation", None))
    return OrganisationBand.objects.filter(owner_id__in=family).select_related("owner", "ruc")


def may_edit_geography(user) -> bool:
    return bool(can_edit_geography(user))


def may_choose_bands(user) -> bool:
    return bool(can_choose_bands(user))


def may_change_localities_of(user, place: Place | None) -> bool:
    """Whether the person may create or change the localities of a place: a commissioner or
    administrator of an organisation that serves it (its council, county council or ICB)."""
    return bool(can_change_localities_of(user, place))


def bodies_serving(place: Place) -> str:
    """Who may change a place's localities, in words, for pages that refuse someone."""
    county = place.upper_tier_code if place.upper_tier_code not in ("", place.code) else ""
    parts = [f"{place.name}'s own council ({place.code})"]
    if county:
        parts.append(f"its county council ({county})")
    if place.icb_code:
        parts.append(f"{place.icb_name or 'its integrated care board'} ({place.icb_code})")
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " or " + parts[-1]


# --- bands as an organisation uses them ------------------------------------------------------


def band_map(organisation_id: int | None) -> dict[str, str]:
    """RUC2021 class -> band: Tendercare's mapping with the organisation's own choices over it."""
    bands = dict(RuralityBand.objects.values_list("ruc_code", "band"))
    if organisation_id:
        bands.update(
            OrganisationBand.objects.filter(owner_id=organisation_id).values_list("ruc_id", "band")
        )
    return bands


def lsoa_bands(organisation_id: int | None, codes: Iterable[str] | None = None) -> dict[str, str]:
    """LSOA code -> band as the organisation maps it (all LSOAs held, or only `codes`).
    LSOAs without a rural-urban class are left out."""
    bands = band_map(organisation_id)
    base = Lsoa.objects.filter(ruc__isnull=False)
    if codes is None:
        pairs = list(base.values_list("code", "ruc_id"))
    else:
        wanted, pairs = sorted(set(codes)), []
        for i in range(0, len(wanted), 500):
            pairs += base.filter(code__in=wanted[i : i + 500]).values_list("code", "ruc_id")
    return {code: bands[ruc] for code, ruc in pairs}


def _user_organisation_id(user) -> int | None:
    return getattr(user, "organisation_id", None) if _signed_in(user) else None


@dataclass(frozen=True)
class BandChoice:
    """One row of the mapping as a person's organisation uses it."""

    ruc_code: str
    description: str
    source: str
    default_band: str
    band: str
    reason: str  # the organisation's reason, when it chose its own band
    lsoa_count: int
    own_pk: int | None = None  # the organisation's own row, for its history

    @property
    def own(self) -> bool:
        return self.own_pk is not None

    @property
    def band_label(self) -> str:
        return RuralityBand.Band(self.band).label

    @property
    def default_label(self) -> str:
        return RuralityBand.Band(self.default_band).label


def places(user) -> QuerySet[Place]:
    """Local authorities with their population and LSOA count."""
    # Subqueries, not joins: counting wards and summing LSOAs in one join would multiply rows.
    lsoas = Lsoa.objects.filter(place=OuterRef("pk")).order_by().values("place")
    wards = Ward.objects.filter(place=OuterRef("pk")).order_by().values("place")
    return places_visible_to(user).annotate(
        lsoa_count=Coalesce(Subquery(lsoas.annotate(n=Count("code")).values("n")), 0),
        population=Coalesce(Subquery(lsoas.annotate(n=Sum("pop_total")).values("n")), 0),
        ward_count=Coalesce(Subquery(wards.annotate(n=Count("code")).values("n")), 0),
    )


def place(user, code: str) -> Place | None:
    return places_visible_to(user).filter(code=code.strip().upper()).first()


def localities_of(user, place: Place) -> QuerySet[Locality]:
    return (
        localities_visible_to(user)
        .filter(place=place)
        .annotate(ward_count=Count("wards", distinct=True))
    )


def locality(user, pk: int) -> Locality | None:
    return localities_visible_to(user).filter(pk=pk).first()


def ward(user, code: str) -> Ward | None:
    return wards_visible_to(user).filter(code=code.strip().upper()).first()


def wards_of(user, place: Place) -> QuerySet[Ward]:
    """A place's wards with population, people aged 65+ and LSOA count."""
    return (
        wards_visible_to(user)
        .filter(place=place)
        .annotate(
            lsoa_count=Count("lsoas"),
            population=Sum("lsoas__pop_total"),
            population_65_plus=Sum("lsoas__pop_65_plus"),
        )
    )


def wards_of_locality(locality: Locality) -> QuerySet[Ward]:
    return locality.wards.order_by("name")


def _rows(lsoas: QuerySet[Lsoa], bands: dict[str, str]) -> list[profiles.LsoaRow]:
    values = lsoas.values_list("code", "name", *Lsoa.AGE_FIELDS, "imd_decile", "ruc_id").order_by(
        "code"
    )
    return [
        profiles.LsoaRow(
            code=v[0],
            name=v[1],
            population=tuple(v[2:8]),
            imd_decile=v[8],
            band=bands.get(v[9] or "", ""),
            ruc_code=v[9] or "",
        )
        for v in values
    ]


@dataclass(frozen=True)
class Area:
    kind: str  # "ward", "locality" or "place"
    code: str
    name: str
    place: Place
    profile: profiles.AreaProfile
    lsoas: list[profiles.LsoaRow]
    mean_decile: float | None


def _area(user, kind, code, name, place_, lsoas) -> Area:
    rows = _rows(lsoas, band_map(_user_organisation_id(user)))
    mean = profiles.population_weighted_decile(rows)
    return Area(
        kind=kind,
        code=code,
        name=name,
        place=place_,
        profile=profiles.profile(rows),
        lsoas=rows,
        mean_decile=float(mean) if mean is not None else None,
    )


def ward_profile(user, ward_: Ward) -> Area:
    return _area(
        user, "ward", ward_.code, ward_.name, ward_.place, lsoas_visible_to(user).filter(ward=ward_)
    )


def locality_profile(user, locality_: Locality) -> Area:
    lsoas = lsoas_visible_to(user).filter(ward__localities=locality_)
    return _area(user, "locality", str(locality_.pk), locality_.name, locality_.place, lsoas)


def place_profile(user, place_: Place) -> Area:
    return _area(
        user, "place", place_.code, place_.name, place_, lsoas_visible_to(user).filter(place=place_)
    )


def rurality_mapping(user) -> list[BandChoice]:
    """Every RUC2021 class with Tendercare's band and the band the person's organisation uses."""
    own = {
        b.ruc_id: b
        for b in organisation_bands_visible_to(user).filter(owner_id=_user_organisation_id(user))
    }
    rows = []
    for m in rurality_bands_visible_to(user).order_by("ruc_code"):
        mine = own.get(m.ruc_code)
        rows.append(
            BandChoice(
                ruc_code=m.ruc_code,
                description=m.description,
                source=m.source,
                default_band=m.band,
                band=mine.band if mine else m.band,
                reason=mine.reason if mine else "",
                lsoa_count=m.lsoa_count,
                own_pk=mine.pk if mine else None,
            )
        )
    return rows


def rurality_band(user, ruc_code: str) -> RuralityBand | None:
    return rurality_bands_visible_to(user).filter(ruc_code=ruc_code).first()


def postcode_to_lsoa(pcds: str) -> Lsoa | None:
    """The LSOA a postcode lies in, tolerant of spacing and case; None when unknown."""
    code = normalise_postcode(pcds)
    if code is None:
        return None
    found = Postcode.objects.select_related("lsoa__ward", "lsoa__place", "lsoa__ruc").filter(
        code=code
    )
    hit = found.first()
    return hit.lsoa if hit else None


@dataclass(frozen=True)
class PostcodeLookup:
    text: str
    postcode: str = ""  # as written by Royal Mail, when found
    lsoa: Lsoa | None = None
    error: str = ""
    malformed: bool = False  # the text cannot be a postcode (as opposed to an unknown one)
    band: str = ""  # the LSOA's band as the person's organisation maps it


def postcode_lookup(user, text: str) -> PostcodeLookup:
    text = (text or "").strip()[:20]
    if not _signed_in(user):
        return PostcodeLookup(text, error="Sign in to look up a postcode")
    if not text:
        return PostcodeLookup(text, error="Enter a postcode, like ME4 4TR", malformed=True)
    code = normalise_postcode(text)
    if code is None:
        return PostcodeLookup(text, error="Enter a real postcode, like ME4 4TR", malformed=True)
    hit = (
        Postcode.objects.select_related("lsoa__ward", "lsoa__place", "lsoa__ruc")
        .filter(code=code)
        .first()
    )
    if hit is None:
        return PostcodeLookup(
            text,
            error=f"{text.upper()} is not a postcode in the loaded areas "
            "(it may be outside them, or new since August 2024)",
        )
    band = band_map(_user_organisation_id(user)).get(hit.lsoa.ruc_id or "", "")
    return PostcodeLookup(text, postcode=hit.pcds, lsoa=hit.lsoa, band=band)


def latest_load() -> GeographyLoad | None:
    return GeographyLoad.objects.first()


def band_counts(user) -> dict[str, int]:
    """How many LSOAs fall in each band, as the person's organisation maps them."""
    bands = band_map(_user_organisation_id(user))
    counts: dict[str, int] = {}
    for r in lsoas_visible_to(user).order_by().values("ruc_id").annotate(n=Count("code")):
        band = bands.get(r["ruc_id"] or "", "")
        counts[band] = counts.get(band, 0) + r["n"]
    return counts


def search_wards(user, text: str) -> QuerySet[Ward]:
    text = text.strip()
    return wards_visible_to(user).filter(Q(name__icontains=text) | Q(code__iexact=text))


def localities_of_ward(ward_: Ward) -> QuerySet[Locality]:
    return ward_.localities.select_related("place").order_by("name")
