from django.urls import path  # noqa: F401 - the scrutiny helpers add their pages here

app_name = "scrutiny"

urlpatterns: list = []
