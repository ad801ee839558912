from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tendercare.demo"
    label = "demo"
