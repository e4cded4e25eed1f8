"""The tracing desk's pages: inquiries, filing (one or a spreadsheet), the answer letter."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.access import record_access, record_list_access
from homeward.accounts.models import AccessKind, Party, PartyKind, Role
from homeward.lib.errors import DomainError, Forbidden, ValidationFailed
from homeward.registry.models import Category, Person, Sex
from homeward.web.views.common import apply_errors, field_errors, page_view

from . import actions
from .access import (
    access_candidates,
    access_inquiries,
    access_inquiry,
    candidate_sides,
    inquiry_counts,
)
from .answer import AnswerFacts, answer_facts
from .comparison import rows_for
from .explain import summary
from .models import WAITING_STATES, Channel, InquiryState, Language
from .search import search_register
from .validation import clean_inquiry

PAGE_SIZE = 50


class InquiryForm(forms.Form):
    family_name = forms.CharField(max_length=200, required=False, label=gettext_lazy("Family name"))
    given_name = forms.CharField(max_length=200, required=False, label=gettext_lazy("Given name"))
    patronymic = forms.CharField(
        max_length=200, required=False, label=gettext_lazy("Father's name (patronymic)")
    )
    full_name = forms.CharField(
        max_length=400,
        required=False,
        label=gettext_lazy("Full name, if the parts are not known"),
    )
    sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.UNKNOWN, label=gettext_lazy("Sex"))
    birth_date = forms.CharField(
        max_length=10,
        required=False,
        label=gettext_lazy("Date of birth"),
        help_text=gettext_lazy("YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY; a year is enough"),
    )
    birth_place = forms.CharField(
        max_length=200, required=False, label=gettext_lazy("Place of birth")
    )
    home_party = forms.ChoiceField(required=False, label=gettext_lazy("Party depended on"))
    nationality = forms.CharField(
        max_length=2, required=False, label=gettext_lazy("Nationality (two letters)")
    )
    category = forms.ChoiceField(
        choices=[("", "—"), *Category.choices], required=False, label=gettext_lazy("Category")
    )
    service_number = forms.CharField(
        max_length=60, required=False, label=gettext_lazy("Service number")
    )
    rank = forms.CharField(max_length=100, required=False, label=gettext_lazy("Rank"))
    unit = forms.CharField(max_length=200, required=False, label=gettext_lazy("Unit"))
    circumstances = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        label=gettext_lazy("Circumstances: where and when last heard of"),
    )
    requester_name = forms.CharField(max_length=200, label=gettext_lazy("Who asks (name)"))
    requester_relation = forms.CharField(
        max_length=100, required=False, label=gettext_lazy("Relation to the person sought")
    )
    requester_contact = forms.CharField(
        max_length=300, required=False, label=gettext_lazy("Contact (phone, address, e-mail)")
    )
    language = forms.ChoiceField(
        choices=Language.choices, initial=Language.UK, label=gettext_lazy("Language of the answer")
    )
    consent_parties = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("The family agrees to share the inquiry with"),
    )
    channel = forms.ChoiceField(choices=Channel.choices, label=gettext_lazy("Channel"))
    partner = forms.CharField(max_length=200, required=False, label=gettext_lazy("NGO partner"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        states = [
            (p.code, f"{p.code} — {p.name}") for p in Party.objects.filter(kind=PartyKind.STATE)
        ]
        self.fields["home_party"].choices = [("", "—"), *states]
        self.fields["consent_parties"].choices = states
        # The fields the register search reads: typing in them refreshes the candidates (htmx).
        for name in SEARCHED:
            self.fields[name].widget.attrs["class"] = "searchable"
        self.fields["family_name"].widget.attrs["autofocus"] = True


SEARCHED = (
    "family_name",
    "given_name",
    "patronymic",
    "full_name",
    "sex",
    "birth_date",
    "birth_place",
)


def _raw(data) -> dict:
    """Form data as the validation reads it (lists for consent)."""
    raw = {k: data.get(k, "") for k in InquiryForm.base_fields if k != "consent_parties"}
    raw["consent_parties"] = data.getlist("consent_parties") if hasattr(data, "getlist") else []
    return raw


@page_view
def inquiry_list(request):
    user = request.user
    if user.role == Role.ANALYST:
        return render(request, "tracing/counts.html", {"counts": _labelled(inquiry_counts(user))})
    qs = access_inquiries(user)
    state = request.GET.get("state", "")
    if state and state in InquiryState.values:
        qs = qs.filter(state=state)
    overdue_only = request.GET.get("overdue") == "1"
    days = _overdue_days()
    cutoff = timezone.now() - timezone.timedelta(days=days)
    if overdue_only:
        qs = qs.filter(state__in=WAITING_STATES, created_at__lt=cutoff)
    qs = qs.annotate(
        pending=Count("candidates", filter=Q(candidates__state__in=["pending", "second_look"]))
    ).order_by("-created_at", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    record_list_access(user, object_type="inquiry", uuids=[i.uuid for i in page.object_list])
    now = timezone.now()
    for i in page.object_list:
        i.overdue = i.is_overdue(now)
    return render(
        request,
        "tracing/inquiries.html",
        {
            "page": page,
            "state": state,
            "states": InquiryState.choices,
            "overdue_only": overdue_only,
            "overdue_days": days,
            "may_file": user.role in actions.FILERS,
        },
    )


def _overdue_days() -> int:
    from django.conf import settings

    return int(getattr(settings, "TRACING_OVERDUE_DAYS", 30))


def _labelled(counts: dict) -> list[tuple[str, int | None]]:
    labels = dict(InquiryState.choices)
    return [(str(labels[k]), v) for k, v in counts.items()]


def _candidates_context(user, candidates, inquiry=None) -> list[dict]:
    sides = candidate_sides(user, candidates) if candidates else {}
    return [
        {
            "c": c,
            "summary": summary(c.explanation),
            "rows": rows_for(c, sides, inquiry=inquiry or c.inquiry),
            "side": sides.get(c.person_id),
            "other": sides.get(c.other_person_id) if c.other_person_id else None,
        }
        for c in candidates
    ]


@page_view
def inquiry_new(request):
    user = request.user
    if user.role not in actions.FILERS:
        raise Forbidden(_("Your role may not file inquiries."))
    form = InquiryForm(request.POST or None, initial={"channel": Channel.PHONE})
    if request.method == "POST" and form.is_valid():
        try:
            inquiry = actions.file_inquiry(actor=user, fields=_raw(request.POST))
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Inquiry filed. The register's best candidates are below."))
            return redirect(inquiry.get_absolute_url())
    elif request.method == "POST":
        # Let the action name every bad field the same way the API does.
        _f, errors = clean_inquiry(_raw(request.POST))
        for name, message in errors.items():
            if name in form.fields and name not in form.errors:
                form.add_error(name, message)
    return render(request, "tracing/inquiry_new.html", {"form": form})


@page_view
def inquiry_preview(request):
    """htmx: the register's best candidates for what the form holds so far (nothing is filed)."""
    user = request.user
    if user.role not in actions.FILERS:
        raise Forbidden(_("Your role may not file inquiries."))
    # Only what the search reads: the rest of the form may still be half typed.
    raw = {name: request.POST.get(name, "") for name in SEARCHED}
    raw["requester_name"] = "—"
    fields, errors = clean_inquiry(raw)
    found = []
    if fields is not None:
        from .models import Candidate, Inquiry

        draft = Inquiry(
            family_name=fields.family_name,
            given_name=fields.given_name,
            patronymic=fields.patronymic,
            full_name=fields.full_name,
            sex=fields.sex,
            birth_date=fields.birth_date,
            birth_place=fields.birth_place,
        )
        hits = search_register(draft)
        # Shown as unsaved candidates: the same comparison the inquiry page will show.
        persons = {p.pk: p for p in Person.objects.filter(pk__in=[h.person_id for h in hits])}
        cands = [
            Candidate(
                kind="inquiry_person",
                person=persons[h.person_id],
                score=h.score,
                explanation=h.explanation,
            )
            for h in hits
            if h.person_id in persons
        ]
        found = _candidates_context(user, cands, inquiry=draft)
    context = {
        "found": found,
        "errors": {k: v for k, v in errors.items() if k in SEARCHED},
        "previewed": True,
    }
    if request.headers.get("HX-Request"):
        return render(request, "tracing/_preview.html", context)
    # Without JavaScript: the whole form again, as typed, with the candidates beside it.
    return render(
        request, "tracing/inquiry_new.html", {**context, "form": InquiryForm(request.POST)}
    )


