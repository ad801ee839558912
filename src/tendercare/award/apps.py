from django.apps import AppConfig


class AwardConfig(AppConfig):
    name = "tendercare.award"
    label = "award"
