from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "tendercare.contracts"
    label = "contracts"
    verbose_name = "Contract register"

    def ready(self):
        from tendercare.core import history

        from . import queries, rules  # noqa: F401  (rules registers the permissions)
        from .models import Baseline, Contract

        history.register(Contract, queries.contracts_visible_to)
        history.register(Baseline, queries.baselines_visible_to)
