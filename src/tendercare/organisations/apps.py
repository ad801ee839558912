from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "tendercare.organisations"
    label = "organisations"
    verbose_name = "Organisations and people"

    def ready(self):
        from tendercare.core import history

        from . import queries
        from .models import Organisation

        history.register(Organisation, queries.organisations_visible_to)
