from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "tendercare.procurement"
    label = "procurement"

    def ready(self):
        from tendercare.core import history

        from . import queries
        from . import rules as _rules  # noqa: F401 - registers the permissions
        from .models import Criterion, Lot, Procurement, Question, Requirement

        history.register(Procurement, queries.procurements_visible_to)
        history.register(Lot, queries.lots_visible_to)
        history.register(Requirement, queries.requirements_visible_to)
        history.register(Criterion, queries.criteria_visible_to)
        history.register(Question, queries.questions_visible_to)
