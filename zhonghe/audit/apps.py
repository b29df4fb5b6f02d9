from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhonghe.audit"
    label = "audit"
