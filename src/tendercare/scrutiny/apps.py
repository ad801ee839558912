from django.apps import AppConfig


class ScrutinyConfig(AppConfig):
    name = "tendercare.scrutiny"
    label = "scrutiny"
