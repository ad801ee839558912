from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "tendercare.procurement"
    label = "procurement"
