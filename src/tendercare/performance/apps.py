from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "tendercare.performance"
    label = "performance"

    def ready(self):
        from tendercare.core import history

        from . import statements
        from .models import Dispute, Statement

        # A statement's and a dispute's history pages, scoped like the statements pages.
        history.register(Statement, statements.statements_for)
        history.register(Dispute, statements.disputes_visible_to)
