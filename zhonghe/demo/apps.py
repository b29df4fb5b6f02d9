from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "zhonghe.demo"
    label = "demo"
