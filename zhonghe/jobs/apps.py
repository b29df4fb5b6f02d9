from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "zhonghe.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        # Each app may declare handlers in a `job_handlers` module; the built-in ones live here.
        from django.utils.module_loading import autodiscover_modules

        from zhonghe.jobs import handlers  # noqa: F401

        autodiscover_modules("job_handlers")
