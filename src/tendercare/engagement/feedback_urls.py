"""Pages for feedback, themes and "you said, we did" (under /engagement/feedback/)."""

from django.urls import path

from . import feedback_views as views

urlpatterns = [
    path("", views.feedback_list, name="feedback"),
    path("new/", views.feedback_add, name="feedback-add"),
    path("<int:pk>/", views.feedback_item, name="feedback-item"),
    path("themes/", views.theme_list, name="themes"),
    path("themes/<int:pk>/", views.theme_edit, name="theme-edit"),
    path("programmes/<int:pk>/", views.you_said_we_did, name="you-said-we-did"),
    path("programmes/<int:pk>/changes/new/", views.change_create, name="change-create"),
    path("changes/<int:pk>/", views.change_edit, name="change-edit"),
    path("changes/<int:pk>/publish/", views.change_publish, name="change-publish"),
]
