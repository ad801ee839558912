from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "tendercare.geography"
    label = "geography"
