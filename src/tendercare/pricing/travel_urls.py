from django.urls import path

from . import travel_views

urlpatterns = [
    path("", travel_views.run_list, name="travel-runs"),
    path("new/", travel_views.run_upload, name="travel-upload"),
    path("<int:pk>/", travel_views.run_detail, name="travel-run"),
    path("<int:pk>/apply/", travel_views.run_apply, name="travel-apply"),
    path("<int:pk>/carers/<int:carer_pk>/", travel_views.carer_detail, name="travel-carer"),
]
