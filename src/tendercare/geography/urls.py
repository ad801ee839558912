from django.urls import path

from . import views

app_name = "geography"
urlpatterns = [
    path("", views.place_list, name="places"),
    path("postcode/", views.postcode_lookup, name="postcode"),
    path("rurality-bands/", views.rurality_bands, name="bands"),
    path("rurality-bands/edit/", views.rurality_band_edit, name="band-edit"),
    path("localities/<int:pk>/", views.locality_detail, name="locality"),
    path("localities/<int:pk>/edit/", views.locality_edit, name="locality-edit"),
    path("wards/<str:code>/", views.ward_detail, name="ward"),
    path("<str:code>/", views.place_detail, name="place"),
]
