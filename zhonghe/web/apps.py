from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "zhonghe.web"
    label = "web"
