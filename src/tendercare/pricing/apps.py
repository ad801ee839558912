from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "tendercare.pricing"
    label = "pricing"
