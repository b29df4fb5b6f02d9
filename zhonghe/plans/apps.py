from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "zhonghe.plans"
    label = "plans"
    verbose_name = "碳中和计划书"
