from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "homeward.stats"
    label = "stats"
