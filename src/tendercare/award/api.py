"""/api/v1/procurements/{ref}/ocds: OCDS 1.1 for published procurements, public like the
published notices (no sign-in). Drafts and unknown references are 404."""

from django.http import Http404, HttpResponse
from ninja import Router

from . import ocds, queries

router = Router(tags=["ocds"])


def _published(reference: str):
    procurement = queries.public_procurement(reference)
    if procurement is None:
        raise Http404("No published procurement with that reference")
    return procurement


def _json(data: dict) -> HttpResponse:
    response = HttpResponse(ocds.dumps(data), content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@router.get("/{ref}/ocds", auth=None, summary="OCDS 1.1 release package (public)")
def release_package(request, ref: str):
    """One release per stage reached (planning, tender, award, contract), with lots."""
    procurement = _published(ref)
    return _json(ocds.release_package(procurement, uri=request.build_absolute_uri()))


@router.get("/{ref}/ocds/record", auth=None, summary="OCDS 1.1 record package (public)")
def record_package(request, ref: str):
    """The releases compiled into a record with its compiledRelease."""
    procurement = _published(ref)
    package = ocds.release_package(
        procurement, uri=request.build_absolute_uri().removesuffix("/record")
    )
    return _json(ocds.record_package(package, uri=request.build_absolute_uri()))
