"""Reads about geography. Geography is open data: anyone signed in sees all of it; nobody
signed out sees any of it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from . import profiles
from .models import GeographyLoad, Locality, Lsoa, Place, Postcode, RuralityBand, Ward
from .ons_files import normalise_postcode
from .rules import can_edit_geography


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


def may_edit_geography(user) -> bool:
    return bool(can_edit_geography(user))


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


def _rows(lsoas: QuerySet[Lsoa]) -> list[profiles.LsoaRow]:
    values = lsoas.values_list(
        "code", "name", *Lsoa.AGE_FIELDS, "imd_decile", "ruc__band", "ruc_id"
    ).order_by("code")
    return [
        profiles.LsoaRow(
            code=v[0],
            name=v[1],
            population=tuple(v[2:8]),
            imd_decile=v[8],
            band=v[9] or "",
            ruc_code=v[10] or "",
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


def _area(kind, code, name, place_, lsoas) -> Area:
    rows = _rows(lsoas)
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
        "ward", ward_.code, ward_.name, ward_.place, lsoas_visible_to(user).filter(ward=ward_)
    )


def locality_profile(user, locality_: Locality) -> Area:
    lsoas = lsoas_visible_to(user).filter(ward__localities=locality_)
    return _area("locality", str(locality_.pk), locality_.name, locality_.place, lsoas)


def place_profile(user, place_: Place) -> Area:
    return _area(
        "place", place_.code, place_.name, place_, lsoas_visible_to(user).filter(place=place_)
    )


def rurality_mapping(user) -> QuerySet[RuralityBand]:
    return rurality_bands_visible_to(user).order_by("ruc_code")


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
    return PostcodeLookup(text, postcode=hit.pcds, lsoa=hit.lsoa)


def latest_load() -> GeographyLoad | None:
    return GeographyLoad.objects.first()


def band_counts(user) -> dict[str, int]:
    """How many LSOAs fall in each band, across everything loaded."""
    rows = lsoas_visible_to(user).values("ruc__band").annotate(n=Count("code"))
    return {r["ruc__band"] or "": r["n"] for r in rows}


def search_wards(user, text: str) -> QuerySet[Ward]:
    text = text.strip()
    return wards_visible_to(user).filter(Q(name__icontains=text) | Q(code__iexact=text))


def localities_of_ward(ward_: Ward) -> QuerySet[Locality]:
    return ward_.localities.select_related("place").order_by("name")
