from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "tendercare.performance"
    label = "performance"
