from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "tendercare.pricing"
    label = "pricing"

    def ready(self):
        from tendercare.core import history

        from . import queries
        from .models import Scenario, ScenarioVersion

        history.register(Scenario, queries.scenarios_visible_to)
        history.register(ScenarioVersion, queries.versions_visible_to)
