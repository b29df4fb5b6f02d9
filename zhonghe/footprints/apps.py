from django.apps import AppConfig


class FootprintsConfig(AppConfig):
    name = "zhonghe.footprints"
    label = "footprints"