@page_view
def inquiry_detail(request, uuid):
    user = request.user
    inquiry = access_inquiry(user, uuid)
    if request.method == "POST":
        op = request.POST.get("op", "")
        note = request.POST.get("note", "")
        try:
            if op == "answer":
                actions.answer_inquiry(actor=user, inquiry=inquiry, note=note)
                messages.success(request, _("Recorded as answered."))
            elif op == "close":
                actions.close_inquiry(actor=user, inquiry=inquiry, note=note)
                messages.success(request, _("Inquiry closed."))
            elif op == "reopen":
                actions.reopen_inquiry(actor=user, inquiry=inquiry, note=note)
                messages.success(request, _("Inquiry reopened."))
            else:
                messages.error(request, _("Unknown request."))
        except DomainError as exc:
            messages.error(request, exc.message + _describe(exc))
        return redirect(inquiry.get_absolute_url())
    candidates: list = []
    if user.role in (Role.CASEWORKER, Role.FAMILY_LIAISON):
        candidates = list(
            access_candidates(user)
            .filter(inquiry=inquiry)
            .select_related("person")
            .order_by("-score", "id")[:20]
        )
    linked = inquiry.linked_person
    return render(
        request,
        "tracing/inquiry.html",
        {
            "inquiry": inquiry,
            "candidates": _candidates_context(user, candidates, inquiry=inquiry),
            "linked": linked,
            "overdue": inquiry.is_overdue(),
            "may_act": user.role in actions.FILERS,
            "answers": list(inquiry.answers.select_related("sent_by").order_by("-sent_at")),
        },
    )


