from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve

from tendercare.api import api

urlpatterns = [
    path("", include("tendercare.core.urls")),
    path("organisations/", include("tendercare.organisations.urls")),
    path("areas/", include("tendercare.geography.urls")),
    path("contracts/", include("tendercare.contracts.urls")),
    path("programmes/", include("tendercare.programmes.urls")),
    path("procurements/", include("tendercare.procurement.urls")),
    path("bidding/", include("tendercare.bidding.urls")),
    path("evaluation/", include("tendercare.evaluation.urls")),
    path("award/", include("tendercare.award.urls")),
    path("pricing/", include("tendercare.pricing.urls")),
    path("performance/", include("tendercare.performance.urls")),
    path("engagement/", include("tendercare.engagement.urls")),
    path("scrutiny/", include("tendercare.scrutiny.urls")),
    path("public/", include("tendercare.scrutiny.public_urls")),
    path("api/v1/", api.urls),
    # GOV.UK Frontend is installed from npm at set-up and served from node_modules, never copied.
    re_path(r"^govuk/(?P<path>.*)$", serve, {"document_root": settings.GOVUK_FRONTEND_DIR}),
    re_path(
        r"^assets/(?P<path>.*)$", serve, {"document_root": settings.GOVUK_FRONTEND_DIR / "assets"}
    ),
    re_path(r"^static/(?P<path>.*)$", serve, {"document_root": settings.BASE_DIR / "core/static"}),
]

handler400 = "tendercare.core.views.bad_request"
handler403 = "tendercare.core.views.forbidden"
handler404 = "tendercare.core.views.not_found"
handler500 = "tendercare.core.views.server_error"
