from django.apps import AppConfig


class TracingConfig(AppConfig):
    name = "homeward.tracing"
    label = "tracing"
