"""`homeward otp_code USERNAME`: the current second-factor code of a demo user.

Only for devices the demo made (named "demo"): a real user's authenticator stays on their phone.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts.twofactor import DEMO_DEVICE, current_code


class Command(BaseCommand):
    help = "Print the current login code of a demo user (devices made by `homeward demo` only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **opts):
        device = TOTPDevice.objects.filter(
            user__username=opts["username"], name=DEMO_DEVICE, confirmed=True
        ).first()
        if device is None:
            raise CommandError("No demo second factor for that user.")
        self.stdout.write(current_code(device))
