from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_triggers(sender, using="default", **kwargs):
    # After every migrate (and flush): a migration may have rebuilt a register table, which drops
    # its triggers on SQLite; facts.install_triggers puts them back and queues a full refresh.
    from django.db import connections

    from .facts import install_triggers

    install_triggers(connections[using])


class StatsConfig(AppConfig):
    name = "homeward.stats"
    label = "stats"

    def ready(self) -> None:
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="stats-triggers")
