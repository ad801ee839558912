from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("history/<str:object_type>/<str:object_id>/", views.object_history, name="history"),
    path("sources/", views.sources, name="sources"),
]
