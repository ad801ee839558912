from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "tendercare.evaluation"
    label = "evaluation"

    def ready(self):
        from tendercare.core import history

        from . import queries, rules  # noqa: F401 - rules registers the permissions
        from .models import ModeratedScore, Score

        history.register(Score, queries.scores_visible_to)
        history.register(ModeratedScore, queries.moderated_scores_visible_to)