def _describe(exc: DomainError) -> str:
    errors = field_errors(exc)
    lines = exc.detail.get("lines") if isinstance(exc.detail, dict) else None
    parts = [f"{k}: {v}" for k, v in errors.items()]
    if isinstance(lines, dict):
        parts += [
            _("line %(line)s: %(reason)s") % {"line": k, "reason": v} for k, v in lines.items()
        ]
    return (" " + "; ".join(parts)) if parts else ""


class BulkForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Spreadsheet (CSV or XLSX)"))
    partner = forms.CharField(max_length=200, required=False, label=gettext_lazy("NGO partner"))


@page_view
def inquiry_bulk(request):
    user = request.user
    if user.role not in actions.FILERS:
        raise Forbidden(_("Your role may not file inquiries."))
    form = BulkForm(request.POST or None, request.FILES or None)
    line_errors: dict = {}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > actions.BULK_MAX_BYTES:
            form.add_error("file", _("The file is larger than 5 MB."))
        else:
            try:
                filed = actions.file_inquiries_from_file(
                    actor=user,
                    content=upload.read(),
                    file_name=upload.name,
                    partner=form.cleaned_data["partner"],
                )
            except ValidationFailed as exc:
                form.add_error(None, exc.message)
                line_errors = dict(exc.detail.get("lines") or {})
                for k, v in field_errors(exc).items():
                    form.add_error(None, f"{k}: {v}")
            else:
                messages.success(request, _("%(n)d inquiries filed.") % {"n": len(filed)})
                return redirect("tracing:inquiries")
    return render(
        request,
        "tracing/bulk.html",
        {
            "form": form,
            "line_errors": sorted(
                line_errors.items(), key=lambda kv: int(kv[0]) if kv[0].isdigit() else 0
            ),
        },
    )


@page_view
def answer_letter(request, uuid):
    """The answer to the family, in the family's language, printable; POST records it sent."""
    user = request.user
    inquiry = access_inquiry(user, uuid)
    if user.role not in actions.FILERS:
        raise Forbidden(_("Your role may not answer families."))
    if request.method == "POST":
        try:
            actions.send_answer(actor=user, inquiry=inquiry)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The answer is recorded as sent."))
        return redirect(inquiry.get_absolute_url())
    if inquiry.linked_person is None:
        messages.error(request, _("The inquiry is not linked to a registered person yet."))
        return redirect(inquiry.get_absolute_url())
    sent = inquiry.answers.order_by("-sent_at").first()
    # The letter shows the person's register facts: a read of that person, recorded.
    record_access(
        user,
        kind=AccessKind.VIEW,
        object_type="person",
        object_uuid=inquiry.linked_person.uuid,
        detail={"via": "tracing answer letter"},
    )
    facts = AnswerFacts.from_json(sent.facts) if sent else answer_facts(inquiry.linked_person)
    with translation.override(inquiry.language):
        letter = render(
            request,
            "tracing/letter.html",
            {"inquiry": inquiry, "facts": facts, "sent": sent, "today": timezone.now().date()},
        )
    return letter
