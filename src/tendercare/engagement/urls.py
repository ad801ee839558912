from django.urls import path  # noqa: F401 - the engagement helpers add their pages here

app_name = "engagement"

urlpatterns: list = []
