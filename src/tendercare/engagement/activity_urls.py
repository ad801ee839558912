"""Pages for activities, participation, survey imports and reach (under /engagement/)."""

from django.urls import path

from . import activity_views as views

urlpatterns = [
    path("", views.activity_list, name="activities"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/survey-template.csv", views.survey_template, name="survey_template"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/publish/", views.activity_publish, name="activity_publish"),
    path(
        "activities/<int:pk>/participation/clear/",
        views.participation_clear,
        name="participation_clear",
    ),
    path(
        "activities/<int:pk>/participation/<slug:dimension>/",
        views.participation_edit,
        name="participation",
    ),
    path("activities/<int:pk>/survey/", views.survey_upload, name="survey_upload"),
    path("reach/<int:programme_id>/", views.reach_page, name="reach"),
]
