from django.urls import path

from . import kpi_views

# Included at /performance/kpis/ under the app_name "performance".
urlpatterns = [
    path("", kpi_views.results, name="kpis"),
    path("returns/", kpi_views.returns, name="returns"),
    path("schedule/<int:contract_pk>/", kpi_views.schedule, name="schedule"),
    path("results/<int:pk>/visits/", kpi_views.result_visits, name="kpi-visits"),
    path("<slug:code>/<int:provider_pk>/<int:zone_pk>/", kpi_views.kpi_detail, name="kpi"),
    path("<slug:code>/contract/<int:contract_pk>/", kpi_views.kpi_contract, name="kpi-contract"),
]
