from django.apps import AppConfig


class ScrutinyConfig(AppConfig):
    name = "tendercare.scrutiny"
    label = "scrutiny"

    def ready(self):
        from tendercare.core import history

        from . import queries
        from .models import (
            Action,
            AgendaItem,
            Committee,
            CommitteeDecision,
            Declaration,
            Meeting,
            Member,
            Report,
            WorkProgrammeItem,
        )

        # Each record's history page, scoped like its pages.
        for model, visible in (
            (Committee, queries.committees_visible_to),
            (Member, queries.members_visible_to),
            (Meeting, queries.meetings_visible_to),
            (AgendaItem, queries.agenda_items_visible_to),
            (CommitteeDecision, queries.decisions_visible_to),
            (Action, queries.actions_visible_to),
            (Declaration, queries.declarations_visible_to),
            (WorkProgrammeItem, queries.work_programme_visible_to),
            (Report, queries.reports_visible_to),
        ):
            history.register(model, visible)
