from django.urls import path

from . import views

app_name = "contracts"
# Fixed paths first: a reference may contain "/", so the detail path takes the rest.
urlpatterns = [
    path("", views.register, name="register"),
    path("add/", views.contract_add, name="add"),
    path("import/", views.contract_import, name="import"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("export.xlsx", views.export_xlsx, name="export-xlsx"),
    path("<path:reference>/vary/", views.contract_vary, name="vary"),
    path("<path:reference>/baseline/", views.baseline_record, name="baseline"),
    path("<path:reference>/", views.contract_detail, name="detail"),
]
