"""Scrutiny record pages, at /scrutiny/ (names scrutiny:<name>)."""

from django.urls import path

from . import committee_views as views

urlpatterns = [
    path("", views.committee_list, name="committees"),
    path("new/", views.committee_create, name="committee_create"),
    path("<int:pk>/", views.committee_detail, name="committee"),
    path("<int:pk>/edit/", views.committee_edit, name="committee_edit"),
    path("<int:pk>/members/new/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_id>/", views.member_edit, name="member_edit"),
    path("<int:pk>/meetings/new/", views.meeting_add, name="meeting_add"),
    path("<int:pk>/actions/new/", views.action_add, name="action_add"),
    path("<int:pk>/work-programme/new/", views.work_programme_add, name="work_programme_add"),
    path(
        "<int:pk>/work-programme/<int:entry_id>/",
        views.work_programme_item,
        name="work_programme_item",
    ),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:meeting_id>/items/new/", views.agenda_item_add, name="agenda_item_add"),
    path(
        "meetings/<int:meeting_id>/items/<int:item_id>/",
        views.agenda_item_edit,
        name="agenda_item_edit",
    ),
    path(
        "meetings/<int:meeting_id>/items/<int:item_id>/decisions/new/",
        views.decision_add,
        name="decision_add",
    ),
    path(
        "meetings/<int:meeting_id>/declarations/new/",
        views.declaration_add,
        name="declaration_add",
    ),
    path("actions/", views.action_list, name="actions"),
    path("actions/<int:action_id>/", views.action_detail, name="action"),
]
