"""Report pages, under /scrutiny/reports/."""

from django.urls import path

from . import report_views as views

urlpatterns = [
    path("", views.report_list, name="reports"),
    path("programme/<int:pk>/<str:kind>/", views.report_draft, name="report_draft"),
    path("programme/<int:pk>/<str:kind>/pdf/", views.report_draft_pdf, name="report_draft_pdf"),
    path("programme/<int:pk>/<str:kind>/publish/", views.report_publish, name="report_publish"),
    path("<int:pk>/", views.report_detail, name="report"),
    path("<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
]
