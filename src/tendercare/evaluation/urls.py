from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("<int:pk>/", views.procurement_detail, name="procurement"),
    path("<int:pk>/declare/", views.declare, name="declare"),
    path(
        "<int:pk>/bids/<int:bid_id>/questions/<int:question_id>/",
        views.score,
        name="score",
    ),
    path("<int:pk>/assignments/", views.assignments, name="assignments"),
    path("<int:pk>/moderation/", views.moderation, name="moderation"),
    path(
        "<int:pk>/moderation/<int:bid_id>/<int:question_id>/",
        views.moderate,
        name="moderate",
    ),
    path("<int:pk>/lock/", views.lock, name="lock"),
    path("<int:pk>/prices/", views.prices, name="prices"),
    path("<int:pk>/prices/<int:bid_id>/", views.clarify, name="clarify"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
]
