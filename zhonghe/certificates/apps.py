from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "zhonghe.certificates"
    label = "certificates"

    def ready(self) -> None:
        from zhonghe.certificates import keys  # noqa: F401 - registers the signing key system check
