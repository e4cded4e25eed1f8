from django.apps import AppConfig


class ExchangesConfig(AppConfig):
    name = "homeward.exchanges"
    label = "exchanges"
