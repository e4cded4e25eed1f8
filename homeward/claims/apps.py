from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "homeward.claims"
    label = "claims"
    verbose_name = "Claims"
