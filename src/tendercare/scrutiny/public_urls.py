"""Public pages, without sign-in: open and past engagement, "you said, we did", published
reports. Everything here has passed disclosure control (scrutiny/disclosure.py)."""

from django.urls import path

from . import public_views as views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("engagement/", views.activities, name="activities"),
    path("engagement/<int:pk>/", views.activity, name="activity"),
    path("programmes/<str:ref>/", views.programme, name="programme"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:pk>/", views.report_page, name="report"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
]
