"""Login (password and second factor in one step), logout, own password, second-factor
enrolment, API tokens."""

from __future__ import annotations

from base64 import b32encode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from homeward.accounts import twofactor
from homeward.accounts.actions import create_api_token, revoke_api_token, set_own_password
from homeward.accounts.models import Role
from homeward.accounts.throttle import login_allowed, login_failed
from homeward.lib.errors import DomainError, NotFound

from .common import field_errors, page_view


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150, label=gettext_lazy("Username"))
    password = forms.CharField(widget=forms.PasswordInput, max_length=512)
    code = forms.CharField(
        max_length=16,
        required=False,
        label=gettext_lazy("Code from your authenticator app, or a backup code"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def safe_next(request, default: str = "web:home") -> str:
    """Where to go after login: `next` only when it stays on this site (no absolute URL to
    another host, no `//host`, `https:host` or `javascript:`), else the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def login_view(request):
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        username = d["username"]
        if not login_allowed(request, username):
            form.add_error(None, _("Too many failed attempts. Wait a few minutes and try again."))
            status = 429
        else:
            # authenticate() reports a wrong password to axes itself (user_login_failed).
            user = authenticate(request, username=username, password=d["password"])
            if user is not None and twofactor.has_second_factor(user):
                if not twofactor.check_code(user, d["code"]):
                    login_failed(request, username)
                    user = None
            if user is None:
                # One message for a wrong password and a wrong code: it does not tell an
                # attacker that the password was right.
                form.add_error(None, _("Wrong username, password or code."))
                status = 401
            else:
                login(request, user)
                if twofactor.needs_second_factor(user) and not twofactor.has_second_factor(user):
                    request.session[twofactor.MUST_ENROL] = True
                    return redirect("web:two_factor")
                return redirect(safe_next(request))
    return render(request, "web/login.html", {"form": form}, status=status)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("web:login")


@page_view
def home(request):
    user = request.user
    if user.sees_register:
        return redirect("web:persons")
    if user.role == Role.FAMILY_LIAISON:
        try:  # tracing's desk, once that app has pages
            return redirect(reverse("tracing:inquiries"))
        except NoReverseMatch:
            return redirect("web:dashboard")
    if user.role == Role.AUDITOR:
        return redirect("ledger:home")
    return redirect("web:dashboard")


@page_view
def change_password(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        set_own_password(actor=request.user, password=form.cleaned_data["new_password2"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password was changed."))
        return redirect("web:home")
    return render(request, "web/password_change.html", {"form": form})


@page_view
def two_factor(request):
    """Enrolment: scan the QR code (or type the secret), confirm with a code, keep the backup
    codes. Reached straight after login by a user who has no second factor yet."""
    user = request.user
    codes = None
    error = None
    if request.method == "POST" and request.POST.get("form") == "backup":
        if twofactor.has_second_factor(user):
            codes = twofactor.new_backup_codes(user)
    device = twofactor.pending_device(user)
    if request.method == "POST" and request.POST.get("form") == "confirm":
        codes = twofactor.confirm_device(
            user=user, device=device, code=request.POST.get("code", "")[:16]
        )
        if codes is None:
            error = _("That code is not right. Check the time on your device and try again.")
        else:
            request.session.pop(twofactor.MUST_ENROL, None)
            messages.success(request, _("Your second factor is set up."))
            device = twofactor.pending_device(user)
    return render(
        request,
        "web/two_factor.html",
        {
            "enrolled": twofactor.has_second_factor(user),
            "must_enrol": request.session.get(twofactor.MUST_ENROL, False),
            "uri": device.config_url,
            "secret": _b32(device),
            "qr": twofactor.otpauth_qr_svg(device),
            "codes": codes,
            "error": error,
        },
        status=422 if error else 200,
    )


def _b32(device) -> str:
    return b32encode(device.bin_key).decode()


TOKEN_TERMS = [(7, "7"), (30, "30"), (90, "90"), (365, "365")]


@page_view
def tokens(request):
    secret = None
    if request.method == "POST":
        try:
            if request.POST.get("revoke"):
                revoke_api_token(actor=request.user, token_uuid=request.POST["revoke"])
                messages.success(request, _("Token revoked."))
                return redirect("web:tokens")
            try:
                days = int(request.POST.get("days") or settings.API_TOKEN_DEFAULT_DAYS)
            except ValueError:
                days = 0
            _token, secret = create_api_token(
                actor=request.user,
                name=request.POST.get("name", ""),
                days=days,
                read_only=request.POST.get("read_only") == "1",
            )
        except NotFound:
            raise  # an unknown token answers 404, like any unknown record
        except DomainError as exc:
            messages.error(
                request,
                " ".join([exc.message, *(f"{k}: {v}" for k, v in field_errors(exc).items())]),
            )
    return render(
        request,
        "web/tokens.html",
        {
            "tokens": request.user.api_tokens.order_by("-created_at"),
            "secret": secret,
            "terms": TOKEN_TERMS,
            "default_days": settings.API_TOKEN_DEFAULT_DAYS,
        },
    )
