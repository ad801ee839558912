from django.urls import path

from . import views

app_name = "procurement"
urlpatterns = [
    path("", views.procurement_list, name="list"),
    path("new/", views.procurement_create, name="create"),
    path("<int:pk>/", views.procurement_detail, name="detail"),
    path("<int:pk>/transition/", views.procurement_transition, name="transition"),
    path("<int:pk>/stage/", views.stage_set, name="stage"),
    path("<int:pk>/route/", views.route_advisor, name="route"),
    path("<int:pk>/lots/", views.lots, name="lots"),
    path("<int:pk>/lots/<int:lot_id>/", views.lot_edit, name="lot"),
    path("<int:pk>/requirements/", views.requirements, name="requirements"),
    path("<int:pk>/model/", views.evaluation_model, name="model"),
    path("<int:pk>/model/criteria/new/", views.criterion_add, name="criterion_add"),
    path("<int:pk>/model/questions/new/", views.question_add, name="question_add"),
    path("<int:pk>/model/price/", views.price_formula, name="price_formula"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/invite/", views.invite, name="invite"),
]
