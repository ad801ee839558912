from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "tendercare.programmes"
    label = "programmes"
