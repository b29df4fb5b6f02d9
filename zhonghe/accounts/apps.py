from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zhonghe.accounts"
    label = "accounts"
