"""Exchange pages: thin views that read through the selectors and write through the actions.

A refused action re-renders the page with its message and the fields it names; nothing changed.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.accounts.access import access_person, access_persons, record_list_access
from homeward.accounts.models import Party, PartyKind, Role
from homeward.ledger.canonical import canonical_json
from homeward.ledger.models import PartyKey
from homeward.lib.errors import DomainError, ValidationFailed
from homeward.registry.selectors import held_by, search_persons
from homeward.web.views.common import field_errors, page_view

from . import actions, selectors
from .models import (
    ExchangeState,
    ListEntry,
    NegotiationState,
    Outcome,
    PlanRun,
    PlanStage,
    PlanStatus,
    Reason,
    Side,
    VersionState,
)
from .runs import queue_plan

CANDIDATES = 50


def _refused(request, exc: DomainError) -> None:
    fields = field_errors(exc)
    detail = "; ".join(f"{k}: {v}" for k, v in fields.items())
    messages.error(request, f"{exc.message} {detail}".strip())


@page_view
def negotiations(request):
    user = request.user
    if request.method == "POST":
        try:
            n = actions.open_negotiation(
                actor=user,
                title=request.POST.get("title", ""),
                party_a=_party(request.POST.get("party_a"), PartyKind.STATE, "party_a"),
                party_b=_party(request.POST.get("party_b"), PartyKind.STATE, "party_b"),
                mediator=_party(request.POST.get("mediator"), PartyKind.MEDIATOR, "mediator"),
            )
            return redirect("exchanges:negotiation", uuid=n.uuid)
        except DomainError as exc:
            _refused(request, exc)
    return render(
        request,
        "exchanges/negotiations.html",
        {
            "negotiations": selectors.access_negotiations(user).order_by("-created_at"),
            "exchanges": selectors.access_exchanges(user)[:20],
            "states": Party.objects.filter(kind=PartyKind.STATE),
            "mediators": Party.objects.filter(kind=PartyKind.MEDIATOR),
            "may_open": user.role in (Role.MEDIATOR, Role.CASEWORKER, Role.BUREAU_OFFICER),
        },
    )


def _size(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationFailed(
            "The plan's options are not valid.",
            detail={"fields": {"size": "must be a whole number, at least 1"}},
        )
    return int(raw)


def _party(code, kind, field) -> Party | None:
    if not code:
        if field == "mediator":
            return None
        raise ValidationFailed("Choose the parties.", detail={"fields": {field: "is required"}})
    party = Party.objects.filter(code=code, kind=kind).first()
    if party is None:
        raise ValidationFailed("No such party.", detail={"fields": {field: "no such party"}})
    return party


@page_view
def negotiation(request, uuid):
    user = request.user
    n = selectors.access_negotiation(user, uuid)
    if request.method == "POST":
        try:
            op = request.POST.get("op")
            if op == "state":
                actions.set_negotiation_state(
                    actor=user,
                    negotiation=n,
                    state=request.POST.get("state", ""),
                    note=request.POST.get("note", ""),
                )
            elif op == "exchange":
                try:
                    date = dt.date.fromisoformat(request.POST.get("date", ""))
                except ValueError:
                    raise ValidationFailed(
                        "The exchange is not valid.",
                        detail={"fields": {"date": "must be a date, YYYY-MM-DD"}},
                    ) from None
                ex = actions.create_exchange(
                    actor=user,
                    negotiation=n,
                    date=date,
                    place=request.POST.get("place", ""),
                    transit_country=request.POST.get("transit_country", ""),
                )
                return redirect("exchanges:exchange", uuid=ex.uuid)
            elif op == "plan":
                # Queued, not run: the worker carries it out and the plan page follows it.
                run = queue_plan(
                    actor=user,
                    negotiation=n,
                    size=_size(request.POST.get("size", "")),
                    all_for_all=bool(request.POST.get("all_for_all")),
                    balance=request.POST.getlist("balance"),
                )
                return redirect("exchanges:plan", uuid=run.uuid)
            return redirect("exchanges:negotiation", uuid=n.uuid)
        except DomainError as exc:
            _refused(request, exc)
    lists = []
    for lst in n.lists.select_related("party").order_by("party__code"):
        versions = list(
            lst.versions.select_related("created_by", "parent")
            .prefetch_related("approvals__party", "approvals__by", "events__by")
            .order_by("-number")
        )
        lists.append({"list": lst, "versions": versions, "latest": versions[0]})
    return render(
        request,
        "exchanges/negotiation.html",
        {
            "n": n,
            "lists": lists,
            "events": n.events.select_related("by").order_by("at"),
            "exchanges": n.exchanges.all(),
            "plans": n.plans.select_related("created_by")[:5],
            "states": NegotiationState.choices,
            "agreed": len(actions.agreed_versions(n)) == 2,
            "runs_exchanges": user.role in (Role.MEDIATOR, Role.CASEWORKER),
            "today": dt.date.today().isoformat(),  # noqa: DTZ011 - a form default only
        },
    )


@page_view
def version(request, uuid):
    user = request.user
    v = selectors.access_version(user, uuid)
    lst = v.exchange_list
    n = lst.negotiation
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "edit":
                new = actions.edit_list(actor=user, base=v, **_edit_from_post(user, request.POST))
                messages.success(request, _("Version %(n)s saved.") % {"n": new.number})
                return redirect("exchanges:version", uuid=new.uuid)
            if op == "propose":
                actions.propose_version(actor=user, version=v, note=request.POST.get("note", ""))
            elif op == "counter":
                actions.counter_version(actor=user, version=v, note=request.POST.get("note", ""))
            elif op == "approve":
                actions.approve_version(
                    actor=user, version=v, signature=request.POST.get("signature") or None
                )
            return redirect("exchanges:version", uuid=v.uuid)
        except DomainError as exc:
            _refused(request, exc)
    entries = list(
        v.entries.select_related("person").order_by("side", "person__family_name", "person__id")
    )
    record_list_access(
        user,
        object_type="person",
        uuids=[e.person.uuid for e in entries],
        detail={"within": f"list_version:{v.uuid}"},
    )
    latest = actions.latest_version(lst)
    editable = (
        user.role == Role.BUREAU_OFFICER
        and user.party_id == lst.party_id
        and latest.pk == v.pk
        and not lst.versions.filter(state=VersionState.AGREED).exists()
        and n.state == NegotiationState.OPEN
    )
    q = request.GET.get("q", "").strip()
    candidates = _candidates(user, n, lst, q) if editable else []
    record_list_access(
        user,
        object_type="person",
        uuids=[c["person"].uuid for c in candidates],
        detail={"within": f"list_candidates:{lst.uuid}"},
    )
    approvals = list(v.approvals.select_related("party", "by", "key"))
    return render(
        request,
        "exchanges/version.html",
        {
            "v": v,
            "n": n,
            "lst": lst,
            "entries": entries,
            "events": v.events.select_related("by").order_by("at"),
            "approvals": approvals,
            "latest": latest,
            "editable": editable,
            "q": q,
            "candidates": candidates,
            "reasons": Reason.choices,
            "own": user.role == Role.BUREAU_OFFICER and user.party_id == lst.party_id,
            "may_counter": v.state == VersionState.PROPOSED
            and user.party_id != lst.party_id
            and user.role in (Role.BUREAU_OFFICER, Role.MEDIATOR),
            "may_approve": v.state == VersionState.PROPOSED
            and user.role == Role.BUREAU_OFFICER
            and user.party_id in n.parties()
            and user.party_id not in [a.party_id for a in approvals],
            # The exact bytes a party signs (canonical JSON), shown as text to copy.
            "approval_data": canonical_json(actions.approval_data(v)).decode(),
            "party_has_key": user.party_id is not None
            and PartyKey.objects.filter(party_id=user.party_id, revoked_at__isnull=True).exists(),
            "previous": v.parent,
        },
    )


def _candidates(user, n, lst, q: str) -> list[dict]:
    """Persons the party may add: its own detainees (to offer) and the other side's (to ask
    for), matching the search, within the user's scope."""
    if not q:
        return []
    other = n.party_b_id if lst.party_id == n.party_a_id else n.party_a_id
    on_list = ListEntry.objects.filter(version__exchange_list=lst).values("person_id")
    scope = access_persons(user)
    out = []
    for side, party_id in ((Side.OFFER, lst.party_id), (Side.ASK, other)):
        qs = search_persons(held_by(party_id).filter(pk__in=scope.values("pk")), q)
        for p in qs.exclude(pk__in=on_list).order_by("family_name", "id")[:CANDIDATES]:
            out.append({"person": p, "side": side})
    return out


