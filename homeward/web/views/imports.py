from __future__ import annotations

from django import forms
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy

from homeward.accounts.access import require_role
from homeward.accounts.models import Party, PartyKind, Role
from homeward.lib import personlist
from homeward.lib.errors import DomainError
from homeward.registry.models import ImportJob, ImportStatus, SourceKind
from homeward.registry.tasks import queue_import

from .common import apply_errors, page_view


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Person list (CSV or XLSX)"))
    source_kind = forms.ChoiceField(
        choices=SourceKind.choices, initial=SourceKind.LIST, label=gettext_lazy("Kind of source")
    )
    party = forms.ModelChoiceField(
        queryset=Party.objects.filter(kind=PartyKind.STATE),
        to_field_name="code",
        label=gettext_lazy("Party that published it (and holds the persons)"),
    )
    dry_run = forms.BooleanField(
        required=False, label=gettext_lazy("Only check the file, import nothing")
    )


def _jobs_for(user):
    qs = (
        ImportJob.objects.select_related("party", "created_by")
        .defer("content")
        .order_by("-created_at")
    )
    if user.role == Role.BUREAU_OFFICER:
        qs = qs.filter(party_id=user.party_id)
    return qs


@page_view
def imports(request):
    user = request.user
    require_role(user, Role.CASEWORKER, Role.BUREAU_OFFICER)
    form = ImportForm(request.POST or None, request.FILES or None)
    if user.role == Role.BUREAU_OFFICER:
        form.fields["party"].queryset = Party.objects.filter(pk=user.party_id)
        form.fields["party"].initial = user.party.code
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            personlist.check_size(upload.size, personlist.LIMITS)
        except personlist.PersonListError as exc:
            form.add_error("file", exc.message)  # before reading it into memory
        else:
            try:
                job = queue_import(
                    actor=user,
                    file_name=upload.name,
                    content=upload.read(),
                    source_kind=form.cleaned_data["source_kind"],
                    party=form.cleaned_data["party"],
                    dry_run=form.cleaned_data["dry_run"],
                )
            except DomainError as exc:
                apply_errors(form, exc)
            else:
                return redirect("web:import", uuid=job.uuid)
    return render(request, "web/imports.html", {"form": form, "jobs": _jobs_for(user)[:50]})


@page_view
def import_detail(request, uuid):
    require_role(request.user, Role.CASEWORKER, Role.BUREAU_OFFICER)
    job = get_object_or_404(_jobs_for(request.user), uuid=uuid)
    finished = job.status in (ImportStatus.DONE, ImportStatus.FAILED)
    template = "web/_import_status.html" if request.headers.get("HX-Request") else "web/import.html"
    return render(request, template, {"job": job, "finished": finished})
