from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.access import (
    access_person,
    access_persons,
    can_see_access_log,
    record_list_access,
    require_role,
    visible_note_parties,
    who_saw,
)
from homeward.accounts.models import Party, PartyKind, Role
from homeward.lib.errors import DomainError, ValidationFailed
from homeward.registry import actions
from homeward.registry.exporting import export_persons
from homeward.registry.models import (
    Category,
    Merge,
    Sex,
    Source,
    SourceKind,
    StatusEvent,
    StatusKind,
)
from homeward.registry.selectors import (
    SORTS,
    PersonFilter,
    attach_current,
    current_detention,
    filter_persons,
    timeline,
)

from .common import apply_errors, field_errors, page_view

PAGE_SIZE = 50


@page_view
def person_list(request):
    qs = access_persons(request.user)
    try:
        flt = PersonFilter.from_params(request.GET)
        errors = {}
    except ValidationFailed as exc:
        flt, errors = PersonFilter(), field_errors(exc)
    qs = filter_persons(qs, flt)
    page = Paginator(qs.select_related("home_party"), PAGE_SIZE).get_page(request.GET.get("page"))
    attach_current(page.object_list)
    record_list_access(request.user, object_type="person", uuids=[p.uuid for p in page.object_list])
    context = {
        "page": page,
        "flt": flt,
        "filter_errors": errors,
        "query": "&".join(f"{k}={v}" for k, v in flt.as_dict().items()),
        "statuses": StatusKind.choices,
        "categories": Category.choices,
        "parties": Party.objects.filter(kind=PartyKind.STATE),
        "sorts": SORTS,
    }
    template = "web/_person_rows.html" if request.headers.get("HX-Request") else "web/persons.html"
    return render(request, template, context)


