from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tendercare.core"
    label = "core"
    verbose_name = "Tendercare core"
