from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "zhonghe.certificates"
    label = "certificates"
