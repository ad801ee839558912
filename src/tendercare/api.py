"""The JSON API under /api/v1/. Each app adds its router; endpoints are scoped like pages."""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from tendercare.core.errors import DomainError
from tendercare.organisations.api_auth import API_AUTH

api = NinjaAPI(
    title="Tendercare API",
    version="1",
    description="Contracts, programmes, areas, procurements, pricing, monitoring, engagement "
    "and scrutiny (and published reports without signing in). Sign in with the browser "
    "session or send 'Authorization: Bearer <token>'.",
    auth=API_AUTH,
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(request, {"detail": exc.message}, status=exc.status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": "Sign in or send a valid API token"}, status=401)


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    return api.create_response(request, {"detail": exc.errors}, status=422)


def _add_routers():
    # Each app's api.py defines `router`; missing ones are simply not mounted yet.
    import importlib

    for app, prefix in [
        ("contracts", "/contracts"),
        ("programmes", "/programmes"),
        ("geography", "/areas"),
        ("procurement", "/procurements"),
        ("bidding", "/bidding"),
        ("evaluation", "/evaluation"),
        # Award's router holds the public OCDS endpoints under /procurements/{ref}/ocds
        ("award", "/procurements"),
        ("pricing", "/pricing"),
        ("performance", "/performance"),
        ("engagement", "/engagement"),
        ("scrutiny", "/scrutiny"),
    ]:
        try:
            module = importlib.import_module(f"tendercare.{app}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"tendercare.{app}.api":
                raise
            continue
        api.add_router(prefix, module.router)


_add_routers()
