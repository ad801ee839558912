from django.apps import AppConfig


class AwardConfig(AppConfig):
    name = "tendercare.award"
    label = "award"
    verbose_name = "Award"

    def ready(self):
        from tendercare.core import history

        from . import queries, rules  # noqa: F401  (rules registers the permissions)
        from .models import Award, Representation

        history.register(Award, queries.awards_visible_to)
        history.register(Representation, queries.representations_visible_to)
