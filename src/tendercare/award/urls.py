from django.urls import path

from . import views

app_name = "award"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:reference>/", views.award_page, name="detail"),
    path("<str:reference>/lots/<int:number>/propose/", views.propose, name="propose"),
    path("<str:reference>/letters/", views.letters, name="letters"),
    path("<str:reference>/representations/", views.representation_add, name="representation"),
    path(
        "<str:reference>/representations/<int:pk>/respond/",
        views.representation_respond,
        name="respond",
    ),
    path("<str:reference>/confirm/", views.confirm, name="confirm"),
    path("<str:reference>/letter/", views.my_letter, name="letter"),
]
