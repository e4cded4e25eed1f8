"""The second factor: TOTP (RFC 6238) through django-otp, plus one-use backup codes.

The code is checked in the login form with the password; the session is created only when both
hold (homeward/web/views/auth.py). A user of a role that needs a second factor and has none yet
(a new user, after setting a password from the emailed link) is logged in with a session that
can only reach the enrolment page until a device is confirmed (SecondFactorEnrolmentMiddleware).
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django.db import transaction
from django_otp import match_token, user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Role, User

MUST_ENROL = "homeward_must_enrol"  # session key


def needs_second_factor(user: User) -> bool:
    """Every role that sees personal data, and the admin (who creates users)."""
    return user.sees_personal_data or user.role == Role.ADMIN


def has_second_factor(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def check_code(user: User, code: str) -> bool:
    """True when `code` is the current TOTP code (not one already used) or an unused backup code,
    which is then spent. django-otp throttles repeated wrong codes per device."""
    code = "".join(code.split())
    if not code or len(code) > 16:
        return False
    with transaction.atomic():
        return match_token(user, code) is not None


def pending_device(user: User) -> TOTPDevice:
    """The user's unconfirmed TOTP device, made on first visit to the enrolment page."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def otpauth_qr_svg(device: TOTPDevice) -> str:
    """The otpauth URI as an inline SVG QR code (no script, no style: CSP-safe)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=True)


@transaction.atomic
def confirm_device(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirms the device when the code is right and returns ten one-use backup codes, shown once."""
    if not device.verify_token("".join(code.split())):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return new_backup_codes(user)


def new_backup_codes(user: User, count: int = 10) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(count)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator shows now; for tests and the demo's console, never a page."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


DEMO_DEVICE = "demo"


def ensure_device(user: User, *, name: str = DEMO_DEVICE) -> TOTPDevice:
    """A confirmed TOTP device for the user (tests' login helper, the demo's users). Devices made
    here are named "demo": only those will `homeward otp-code` read out."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name=name, confirmed=True)


def demo_second_factors(write, usernames: list[str]) -> None:
    """Gives the demo's users who need one a second factor, and says how to get its codes."""
    users = [u for u in User.objects.filter(username__in=usernames) if needs_second_factor(u)]
    if not users:
        return
    write("Second factor (asked at login): `homeward otp_code USERNAME` prints the current code,")
    write("or add the user's secret to any authenticator app:")
    for user in users:
        device = ensure_device(user)
        write(f"  {user.username:<14} secret: {b32encode(device.bin_key).decode()}")