def _edit_from_post(user, post) -> dict:
    adds = post.getlist("add")
    removes = post.getlist("remove")
    subs = [post.get(f"sub_{u}") for u in removes if post.get(f"sub_{u}")]
    scope = access_persons(user)
    persons = {str(p.uuid): p for p in scope.filter(uuid__in=[*adds, *removes, *subs])}
    unknown = [u for u in [*adds, *removes, *subs] if u not in persons]
    if unknown:
        raise ValidationFailed("Unknown person.", detail={"fields": {"person": "no such person"}})
    return {
        "add": [
            actions.Add(
                persons[u],
                post.get(f"side_{u}", ""),
                post.get("add_reason", ""),
                post.get("add_text", ""),
            )
            for u in adds
        ],
        "remove": [
            actions.Remove(
                persons[u],
                post.get(f"reason_{u}", ""),
                post.get(f"text_{u}", ""),
                persons.get(post.get(f"sub_{u}", "")),
            )
            for u in removes
        ],
    }


@page_view
def diff(request, a, b):
    user = request.user
    va, vb = selectors.access_version(user, a), selectors.access_version(user, b)
    d = selectors.diff(va, vb)
    record_list_access(
        user,
        object_type="person",
        uuids=[r.person_uuid for r in [*d.added, *d.removed]],
        detail={"within": f"list_diff:{va.uuid}:{vb.uuid}"},
    )
    reasons = dict(Reason.choices)
    return render(
        request,
        "exchanges/diff.html",
        {"d": d, "n": va.exchange_list.negotiation, "reasons": reasons},
    )