@page_view
def person_export(request):
    try:
        flt = PersonFilter.from_params(request.GET)
        fmt = request.GET.get("format", "csv")
        data, _rows = export_persons(actor=request.user, flt=flt, fmt=fmt)
    except DomainError as exc:
        messages.error(
            request,
            exc.message + " " + "; ".join(f"{k}: {v}" for k, v in field_errors(exc).items()),
        )
        return redirect("web:persons")
    ctype = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(data, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="persons.{fmt}"'
    return response


class StatusEventForm(forms.Form):
    kind = forms.ChoiceField(choices=StatusKind.choices, label=gettext_lazy("Status"))
    date = forms.CharField(
        max_length=10,
        label=gettext_lazy("Date"),
        help_text=gettext_lazy("YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY"),
    )
    source = forms.ModelChoiceField(
        queryset=Source.objects.none(), to_field_name="uuid", label=gettext_lazy("Source")
    )
    place = forms.CharField(max_length=200, required=False, label=gettext_lazy("Place"))
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=gettext_lazy("Note")
    )
    supersedes = forms.ModelChoiceField(
        queryset=StatusEvent.objects.none(),
        to_field_name="uuid",
        required=False,
        label=gettext_lazy("Corrects event"),
    )

    def __init__(self, *args, person=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        sources = Source.objects.order_by("-created_at")
        if user is not None and user.role == Role.BUREAU_OFFICER:
            sources = sources.filter(party_id=user.party_id)
        self.fields["source"].queryset = sources[:200] if not self.is_bound else sources
        self.fields["supersedes"].queryset = StatusEvent.objects.filter(
            person=person, superseded_by__isnull=True
        )


class NameForm(forms.Form):
    family_name = forms.CharField(max_length=200, label=gettext_lazy("Family name"))
    given_name = forms.CharField(max_length=200, required=False, label=gettext_lazy("Given name"))
    patronymic = forms.CharField(max_length=200, required=False, label=gettext_lazy("Patronymic"))


class MergeForm(forms.Form):
    other = forms.UUIDField(label=gettext_lazy("Record to merge into this one (its id)"))
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Reason"))


@page_view
def person_detail(request, uuid):
    user = request.user
    person = access_person(user, uuid)
    if person.merged_into_id:
        messages.info(
            request, _("This record was merged into another; you are seeing the merged record.")
        )
        return redirect(person.merged_into.get_absolute_url())
    event_form = StatusEventForm(person=person, user=user)
    name_form = NameForm()
    merge_form = MergeForm()
    if request.method == "POST":
        form_name = request.POST.get("form")
        try:
            if form_name == "event":
                event_form = StatusEventForm(request.POST, person=person, user=user)
                if event_form.is_valid():
                    d = event_form.cleaned_data
                    actions.record_status_event(
                        actor=user,
                        person=person,
                        kind=d["kind"],
                        date=d["date"],
                        source=d["source"],
                        place=d["place"],
                        note=d["note"],
                        supersedes=d["supersedes"],
                    )
                    messages.success(request, _("Status event recorded."))
                    return redirect(person.get_absolute_url())
            elif form_name == "name":
                name_form = NameForm(request.POST)
                if name_form.is_valid():
                    actions.add_name(actor=user, person=person, **name_form.cleaned_data)
                    messages.success(request, _("Spelling added."))
                    return redirect(person.get_absolute_url())
            elif form_name == "note":
                actions.add_note(actor=user, person=person, text=request.POST.get("text", ""))
                messages.success(request, _("Note added."))
                return redirect(person.get_absolute_url())
            elif form_name == "merge":
                merge_form = MergeForm(request.POST)
                if merge_form.is_valid():
                    other = access_person(user, merge_form.cleaned_data["other"])
                    actions.merge_persons(
                        actor=user,
                        survivor=person,
                        merged=other,
                        reason=merge_form.cleaned_data["reason"],
                    )
                    messages.success(request, _("Records merged. The merge can be undone below."))
                    return redirect(person.get_absolute_url())
            elif form_name == "unmerge":
                merge = Merge.objects.get(uuid=request.POST.get("merge"), survivor=person)
                actions.undo_merge(actor=user, merge=merge, reason=request.POST.get("reason", ""))
                messages.success(request, _("Merge undone."))
                return redirect(person.get_absolute_url())
        except DomainError as exc:
            target = {"event": event_form, "name": name_form, "merge": merge_form}.get(
                form_name or ""
            )
            if target is not None:
                apply_errors(target, exc)
            else:
                messages.error(request, exc.message)
    note_parties = visible_note_parties(user)
    notes = person.notes.select_related("party", "created_by").order_by("-created_at")
    if note_parties is not None:
        notes = notes.filter(party_id__in=note_parties)
    context = {
        "person": person,
        "names": person.names.select_related("source").order_by("-is_primary", "created_at"),
        "merged_names": [n for p in person.merged_from.all() for n in p.names.all()],
        "nationalities": person.nationalities.values_list("country", flat=True),
        "detentions": person.detentions.select_related("detaining_party", "source").order_by(
            "created_at"
        ),
        "detention": current_detention(person),
        "events": timeline(person),
        "notes": notes,
        "merges": Merge.objects.filter(survivor=person).select_related(
            "merged", "merged_by", "undone_by"
        ),
        "views": who_saw(person.uuid).select_related("user")[:50]
        if can_see_access_log(user)
        else None,
        "event_form": event_form,
        "name_form": name_form,
        "merge_form": merge_form,
        "may_record": user.role in (Role.CASEWORKER, Role.BUREAU_OFFICER),
        "may_merge": user.role == Role.CASEWORKER,
    }
    return render(request, "web/person.html", context)


class NotificationForm(forms.Form):
    """GC III Art. 122 particulars. Parses input; the rules are in registry.validation."""

    detaining_party = forms.ModelChoiceField(
        queryset=Party.objects.filter(kind=PartyKind.STATE),
        to_field_name="code",
        required=False,
        label=gettext_lazy("Detaining party"),
    )
    family_name = forms.CharField(max_length=200, label=gettext_lazy("Surname"))
    given_name = forms.CharField(max_length=200, required=False, label=gettext_lazy("First names"))
    patronymic = forms.CharField(max_length=200, required=False, label=gettext_lazy("Patronymic"))
    sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.MALE, label=gettext_lazy("Sex"))
    birth_date = forms.CharField(
        max_length=10,
        required=False,
        label=gettext_lazy("Date of birth"),
        help_text=gettext_lazy("YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY"),
    )
    birth_place = forms.CharField(
        max_length=200, required=False, label=gettext_lazy("Place of birth")
    )
    rank = forms.CharField(max_length=100, required=False, label=gettext_lazy("Rank"))
    service_number = forms.CharField(
        max_length=60, required=False, label=gettext_lazy("Service number")
    )
    unit = forms.CharField(max_length=200, required=False, label=gettext_lazy("Unit"))
    category = forms.ChoiceField(choices=Category.choices, label=gettext_lazy("Category"))
    home_party_code = forms.ModelChoiceField(
        queryset=Party.objects.filter(kind=PartyKind.STATE),
        to_field_name="code",
        required=False,
        label=gettext_lazy("Party depended on"),
    )
    nationalities = forms.CharField(
        max_length=100,
        required=False,
        label=gettext_lazy("Nationalities"),
        help_text=gettext_lazy("ISO codes, e.g. UA or UZ, KZ"),
    )
    father_name = forms.CharField(
        max_length=200, required=False, label=gettext_lazy("Father's first name")
    )
    mother_maiden_name = forms.CharField(
        max_length=200, required=False, label=gettext_lazy("Mother's maiden name")
    )
    person_to_inform = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
        label=gettext_lazy("Person to inform"),
    )
    captured_on = forms.CharField(
        max_length=10, required=False, label=gettext_lazy("Date of capture")
    )
    capture_place = forms.CharField(
        max_length=200, required=False, label=gettext_lazy("Place of capture")
    )
    internment_place = forms.CharField(
        max_length=200, required=False, label=gettext_lazy("Place of internment")
    )
    wounded = forms.BooleanField(required=False, label=gettext_lazy("Wounded or sick"))


