"""Engagement pages: activities, participation and reach (activity_urls.py), feedback, themes
and "you said, we did" (feedback_urls.py)."""

from django.urls import include, path

app_name = "engagement"

urlpatterns = [
    path("", include("tendercare.engagement.activity_urls")),
    path("feedback/", include("tendercare.engagement.feedback_urls")),
]
