from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "tendercare.programmes"
    label = "programmes"

    def ready(self):
        from tendercare.core import history

        from . import queries
        from .models import Decision, Lesson, Milestone, MilestoneRevision, Programme, Risk

        history.register(Programme, queries.programmes_visible_to)
        history.register(Milestone, queries.milestones_visible_to)
        history.register(MilestoneRevision, queries.revisions_visible_to)
        history.register(Risk, queries.risks_visible_to)
        history.register(Decision, queries.decisions_visible_to)
        history.register(Lesson, queries.lessons_visible_to)
