from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homeward.accounts.actions import (
    create_api_token,
    login_failed,
    login_locked,
    login_succeeded,
    revoke_api_token,
)
from homeward.accounts.models import Role
from homeward.lib.errors import DomainError

from .common import apply_errors, client_address, page_view


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150)
    password = forms.CharField(widget=forms.PasswordInput, max_length=512)


def login_view(request):
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        address = client_address(request)
        if login_locked(username, address):
            form.add_error(None, _("Too many failed attempts. Wait a few minutes and try again."))
            status = 429
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                login_failed(username, address)
                form.add_error(None, _("Wrong username or password."))
                status = 401
            else:
                login_succeeded(username, address)
                login(request, user)
                return redirect(request.GET.get("next") or "web:home")
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
            return redirect(reverse("tracing:home"))
        except NoReverseMatch:
            return redirect("web:dashboard")
    if user.role == Role.AUDITOR:
        return redirect("ledger:home")
    return redirect("web:dashboard")


@page_view
def tokens(request):
    secret = None
    if request.method == "POST":
        try:
            if request.POST.get("revoke"):
                revoke_api_token(actor=request.user, token_uuid=request.POST["revoke"])
                messages.success(request, _("Token revoked."))
                return redirect("web:tokens")
            _token, secret = create_api_token(actor=request.user, name=request.POST.get("name", ""))
        except DomainError as exc:
            form = forms.Form()
            apply_errors(form, exc)
            messages.error(request, exc.message)
    return render(
        request,
        "web/tokens.html",
        {
            "tokens": request.user.api_tokens.order_by("-created_at"),
            "secret": secret,
        },
    )
