"""Public pages, without sign-in: open and past engagement, "you said, we did", published
reports. Everything here has passed disclosure control (scrutiny/disclosure.py)."""

from django.urls import path  # noqa: F401 - the public pages helper adds its pages here

app_name = "public"

urlpatterns: list = []