@page_view
def notify(request):
    require_role(request.user, Role.CASEWORKER, Role.BUREAU_OFFICER)
    form = NotificationForm(request.POST or None)
    if request.user.role == Role.BUREAU_OFFICER:
        del form.fields["detaining_party"]
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        detaining = data.pop("detaining_party", None)
        home = data.pop("home_party_code", None)
        data["home_party_code"] = home.code if home else ""
        try:
            person = actions.notify_capture(
                actor=request.user, fields=data, detaining_party=detaining
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Capture notified and registered."))
            return redirect(person.get_absolute_url())
    return render(request, "web/notify.html", {"form": form})


@page_view
def sources(request):
    user = request.user
    require_role(user, Role.CASEWORKER, Role.BUREAU_OFFICER, Role.FAMILY_LIAISON, Role.MEDIATOR)
    qs = Source.objects.select_related("party", "created_by").order_by("-created_at")
    if user.role in (Role.BUREAU_OFFICER, Role.MEDIATOR):
        qs = qs.filter(party_id=user.party_id)
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        upload = d.pop("file")
        try:
            source = actions.create_source(
                actor=user,
                kind=d["kind"],
                title=d["title"],
                party=d["party"] or user.party,
                date=d["date"] or None,
                reliability=d["reliability"],
                credibility=d["credibility"],
                note=d["note"],
                file_name=upload.name if upload else "",
                file_bytes=upload.read() if upload else None,
            )
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Source recorded."))
            return redirect(source.get_absolute_url())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/sources.html", {"page": page, "form": form})


class SourceForm(forms.Form):
    kind = forms.ChoiceField(choices=SourceKind.choices, label=gettext_lazy("Kind"))
    title = forms.CharField(max_length=300, label=gettext_lazy("Title"))
    party = forms.ModelChoiceField(
        queryset=Party.objects.all(), required=False, label=gettext_lazy("Party")
    )
    date = forms.CharField(max_length=10, required=False, label=gettext_lazy("Date"))
    reliability = forms.ChoiceField(
        choices=[(c, c) for c in "ABCDEF"],
        initial="F",
        label=gettext_lazy("Source reliability (A–F)"),
    )
    credibility = forms.ChoiceField(
        choices=[(c, c) for c in "123456"],
        initial="6",
        label=gettext_lazy("Information credibility (1–6)"),
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=gettext_lazy("Note")
    )
    file = forms.FileField(required=False, label=gettext_lazy("Original file (its hash is kept)"))

    def clean_date(self):
        from homeward.lib.dates import PartialDate, PartialDateError

        value = self.cleaned_data["date"]
        if not value:
            return None
        try:
            return PartialDate.parse(value)
        except PartialDateError as exc:
            raise forms.ValidationError(str(exc)) from None


@page_view
def source_detail(request, uuid):
    user = request.user
    require_role(user, Role.CASEWORKER, Role.BUREAU_OFFICER, Role.FAMILY_LIAISON, Role.MEDIATOR)
    source = Source.objects.select_related("party", "created_by").filter(uuid=uuid).first()
    if source is None or (
        user.role in (Role.BUREAU_OFFICER, Role.MEDIATOR) and source.party_id != user.party_id
    ):
        raise Http404
    events = StatusEvent.objects.filter(
        source=source, person__in=access_persons(user, include_merged=True)
    )
    shown = list(events.select_related("person").order_by("-date")[:200])
    record_list_access(
        user,
        object_type="person",
        uuids=[e.person.uuid for e in shown],
        detail={"within": f"source:{source.uuid}"},
    )
    return render(
        request,
        "web/source.html",
        {"source": source, "events": shown, "event_count": events.count()},
    )
