"""JSON API for areas: /api/v1/areas/... Open data, but only for signed-in callers."""

from django.http import Http404
from ninja import Router, Schema

from . import queries

router = Router(tags=["areas"])


class PlaceOut(Schema):
    code: str
    name: str
    icb_code: str
    icb_name: str
    lsoa_count: int
    ward_count: int
    population: int


class WardRef(Schema):
    code: str
    name: str


class LocalityRef(Schema):
    id: int
    name: str


class PlaceDetailOut(PlaceOut):
    localities: list[LocalityRef]
    wards: list[WardRef]


class AgeBandOut(Schema):
    key: str
    label: str
    population: int
    share: float


class ShareOut(Schema):
    key: str
    label: str
    lsoas: int
    population: int
    share: float


class LsoaOut(Schema):
    code: str
    name: str
    population: int
    population_65_plus: int
    imd_decile: int | None
    ruc_code: str
    band: str


class ProfileOut(Schema):
    kind: str
    code: str
    name: str
    place: WardRef
    population: int
    share_65_plus: float
    lsoa_count: int
    age_bands: list[AgeBandOut]
    imd_deciles: list[ShareOut]
    rurality: list[ShareOut]
    lsoas: list[LsoaOut]
    wards: list[WardRef]
    sources: list[str]


class PostcodeOut(Schema):
    postcode: str
    lsoa: LsoaOut
    ward: WardRef
    place: WardRef


class ProblemOut(Schema):
    detail: str


SOURCES = [
    "ONS Census 2021, usual residents by age (LSOA 2021)",
    "English Indices of Deprivation 2025, MHCLG",
    "ONS Rural Urban Classification 2021, mapped to Tendercare rurality bands",
    "ONS LSOA 2021 to ward (May 2024) and local authority lookup",
]


def _place_out(p) -> dict:
    return {
        "code": p.code,
        "name": p.name,
        "icb_code": p.icb_code,
        "icb_name": p.icb_name,
        "lsoa_count": p.lsoa_count,
        "ward_count": p.ward_count,
        "population": p.population or 0,
    }


def _lsoa_row(r) -> dict:
    return {
        "code": r.code,
        "name": r.name,
        "population": r.total,
        "population_65_plus": r.population[5],
        "imd_decile": r.imd_decile,
        "ruc_code": r.ruc_code,
        "band": r.band,
    }


def _profile_out(area, wards) -> dict:
    p = area.profile
    return {
        "kind": area.kind,
        "code": area.code,
        "name": area.name,
        "place": {"code": area.place.code, "name": area.place.name},
        "population": p.total,
        "share_65_plus": float(p.share_65_plus),
        "lsoa_count": p.lsoa_count,
        "age_bands": [
            {"key": b.key, "label": b.label, "population": b.population, "share": float(b.share)}
            for b in p.age_bands
        ],
        "imd_deciles": [_share(s) for s in p.imd_deciles],
        "rurality": [_share(s) for s in p.rurality],
        "lsoas": [_lsoa_row(r) for r in area.lsoas],
        "wards": [{"code": w.code, "name": w.name} for w in wards],
        "sources": SOURCES,
    }


def _share(s) -> dict:
    return {
        "key": s.key,
        "label": s.label,
        "lsoas": s.count,
        "population": s.population,
        "share": float(s.share),
    }


@router.get("/places", response=list[PlaceOut])
def list_places(request):
    return [_place_out(p) for p in queries.places(request.user)]


@router.get("/places/{code}", response={200: PlaceDetailOut, 404: ProblemOut})
def get_place(request, code: str):
    place = queries.places(request.user).filter(code=code.strip().upper()).first()
    if place is None:
        raise Http404
    return {
        **_place_out(place),
        "localities": [
            {"id": loc.pk, "name": loc.name} for loc in queries.localities_of(request.user, place)
        ],
        "wards": [{"code": w.code, "name": w.name} for w in queries.wards_of(request.user, place)],
    }


@router.get("/localities/{locality_id}", response={200: ProfileOut, 404: ProblemOut})
def get_locality(request, locality_id: int):
    locality = queries.locality(request.user, locality_id)
    if locality is None:
        raise Http404
    area = queries.locality_profile(request.user, locality)
    return _profile_out(area, queries.wards_of_locality(locality))


@router.get("/wards/{code}", response={200: ProfileOut, 404: ProblemOut})
def get_ward(request, code: str):
    ward = queries.ward(request.user, code)
    if ward is None:
        raise Http404
    area = queries.ward_profile(request.user, ward)
    return _profile_out(area, [ward])


@router.get("/postcodes/{postcode}", response={200: PostcodeOut, 404: ProblemOut, 422: ProblemOut})
def get_postcode(request, postcode: str):
    result = queries.postcode_lookup(request.user, postcode)
    if result.lsoa is None:
        return (422 if result.malformed else 404), {"detail": result.error}
    lsoa = result.lsoa
    return {
        "postcode": result.postcode,
        "lsoa": {
            "code": lsoa.code,
            "name": lsoa.name,
            "population": lsoa.pop_total,
            "population_65_plus": lsoa.pop_65_plus,
            "imd_decile": lsoa.imd_decile,
            "ruc_code": lsoa.ruc_code,
            "band": result.band,
        },
        "ward": {"code": lsoa.ward.code, "name": lsoa.ward.name},
        "place": {"code": lsoa.place.code, "name": lsoa.place.name},
    }
