from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "tendercare.engagement"
    label = "engagement"

    def ready(self):
        from tendercare.core import history

        from . import queries
        from .models import Activity, Change, FeedbackItem, Theme

        # Each record's history page, scoped like its pages.
        for model, visible in (
            (Activity, queries.activities_visible_to),
            (FeedbackItem, queries.feedback_visible_to),
            (Theme, queries.themes_visible_to),
            (Change, queries.changes_visible_to),
        ):
            history.register(model, visible)
