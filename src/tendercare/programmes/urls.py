from django.urls import path

from . import views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_create, name="create"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/edit/", views.programme_edit, name="edit"),
    path("<int:pk>/contracts/", views.programme_contracts, name="contracts"),
    path("<int:pk>/milestones.<str:fmt>", views.milestones_export, name="milestones_export"),
    path("<int:pk>/milestones/new/", views.milestone_add, name="milestone_add"),
    path("<int:pk>/milestones/<int:milestone_id>/", views.milestone_detail, name="milestone"),
    path("<int:pk>/risks/", views.risks, name="risks"),
    path("<int:pk>/risks/<int:risk_id>/", views.risk_detail, name="risk"),
    path("<int:pk>/decisions/", views.decisions, name="decisions"),
    path("<int:pk>/lessons/", views.lessons, name="lessons"),
]
