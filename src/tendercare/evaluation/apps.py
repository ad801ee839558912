from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "tendercare.evaluation"
    label = "evaluation"
