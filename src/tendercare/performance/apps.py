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

        from . import queries
        from .models import ProviderStatus, StatusRecommendation

        # Provider status rows and status recommendations, scoped like the status pages.
        history.register(ProviderStatus, queries.statuses_visible_to)
        history.register(StatusRecommendation, queries.recommendations_visible_to)

        from .models import (
            CqcRating,
            KpiReturn,
            KpiSchedule,
            PaymentTerms,
            QualityAudit,
            VisitImport,
            Zone,
        )

        # The other records people write, each scoped like the page that shows it.
        history.register(Zone, queries.zones_for_history)
        history.register(VisitImport, queries.imports_visible_to)
        history.register(KpiSchedule, queries.schedules_visible_to)
        history.register(KpiReturn, queries.returns_visible_to)
        history.register(PaymentTerms, queries.terms_visible_to)
        history.register(QualityAudit, queries.quality_audits_visible_to)
        history.register(CqcRating, queries.cqc_ratings_visible_to)
