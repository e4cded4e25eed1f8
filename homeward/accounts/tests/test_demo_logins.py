"""Demo users log in with a second factor whose codes the console can print."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.accounts.twofactor import demo_second_factors
from homeward.conftest import PASSWORD


def test_demo_users_get_a_second_factor_and_the_console_prints_its_code(client, world):
    lines: list[str] = []
    demo_second_factors(lines.append, ["caseworker", "analyst"])
    assert any(line.strip().startswith("caseworker") and "secret:" in line for line in lines)
    assert not any(line.strip().startswith("analyst") for line in lines)
    out = io.StringIO()
    call_command("otp_code", "caseworker", stdout=out)
    code = out.getvalue().strip()
    response = client.post(
        "/login/", {"username": "caseworker", "password": PASSWORD, "code": code}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_console_reads_out_no_real_users_code(world):
    TOTPDevice.objects.create(user=world.caseworker, name="phone", confirmed=True)
    with pytest.raises(CommandError):
        call_command("otp_code", "caseworker", stdout=io.StringIO())
