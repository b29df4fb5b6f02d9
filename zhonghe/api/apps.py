from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "zhonghe.api"
    label = "api"
