from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "homeward.worker"
    label = "worker"
