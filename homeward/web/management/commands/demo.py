"""`homeward demo`: a realistic synthetic scenario. Every person in it is synthetic."""

from __future__ import annotations

import random
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from homeward.accounts.twofactor import demo_second_factors
from homeward.synth.accounts import DEMO_USERS
from homeward.synth.scenario import build


class Command(BaseCommand):
    help = (
        "Builds the synthetic demo scenario: parties, a user per role, persons held by each side."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--size", type=int, default=5000, help="persons held by each side (default 5000)"
        )
        parser.add_argument("--seed", type=int, default=20220224)
        parser.add_argument("--reset", action="store_true", help="empty the database first")

    def handle(self, *args, **opts):
        started = time.monotonic()
        if opts["reset"]:
            call_command("flush", interactive=False, verbosity=0)
        summary = build(size=opts["size"], rng=random.Random(opts["seed"]), log=self.stdout.write)
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Demo built in {time.monotonic() - started:.0f} s: {summary}")
        )
        self.stdout.write(
            "All persons in this scenario are synthetic. Log in at http://127.0.0.1:8000/login/ as:"
        )
        for username, role, party, password in DEMO_USERS:
            self.stdout.write(f"  {role:<16} {party or '':<4} {username:<14} password: {password}")
        demo_second_factors(self.stdout.write, [u for u, *_ in DEMO_USERS])
