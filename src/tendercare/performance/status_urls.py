from django.urls import path

from . import views

# Included at /performance/ under the app_name "performance": the monitoring overview and the
# provider status pages.
urlpatterns = [
    path("", views.overview, name="zones"),
    path("status/zones/<int:pk>/", views.zone_detail, name="zone"),
    path("status/recommendations/", views.recommendations, name="recommendations"),
    path(
        "status/recommendations/<int:pk>/",
        views.recommendation_detail,
        name="recommendation",
    ),
    path("status/quality/", views.quality, name="quality"),
]
