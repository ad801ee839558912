from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "tendercare.geography"
    label = "geography"
    verbose_name = "Geography"

    def ready(self):
        from tendercare.core import history

        from . import queries
        from .models import Locality, OrganisationBand, RuralityBand

        history.register(Locality, queries.localities_visible_to)
        history.register(RuralityBand, queries.rurality_bands_visible_to)
        history.register(OrganisationBand, queries.organisation_bands_visible_to)
