from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "zhonghe.registry"
    label = "registry"

    def ready(self) -> None:
        # The last line of defence of lib/text.py's rule for every project model (the registry app is always
        # installed, and its writers are the ones that must never store a control character).
        from zhonghe.lib.text import install_model_guard

        install_model_guard()