@page_view
def person_history(request, uuid):
    user = request.user
    person = access_person(user, uuid)
    h = selectors.list_history(person, negotiations=selectors.access_negotiations(user))
    return render(request, "exchanges/history.html", {"person": person, "h": h})


@page_view
def exchange(request, uuid):
    user = request.user
    ex = selectors.access_exchange(user, uuid)
    on_list = actions.agreed_person_ids(ex)
    done = set(ex.handovers.values_list("person_id", flat=True))
    pending = list(
        access_persons(user)
        .filter(pk__in=on_list - done)
        .order_by("family_name", "given_name", "id")
    )
    if request.method == "POST":
        try:
            if request.POST.get("op") == "complete":
                actions.complete_exchange(actor=user, exchange=ex)
                messages.success(request, _("The exchange is completed."))
            else:
                actions.record_handovers(
                    actor=user, exchange=ex, lines=_lines_from_post(request.POST, pending)
                )
            return redirect("exchanges:exchange", uuid=ex.uuid)
        except DomainError as exc:
            _refused(request, exc)
    lines = list(
        ex.handovers.select_related("person", "from_party", "recorded_by").order_by(
            "from_party__code", "person__family_name"
        )
    )
    record_list_access(
        user,
        object_type="person",
        uuids=[h.person.uuid for h in lines],
        detail={"within": f"exchange:{ex.uuid}"},
    )
    return render(
        request,
        "exchanges/exchange.html",
        {
            "ex": ex,
            "n": ex.negotiation,
            "lines": lines,
            "pending": pending,
            "listed": len(on_list),
            "outcomes": Outcome.choices,
            "may_record": user.role in (Role.MEDIATOR, Role.CASEWORKER)
            and ex.state == ExchangeState.PLANNED,
            "counts": actions.exchange_counts(ex),
        },
    )


