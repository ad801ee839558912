"""Scrutiny pages: committees, meetings, agenda, decisions, actions, declarations and the work
programme (committee_urls.py); reports (report_urls.py)."""

from django.urls import include, path

app_name = "scrutiny"

urlpatterns = [
    path("", include("tendercare.scrutiny.committee_urls")),
    path("reports/", include("tendercare.scrutiny.report_urls")),
]
