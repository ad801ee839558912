from django.urls import include, path

app_name = "performance"
# Each part keeps its own URL list: visits, KPIs, payments, status.
urlpatterns = [
    path("visits/", include("tendercare.performance.visit_urls")),
    path("kpis/", include("tendercare.performance.kpi_urls")),
    path("payments/", include("tendercare.performance.payment_urls")),
    # The monitoring overview (/performance/) and provider status (/performance/status/...).
    path("", include("tendercare.performance.status_urls")),
]