def _lines_from_post(post, pending) -> list[actions.HandoverLine]:
    out = []
    for p in pending:
        outcome = post.get(f"outcome_{p.uuid}", "")
        if not outcome:
            continue
        on = post.get(f"interviewed_on_{p.uuid}", "")
        try:
            interviewed_on = dt.date.fromisoformat(on) if on else None
        except ValueError:
            raise ValidationFailed(
                "Not a date.", detail={"fields": {f"interviewed_on ({p})": "must be YYYY-MM-DD"}}
            ) from None
        out.append(
            actions.HandoverLine(
                p,
                outcome,
                post.get(f"reason_{p.uuid}", ""),
                post.get(f"interviewed_by_{p.uuid}", ""),
                interviewed_on,
            )
        )
    if not out:
        raise ValidationFailed(
            "Choose an outcome for at least one person.",
            detail={"fields": {"outcome": "none chosen"}},
        )
    return out


@page_view
def plan(request, uuid):
    """A planner run: while the worker carries it out, its stage and progress (the status part
    is polled by htmx and swapped in place); when done, both sides' lists with every person's
    why; when failed, the reason."""
    user = request.user
    run = selectors.access_plan(user, uuid)
    if request.method == "POST":
        try:
            v = actions.apply_plan(actor=user, run=run)
            return redirect("exchanges:version", uuid=v.uuid)
        except DomainError as exc:
            _refused(request, exc)
    context = {
        "run": run,
        "n": run.negotiation,
        "waited": (timezone.now() - run.created_at).total_seconds(),
        "stages": [(value, label) for value, label in PlanStage.choices if value],
    }
    if run.status == PlanStatus.DONE:
        context.update(_plan_result(user, run))
        record_list_access(
            user,
            object_type="person",
            uuids=[ln["p"].uuid for side in context["sides"] for ln in side["lines"] if ln["p"]],
            detail={"within": f"plan:{run.uuid}"},
        )
    if request.headers.get("HX-Request"):
        return render(request, "exchanges/_plan_body.html", context)
    return render(request, "exchanges/plan.html", context)


def _plan_result(user, run: PlanRun) -> dict:
    sides = []
    for code, side in run.result["sides"].items():
        shown = side.get("lines", [])[:200]
        persons = {
            str(p.uuid): p
            for p in access_persons(user).filter(uuid__in=[ln["person"] for ln in shown])
        }
        sides.append(
            {
                "code": code,
                "side": side,
                "lines": [{**ln, "p": persons.get(ln["person"])} for ln in shown],
                "more": max(0, len(side.get("lines", [])) - len(shown)),
            }
        )
    return {
        "sides": sides,
        "may_apply": user.role == Role.BUREAU_OFFICER
        and user.party_id in run.negotiation.parties(),
    }


@page_view
def reports(request):
    user = request.user
    scope = selectors.access_negotiations(user)
    if not scope.exists() and user.role != Role.CASEWORKER:
        from homeward.lib.errors import Forbidden

        raise Forbidden("You take part in no negotiation.")
    report = selectors.passed_over_report(scope)
    visible = set(
        access_persons(user)
        .filter(pk__in=[r["person"].pk for r in report])
        .values_list("pk", flat=True)
    )
    removals = selectors.removal_report(scope)
    passed_over = [r for r in report if r["person"].pk in visible][:200]
    shown = [c.person.uuid for c in removals["rows"]]
    shown += [c.substituted_by.uuid for c in removals["rows"] if c.substituted_by]
    record_list_access(
        user,
        object_type="person",
        uuids=[*shown, *(r["person"].uuid for r in passed_over)],
        detail={"within": "exchange_reports"},
    )
    return render(
        request,
        "exchanges/reports.html",
        {"removals": removals, "passed_over": passed_over, "reasons": dict(Reason.choices)},
    )
