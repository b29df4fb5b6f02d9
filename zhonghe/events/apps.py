from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "zhonghe.events"
    label = "events"
