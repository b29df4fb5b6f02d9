from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "zhonghe.registry"
    label = "registry"
