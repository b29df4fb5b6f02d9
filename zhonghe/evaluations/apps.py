from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "zhonghe.evaluations"
    label = "evaluations"
