from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "zhonghe.notifications"
    label = "notifications"
