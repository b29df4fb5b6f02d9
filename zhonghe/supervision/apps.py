from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "zhonghe.supervision"
    label = "supervision"
