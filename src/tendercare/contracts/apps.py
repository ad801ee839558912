from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "tendercare.contracts"
    label = "contracts"
