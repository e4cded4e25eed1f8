from django.apps import AppConfig


class ReconcileConfig(AppConfig):
    name = "homeward.reconcile"
    label = "reconcile"
