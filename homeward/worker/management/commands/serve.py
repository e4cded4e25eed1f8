from __future__ import annotations

import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from homeward.worker.runner import run


class Command(BaseCommand):
    help = (
        "Serves Homeward on one machine: the web app (Django's threaded server, static files "
        "through WhiteNoise) plus the background worker in the same process. For production use "
        "gunicorn homeward.wsgi and a separate `homeward worker`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000")
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, **opts):
        from homeward.lib.security import require_secret_key

        require_secret_key()
        # Signals belong to the main thread (the web server's); the worker thread stops with
        # the process. A task it was running is found lost and run again by the next worker.
        threading.Thread(
            target=run, kwargs={"install_signals": False}, name="homeward-worker", daemon=True
        ).start()
        call_command(
            "runserver", f"{opts['host']}:{opts['port']}", use_reloader=False, insecure_serving=True
        )
