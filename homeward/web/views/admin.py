"""The operator's page: parties and users. No personal data of registered persons here."""

from __future__ import annotations

import uuid as uuidlib

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.access import request_user, require_role
from homeward.accounts.actions import create_party, create_user, set_user_active
from homeward.accounts.models import Party, PartyKind, Role, User
from homeward.lib.errors import DomainError, NotFound

from .common import apply_errors, page_view


class UserForm(forms.Form):
    username = forms.CharField(max_length=150, label=gettext_lazy("Username"))
    email = forms.EmailField(
        max_length=254,
        label=gettext_lazy("Email"),
        help_text=gettext_lazy("The user gets a one-time link there to set a password."),
    )
    role = forms.ChoiceField(choices=Role.choices, label=gettext_lazy("Role"))
    party = forms.ModelChoiceField(
        queryset=Party.objects.all(),
        required=False,
        to_field_name="code",
        label=gettext_lazy("Party"),
    )


class PartyForm(forms.Form):
    code = forms.CharField(max_length=16, label=gettext_lazy("Code"))
    name = forms.CharField(max_length=200, label=gettext_lazy("Name"))
    kind = forms.ChoiceField(choices=PartyKind.choices, label=gettext_lazy("Kind"))


@page_view
def users(request):
    actor = request_user(request)
    require_role(actor, Role.ADMIN)
    user_form = UserForm(request.POST if request.POST.get("form") == "user" else None)
    party_form = PartyForm(request.POST if request.POST.get("form") == "party" else None)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "user" and user_form.is_valid():
                d = user_form.cleaned_data
                create_user(
                    actor=actor,
                    username=d["username"],
                    email=d["email"],
                    role=d["role"],
                    party=d["party"],
                    set_password_url=lambda uid, token: request.build_absolute_uri(
                        reverse("web:password_reset_confirm", args=[uid, token])
                    ),
                )
                messages.success(
                    request, _("User created. A link to set the password was sent by email.")
                )
                return redirect("web:users")
            if request.POST.get("form") == "party" and party_form.is_valid():
                d = party_form.cleaned_data
                with transaction.atomic():
                    create_party(actor=actor, code=d["code"], name=d["name"], kind=d["kind"])
                messages.success(request, _("Party created."))
                return redirect("web:users")
            if request.POST.get("form") == "active":
                target = User.objects.filter(uuid=_uuid(request.POST.get("user"))).first()
                if target is None:
                    raise NotFound("No such user.")
                set_user_active(actor=actor, user=target, active=request.POST.get("active") == "1")
                messages.success(request, _("Saved."))
                return redirect("web:users")
        except NotFound:
            raise  # an unknown user answers 404, like any unknown record (page_view renders it)
        except DomainError as exc:
            apply_errors(user_form if request.POST.get("form") == "user" else party_form, exc)
    return render(
        request,
        "web/users.html",
        {
            "users": User.objects.select_related("party").order_by("username"),
            "parties": Party.objects.order_by("code"),
            "user_form": user_form,
            "party_form": party_form,
        },
    )


def _uuid(value) -> uuidlib.UUID | None:
    try:
        return uuidlib.UUID(str(value))
    except ValueError:
        return None
