from django.urls import path

from . import visit_views

urlpatterns = [
    path("", visit_views.visit_list, name="visits"),
    path("imports/", visit_views.import_list, name="visit-imports"),
    path("imports/new/", visit_views.upload, name="visit-upload"),
    path("imports/<int:pk>/", visit_views.import_detail, name="visit-import"),
    path("imports/<int:pk>/withdraw/", visit_views.import_withdraw, name="visit-import-withdraw"),
]
