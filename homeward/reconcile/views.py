"""Reconciliation pages: thin views over the selectors and actions.

A refused action re-renders the page with its message (and the lines or fields it names);
nothing changed.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from homeward.accounts.access import access_person
from homeward.accounts.models import Party, Role
from homeward.exchanges.selectors import access_version
from homeward.lib.errors import DomainError, NotFound
from homeward.web.views.common import page_view

from . import actions, selectors
from .export import export_report
from .models import Outcome, PublishedList, RunStatus, Verdict


def _refused(request, exc: DomainError) -> None:
    detail = exc.detail.get("lines") or exc.detail.get("fields") or {}
    parts = [
        (_("line %(line)s") % {"line": k} if k.isdigit() else k) + f": {v}"
        for k, v in list(detail.items())[:20]
    ]
    messages.error(request, " ".join([exc.message, "; ".join(parts)]).strip())


def _may_run(user) -> bool:
    return user.role in actions.UPLOADERS


@page_view
def lists(request):
    user = request.user
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError(_("Choose a file."), code="validation_failed")
            if upload.size and upload.size > actions.MAX_BYTES:
                raise DomainError(_("The file is too large."), code="validation_failed")
            plist = actions.upload_published_list(
                actor=user,
                content=upload.read(actions.MAX_BYTES + 1),
                file_name=(upload.name or "upload")[:255],
                published_by=request.POST.get("published_by", "")[:16],
                title=request.POST.get("title", "")[:400],
                url=request.POST.get("url", "")[:600],
                published_on=request.POST.get("published_on", "")[:20] or None,
            )
            run = actions.start_reconciliation(actor=user, published_list=plist)
            return redirect("reconcile:run", uuid=run.uuid)
        except DomainError as exc:
            _refused(request, exc)
    rows = [(p, selectors.latest_run(p)) for p in selectors.lists(user)[:100]]
    return render(
        request,
        "reconcile/lists.html",
        {
            "rows": rows,
            "may_run": _may_run(user),
            "parties": Party.objects.order_by("code"),
            "max_rows": actions.MAX_ROWS,
        },
    )


@page_view
def published_list(request, uuid):
    user = request.user
    plist = selectors.access_list(user, uuid)
    if request.method == "POST":
        try:
            run = actions.start_reconciliation(actor=user, published_list=plist)
            return redirect("reconcile:run", uuid=run.uuid)
        except DomainError as exc:
            _refused(request, exc)
    others = PublishedList.objects.exclude(pk=plist.pk).select_related("source")[:50]
    return render(
        request,
        "reconcile/list.html",
        {
            "plist": plist,
            "runs": plist.runs.select_related("started_by")[:20],
            "may_run": _may_run(user),
            "others": others,
        },
    )


@page_view
def run(request, uuid):
    """A run: while the worker carries it out, its stage and progress (polled by htmx); when
    done, the report; when failed, the reason and a way to run it again."""
    user = request.user
    run = selectors.access_run(user, uuid)
    context: dict = {"run": run, "plist": run.published_list, "may_run": _may_run(user)}
    if run.status == RunStatus.DONE:
        r = selectors.report(user, run)
        context.update(
            report=r,
            sees_names=selectors.sees_names(user),
            changes=selectors.changes_since_previous(user, run),
            is_caseworker=user.role == Role.CASEWORKER,
        )
    if request.headers.get("HX-Request"):
        return render(request, "reconcile/_run_body.html", context)
    return render(request, "reconcile/run.html", context)


@page_view
def figure(request, uuid, key):
    user = request.user
    run = selectors.access_run(user, uuid)
    if run.status != RunStatus.DONE:
        raise NotFound("The run has not finished.")
    r = selectors.report(user, run)
    names = selectors.names_behind(user, r, key, limit=500)
    f = r.figure(key)
    label = f.label if f else _("All rows")
    return render(
        request,
        "reconcile/figure.html",
        {"run": run, "plist": run.published_list, "names": names, "label": label, "key": key},
    )


@page_view
def review(request, uuid):
    """The possible rows, each with its candidates, for a caseworker to decide."""
    user = request.user
    run = selectors.access_run(user, uuid)
    if run.status != RunStatus.DONE:
        raise NotFound("The run has not finished.")
    if request.method == "POST":
        try:
            line = int(request.POST.get("line", "0")[:9] or 0)
            outcome = (
                run.outcomes.select_related("entry", "run__published_list")
                .filter(entry__line=line)
                .first()
            )
            if outcome is None:
                raise NotFound("No such line in this run.")
            if "register" in request.POST or "register_all" in request.POST:
                code = request.POST.get("detaining_party", "")[:16]
                holder = Party.objects.filter(code=code).first() if code else None
                chosen = (
                    list(run.outcomes.filter(outcome=Outcome.UNKNOWN))
                    if "register_all" in request.POST
                    else [outcome]
                )
                n = actions.register_unknown(actor=user, outcomes=chosen, detaining_party=holder)
                messages.success(request, _("%(n)s registered as reported captured.") % {"n": n})
            else:
                person = access_person(user, request.POST.get("person", "")[:40])
                actions.decide_possible(
                    actor=user,
                    outcome=outcome,
                    person=person,
                    verdict=request.POST.get("verdict", "")[:10],
                    reason=request.POST.get("reason", "")[: actions.REASON_MAX + 1],
                )
                messages.success(request, _("Decision recorded."))
            return redirect("reconcile:review", uuid=run.uuid)
        except DomainError as exc:
            _refused(request, exc)
    r = selectors.report(user, run)
    possible = selectors.names_behind(user, r, Outcome.POSSIBLE, limit=200)
    unknown = selectors.names_behind(user, r, Outcome.UNKNOWN, limit=500)
    return render(
        request,
        "reconcile/review.html",
        {
            "run": run,
            "plist": run.published_list,
            "possible": possible,
            "unknown": unknown,
            "is_caseworker": user.role == Role.CASEWORKER,
            "verdicts": Verdict.choices,
            "parties": Party.objects.filter(kind="state").order_by("code"),
        },
    )


@page_view
def export(request, uuid, fmt):
    user = request.user
    run = selectors.access_run(user, uuid)
    if run.status != RunStatus.DONE:
        raise NotFound("The run has not finished.")
    content, content_type, name = export_report(user, run, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@page_view
def compare(request, uuid):
    """This list compared with another published list or an exchange list version."""
    user = request.user
    plist = selectors.access_list(user, uuid)
    left = selectors.latest_run(plist, done=True)
    other_key = request.GET.get("other", "")[:40]
    comparison = None
    error = ""
    if left is None:
        error = _("Reconcile this list first.")
    elif other_key:
        try:
            other = PublishedList.objects.filter(uuid=selectors._uuid(other_key)).first()
            right = (
                selectors.latest_run(other, done=True) if other else access_version(user, other_key)
            )
            if right is None:
                error = _("Reconcile the other list first.")
            else:
                comparison = selectors.compare(user, left, right)
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "reconcile/compare.html",
        {"plist": plist, "comparison": comparison, "error": error, "other": other_key},
    )
