from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "zhonghe.interop"
    label = "interop"
