from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "tendercare.engagement"
    label = "engagement"
