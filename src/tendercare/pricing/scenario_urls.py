from django.urls import path

from . import views

urlpatterns = [
    path("", views.scenario_list, name="scenarios"),
    path("scenarios/new/", views.scenario_create, name="scenario-create"),
    path("scenarios/compare/", views.scenario_compare, name="scenario-compare"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario"),
    path("scenarios/<int:pk>/change/", views.scenario_change, name="scenario-change"),
    path(
        "scenarios/<int:pk>/monitoring/",
        views.scenario_use_for_monitoring,
        name="scenario-monitoring",
    ),
]
