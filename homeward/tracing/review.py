"""The review queue's pages: candidates side by side, decided in one click or one key."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from homeward.accounts.models import Role
from homeward.lib.errors import Conflict, DomainError, Forbidden, NotFound
from homeward.registry import actions as registry_actions
from homeward.web.views.common import page_view

from . import actions
from .access import access_candidate, access_candidates
from .models import CandidateKind, Decision, Verdict
from .selectors import ReviewQueue
from .views import _candidates_context

QUEUE_PAGE = 20


def _reviewer(user) -> None:
    if user.role != Role.CASEWORKER:
        raise Forbidden(_("Only caseworkers review candidates."))


@page_view
def queue(request):
    """Candidates waiting for review, second looks first, then the best score first."""
    user = request.user
    _reviewer(user)
    kind = request.GET.get("kind", "")
    base = access_candidates(user)
    if kind in CandidateKind.values:
        base = base.filter(kind=kind)
    # Second looks first, then the best score; pairs whose record was merged away are left out
    # (the survivor is re-matched). Counted and paged on the candidate indexes (selectors).
    qs = ReviewQueue(base)
    page = Paginator(qs, QUEUE_PAGE).get_page(request.GET.get("page"))
    if kind not in CandidateKind.values:
        # The navigation's badge counts the same queue: counted once per request.
        request.tracing_waiting = qs.count()
    last = (
        Decision.objects.filter(decided_by=user, undone_at__isnull=True)
        .select_related("candidate")
        .order_by("-decided_at", "-id")
        .first()
    )
    return render(
        request,
        "tracing/queue.html",
        {
            "page": page,
            "items": _candidates_context(user, list(page.object_list)),
            "kind": kind,
            "kinds": CandidateKind.choices,
            "last": last,
            "verdicts": Verdict.choices,
        },
    )


def _next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@page_view
def candidate_detail(request, uuid):
    user = request.user
    candidate = access_candidate(user, uuid)
    history = list(
        candidate.decisions.select_related("decided_by", "undone_by").order_by("decided_at", "id")
    )
    item = _candidates_context(user, [candidate])[0]
    return render(
        request,
        "tracing/candidate.html",
        {
            "item": item,
            "c": candidate,
            "history": history,
            "may_decide": user.role == Role.CASEWORKER,
            "verdicts": Verdict.choices,
        },
    )


@page_view
def decide(request, uuid):
    """POST: a verdict. Without JS a form posts here and comes back to the queue; with JS the
    same request is sent by review.js (X-Requested-With) and answered with a status only."""
    user = request.user
    _reviewer(user)
    if request.method != "POST":
        return redirect("tracing:queue")
    version = request.POST.get("version", "")
    ajax = request.headers.get("X-Requested-With") == "fetch"
    try:
        access_candidate(user, uuid)
        actions.decide(
            actor=user,
            candidate_uuid=uuid,
            verdict=request.POST.get("verdict", ""),
            reason=request.POST.get("reason", ""),
            version=int(version) if version.isdigit() else None,
        )
    except Conflict as exc:
        if ajax:
            return HttpResponse(exc.message, status=409)
        messages.error(request, exc.message)
    except DomainError as exc:
        if ajax:
            return HttpResponse(exc.message, status=exc.status)
        messages.error(request, exc.message)
    else:
        if ajax:
            return HttpResponse(status=204)
        messages.success(request, _("Decision recorded. Press z or use Undo to take it back."))
    return redirect(_next(request, reverse("tracing:queue")))


@page_view
def undo(request):
    user = request.user
    _reviewer(user)
    if request.method != "POST":
        return redirect("tracing:queue")
    ajax = request.headers.get("X-Requested-With") == "fetch"
    uuid = request.POST.get("decision", "")
    if not uuid:
        last = (
            Decision.objects.filter(decided_by=user, undone_at__isnull=True)
            .order_by("-decided_at", "-id")
            .first()
        )
        uuid = str(last.uuid) if last else ""
    try:
        if not uuid:
            raise NotFound(_("You have no decision to undo."))
        actions.undo_decision(actor=user, decision_uuid=uuid)
    except DomainError as exc:
        if ajax:
            return HttpResponse(exc.message, status=exc.status)
        messages.error(request, exc.message)
    else:
        if ajax:
            return HttpResponse(status=204)
        messages.success(request, _("Decision undone."))
    return redirect(_next(request, reverse("tracing:queue")))


@page_view
def merge(request, uuid):
    """ "Same" on two register persons offers the register's merge (registry.actions.merge_persons)."""
    user = request.user
    _reviewer(user)
    candidate = access_candidate(user, uuid)
    if request.method != "POST" or candidate.kind != CandidateKind.PERSON_PERSON:
        return redirect(candidate.get_absolute_url())
    keep = request.POST.get("survivor", "")
    a, b = candidate.person, candidate.other_person
    assert b is not None
    survivor, merged = (a, b) if keep == str(a.uuid) else (b, a)
    try:
        if candidate.verdict != Verdict.SAME:
            raise Conflict(_("Decide the pair is the same person first."))
        registry_actions.merge_persons(
            actor=user, survivor=survivor, merged=merged, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Records merged; the merge can be undone from the person's page.")
        )
    return redirect(candidate.get_absolute_url())
