from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "zhonghe.imports"
    verbose_name = "Spreadsheet imports"
