from django.urls import path

from . import views

app_name = "pricing"
urlpatterns = [
    path("", views.scenario_list, name="scenarios"),
]
